// The row scope of a multi-tenant role: the filter ANDed into lists (one step, and a chain resolved
// through the lookup the service passes in) and the single-record check.
#include "rbac/row_scope.hpp"

#include <map>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "query/filter_parser.hpp"
#include "rbac/list_guard.hpp"
#include "testing/tenant_schema.hpp"
#include "testing/test_schema.hpp"

namespace ea::rbac {
namespace {

const std::string kTenantSchema = std::string(ea::testing::kTenantEntities) + R"(Topic:
  fields:
    label: String
rbac:
  tenant:
    row_scope: Account
    max_page_size: 20
    entities:
      Account: {read: true}
      User: {read: true, update: true, forbidden_filters: [name]}
      Note: {read: true, create: true}
      Topic: {read: true, row_scope: none}
  admin:
    entities:
      "*": {read: true}
)";

constexpr const char* kAcc1 = "01j0000000000000000000acc1";
constexpr const char* kAcc2 = "01j0000000000000000000acc2";

// Records by id, as a store would hold them.
struct Rows {
    std::map<std::string, Record> by_id;
    std::vector<std::string> lookups;  // "Entity filter" for each IdLookup call

    RecordLookup Get() {
        return [this](const schema::Entity& entity, std::string_view id) -> Result<Record> {
            const auto it = by_id.find(std::string(id));
            if (it == by_id.end()) {
                return NotFound(entity.name() + " not found");
            }
            return it->second;
        };
    }
    // Answers `field $eq value` only: all a chain of two needs.
    IdLookup Ids() {
        return [this](const schema::Entity& entity,
                      query::FilterPtr filter) -> Result<std::vector<std::string>> {
            const auto& cmp = filter->comparison;
            lookups.push_back(entity.name() + " " + cmp.field->name + "=" +
                              boost::json::serialize(cmp.value));
            std::vector<std::string> out;
            for (const auto& [id, record] : by_id) {
                const auto* value = record.if_contains(cmp.field->name);
                if (value != nullptr && *value == cmp.value) {
                    out.push_back(id);
                }
            }
            return out;
        };
    }
};

Record Json(const std::string& text) {
    return boost::json::parse(text).as_object();
}

class RowScopeTest : public ::testing::Test {
protected:
    RowScopeTest() : schema_(testing::SchemaFromText(kTenantSchema)) {
        rows_.by_id["01j00000000000000000000ua1"] = Json(
            std::string(R"({"id":"01j00000000000000000000ua1","accountId":")") + kAcc1 + "\"}");
        rows_.by_id["01j00000000000000000000ub1"] = Json(
            std::string(R"({"id":"01j00000000000000000000ub1","accountId":")") + kAcc1 + "\"}");
        rows_.by_id["01j00000000000000000000ua2"] = Json(
            std::string(R"({"id":"01j00000000000000000000ua2","accountId":")") + kAcc2 + "\"}");
    }
    EntityAccess Access(const char* entity, const Principal& principal) {
        return EntityAccess(*schema_, principal, *schema_->FindEntity(entity));
    }
    static Principal Tenant(const char* account) {
        return Principal{"01j00000000000000000000ua1", "t", "tenant", account, true};
    }
    std::string Filter(const char* entity, const Principal& principal) {
        auto filter = ScopeFilter(Access(entity, principal), rows_.Ids());
        if (!filter) {
            return "error: " + filter.error().message;
        }
        if (*filter == nullptr) {
            return "none";
        }
        return Describe(**filter);
    }
    static std::string Describe(const query::FilterNode& node) {
        if (node.kind == query::FilterNode::Kind::kComparison) {
            const auto& c = node.comparison;
            const char* op = c.op == query::Op::kEq       ? "="
                             : c.op == query::Op::kIn     ? " in "
                             : c.op == query::Op::kExists ? " exists "
                                                          : "?";
            return c.field->name + op + boost::json::serialize(c.value);
        }
        std::string out = node.kind == query::FilterNode::Kind::kAnd ? "and(" : "or(";
        for (const auto& child : node.children) {
            out += Describe(*child) + (child == node.children.back() ? ")" : ", ");
        }
        return out;
    }

    schema::SchemaPtr schema_;
    Rows rows_;
};

TEST_F(RowScopeTest, OneStepEntitiesCompareTheirReferenceWithTheAccount) {
    EXPECT_EQ(Filter("User", Tenant(kAcc1)), std::string("accountId=\"") + kAcc1 + "\"");
    EXPECT_EQ(Filter("Account", Tenant(kAcc1)), std::string("id=\"") + kAcc1 + "\"");
    EXPECT_TRUE(rows_.lookups.empty());
}

TEST_F(RowScopeTest, ChainsResolveIdsFromTheFarEnd) {
    EXPECT_EQ(Filter("Note", Tenant(kAcc1)),
              R"(userId in ["01j00000000000000000000ua1","01j00000000000000000000ub1"])");
    EXPECT_EQ(rows_.lookups,
              (std::vector<std::string>{std::string("User accountId=\"") + kAcc1 + "\""}));
    // An account with no users: a filter that matches nothing.
    EXPECT_EQ(Filter("Note", Tenant("01j0000000000000000000acc9")), "id exists false");
}

TEST_F(RowScopeTest, UnscopedEntitiesAndRolesGetNoFilter) {
    EXPECT_EQ(Filter("Topic", Tenant(kAcc1)), "none");
    EXPECT_EQ(Filter("Note", Principal{"", "a", "admin", "", true}), "none");
}

TEST_F(RowScopeTest, AScopedPrincipalWithoutAnAccountSeesNothing) {
    EXPECT_EQ(Filter("User", Tenant("")), "error: tenant role cannot read User without an account");
    auto checked = CheckRowScope(Access("User", Tenant("")), Action::kRead,
                                 rows_.by_id.begin()->second, rows_.Get());
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, ErrorCode::kForbidden);
}

TEST_F(RowScopeTest, AndFiltersCombinesTheScopeWithTheCallersFilter) {
    auto scope = ScopeFilter(Access("User", Tenant(kAcc1)), rows_.Ids());
    ASSERT_TRUE(scope);
    auto caller = std::make_unique<query::FilterNode>();
    caller->kind = query::FilterNode::Kind::kComparison;
    caller->comparison = query::Comparison{schema_->FindEntity("User")->FindField("name"),
                                           query::Op::kEq, boost::json::string("x")};
    auto both = AndFilters(std::move(caller), std::move(*scope));
    EXPECT_EQ(Describe(*both), std::string("and(name=\"x\", accountId=\"") + kAcc1 + "\")");
    EXPECT_EQ(AndFilters(nullptr, nullptr), nullptr);
}

TEST_F(RowScopeTest, SingleRecordsOfAnotherTenantAreRefused) {
    const Principal tenant = Tenant(kAcc1);
    const Record& own = rows_.by_id.at("01j00000000000000000000ua1");
    const Record& other = rows_.by_id.at("01j00000000000000000000ua2");
    EXPECT_TRUE(CheckRowScope(Access("User", tenant), Action::kRead, own, rows_.Get()));
    auto denied = CheckRowScope(Access("User", tenant), Action::kUpdate, other, rows_.Get());
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(denied.error().message, "tenant role cannot update User outside its account");
    // The account id in another case is the same id.
    Record upper = other;
    upper["accountId"] = std::string(kAcc1).substr(0, 22) + "ACC1";
    EXPECT_TRUE(CheckRowScope(Access("User", tenant), Action::kUpdate, upper, rows_.Get()));
}

TEST_F(RowScopeTest, ChainedRecordsAreFollowedThroughTheirReferences) {
    const Principal tenant = Tenant(kAcc1);
    const Record own = Json(R"({"title":"mine","userId":"01j00000000000000000000ub1"})");
    const Record other = Json(R"({"title":"theirs","userId":"01j00000000000000000000ua2"})");
    const Record dangling = Json(R"({"title":"x","userId":"01j00000000000000000000zz9"})");
    const Record missing = Json(R"({"title":"x"})");
    EXPECT_TRUE(CheckRowScope(Access("Note", tenant), Action::kCreate, own, rows_.Get()));
    for (const Record* record : {&other, &dangling, &missing}) {
        auto denied = CheckRowScope(Access("Note", tenant), Action::kCreate, *record, rows_.Get());
        ASSERT_FALSE(denied) << boost::json::serialize(*record);
        EXPECT_EQ(denied.error().message, "tenant role cannot create Note outside its account");
    }
    // A lookup failure other than not-found is passed on, not turned into a decision.
    auto failing = [](const schema::Entity&, std::string_view) -> Result<Record> {
        return Unavailable("store down");
    };
    auto error = CheckRowScope(Access("Note", tenant), Action::kRead, own, failing);
    ASSERT_FALSE(error);
    EXPECT_EQ(error.error().code, ErrorCode::kUnavailable);
    // Unscoped: no lookups, always Ok.
    EXPECT_TRUE(CheckRowScope(Access("Topic", tenant), Action::kRead, Json("{}"), failing));
}

TEST_F(RowScopeTest, GuardListAppliesEveryListRuleInOneCall) {
    const schema::Entity& note = *schema_->FindEntity("Note");
    query::Query query;
    query.filter = *query::ParseFilterText(note, R"({"title": "x"})");
    query.page_size = 5000;
    auto page = GuardList(Access("Note", Tenant(kAcc1)), query, rows_.Ids());
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_TRUE(page->clamped);
    EXPECT_EQ(page->maximum, 20);
    EXPECT_EQ(query.page_size, 20);
    EXPECT_EQ(
        Describe(*query.filter),
        R"(and(title="x", userId in ["01j00000000000000000000ua1","01j00000000000000000000ub1"]))");

    // A denial leaves the query as it was.
    query::Query by_name;
    by_name.filter = *query::ParseFilterText(*schema_->FindEntity("User"), R"({"name": "x"})");
    by_name.page_size = 50;
    auto denied = GuardList(Access("User", Tenant(kAcc1)), by_name, rows_.Ids());
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().message, "tenant role cannot filter User on name");
    EXPECT_EQ(by_name.page_size, 50);
    EXPECT_EQ(Describe(*by_name.filter), R"(name="x")");

    query::Query any;
    auto nobody =
        GuardList(Access("Note", Principal{"u", "n", "nobody", kAcc1, true}), any, rows_.Ids());
    ASSERT_FALSE(nobody);
    EXPECT_EQ(nobody.error().message, "nobody role cannot read Note");
    EXPECT_EQ(any.filter, nullptr);
}

}  // namespace
}  // namespace ea::rbac

namespace ea::rbac {
namespace {

// The scope resolved before a write transaction answers as CheckRowScope does, with no lookups at
// check time (the store's merge and check callbacks must not call back into it).
TEST_F(RowScopeTest, AResolvedScopeChecksRecordsWithoutLookingAnythingUp) {
    const Principal tenant = Tenant(kAcc1);
    const EntityAccess notes = Access("Note", tenant);
    auto scope = ResolvedScope::Resolve(notes, Action::kUpdate, rows_.Ids());
    ASSERT_TRUE(scope) << scope.error().message;
    const std::size_t lookups = rows_.lookups.size();
    EXPECT_EQ(lookups, 1u) << "one lookup for a chain of two, at resolve time";
    EXPECT_TRUE(scope->Check(Json(R"({"title":"mine","userId":"01j00000000000000000000ub1"})")));
    EXPECT_TRUE(scope->Check(Json(R"({"title":"mine","userId":"01J00000000000000000000UB1"})")));
    for (const char* outside :
         {R"({"title":"theirs","userId":"01j00000000000000000000ua2"})",
          R"({"title":"x","userId":"01j00000000000000000000zz9"})", R"({"title":"x"})"}) {
        auto denied = scope->Check(Json(outside));
        ASSERT_FALSE(denied) << outside;
        EXPECT_EQ(denied.error().code, ErrorCode::kForbidden);
        EXPECT_EQ(denied.error().message, "tenant role cannot update Note outside its account");
    }
    EXPECT_EQ(rows_.lookups.size(), lookups) << "Check looked something up";

    // One step: the account itself, no lookup at all.
    const EntityAccess users = Access("User", tenant);
    auto direct = ResolvedScope::Resolve(users, Action::kDelete, rows_.Ids());
    ASSERT_TRUE(direct);
    EXPECT_EQ(rows_.lookups.size(), lookups);
    EXPECT_TRUE(direct->Check(rows_.by_id.at("01j00000000000000000000ua1")));
    auto other = direct->Check(rows_.by_id.at("01j00000000000000000000ua2"));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message, "tenant role cannot delete User outside its account");

    // Unscoped entity or role: everything passes; a scoped caller without an account: refused.
    const EntityAccess topics = Access("Topic", tenant);
    auto unscoped = ResolvedScope::Resolve(topics, Action::kUpdate, rows_.Ids());
    ASSERT_TRUE(unscoped);
    EXPECT_TRUE(unscoped->Check(Json("{}")));
    const Principal nobody = Tenant("");
    const EntityAccess homeless = Access("User", nobody);
    auto refused = ResolvedScope::Resolve(homeless, Action::kUpdate, rows_.Ids());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "tenant role cannot update User without an account");
}

}  // namespace
}  // namespace ea::rbac
