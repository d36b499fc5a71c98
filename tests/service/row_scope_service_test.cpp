// A row-scoped (multi-tenant) role through DocumentService on a real SQLite file: lists see only
// the caller's account (one step and a chain of two), and single-record reads, creates, updates
// (both the stored and the merged record), batch patches and deletes outside it are refused with
// nothing changed.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "service_fixture.hpp"
#include "testing/temp_dir.hpp"
#include "testing/tenant_schema.hpp"
#include "testing/test_schema.hpp"

namespace ea::service::testing {
namespace {

const std::string kTenantSchema = std::string(ea::testing::kTenantEntities) + R"(rbac:
  tenant:
    row_scope: Account
    entities:
      User: {read: true, update: true}
      Note: {read: true, create: true, update: true, delete: true}
)";

constexpr const char* kAcc1 = "acc_one";
constexpr const char* kAcc2 = "acc_two";

class RowScopeServiceTest : public ::testing::Test {
protected:
    RowScopeServiceTest() : schema_(ea::testing::SchemaFromText(kTenantSchema)) {
        auto opened = store::OpenStore(
            store::StoreConfig{"sqlite://" + (dir_ / "scope.db").string()}, *schema_);
        if (!opened) {
            ADD_FAILURE() << opened.error().message;
            std::abort();
        }
        store_ = *std::move(opened);
        documents_ = std::make_unique<DocumentService>(*schema_, *store_);
    }

    void SetUp() override {
        const auto cli = Context(Channel::kCli);
        for (const char* account : {kAcc1, kAcc2}) {
            ASSERT_TRUE(documents_->Create(cli, Entity("Account"), Record{{"id", account}}));
        }
        for (const auto& [user, account] : std::vector<std::pair<const char*, const char*>>{
                 {"usr_a1", kAcc1}, {"usr_b1", kAcc1}, {"usr_a2", kAcc2}}) {
            ASSERT_TRUE(documents_->Create(
                cli, Entity("User"), Record{{"id", user}, {"name", user}, {"accountId", account}}));
        }
        for (const auto& [note, user] : std::vector<std::pair<const char*, const char*>>{
                 {"note_a1", "usr_a1"}, {"note_b1", "usr_b1"}, {"note_a2", "usr_a2"}}) {
            ASSERT_TRUE(documents_->Create(
                cli, Entity("Note"), Record{{"id", note}, {"title", note}, {"userId", user}}));
        }
    }

    const schema::Entity& Entity(std::string_view name) const { return *schema_->FindEntity(name); }
    RequestContext Tenant() const {
        return Context(Channel::kRest, kT0, Principal{"usr_a1", "t", "tenant", kAcc1, true});
    }
    std::vector<std::string> Ids(const Result<store::ListResult>& listed) {
        std::vector<std::string> ids;
        for (const auto& row : listed->rows) {
            ids.emplace_back(row.at("id").as_string());
        }
        return ids;
    }
    // Every row of `entity`, as stored.
    std::vector<Record> Stored(std::string_view entity) { return AllRows(*store_, Entity(entity)); }

    static void ExpectOutside(const auto& result, const std::string& message) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::kForbidden);
        EXPECT_EQ(result.error().message, message);
    }

    ea::testing::TempDir dir_;
    schema::SchemaPtr schema_;
    store::DocumentStorePtr store_;
    std::unique_ptr<DocumentService> documents_;
};

TEST_F(RowScopeServiceTest, ListsSeeOnlyTheCallersAccount) {
    using V = std::vector<std::string>;
    auto users = documents_->List(Tenant(), Entity("User"), query::Query{});
    ASSERT_TRUE(users) << users.error().message;
    EXPECT_EQ(Ids(users), (V{"usr_a1", "usr_b1"}));
    auto notes = documents_->List(Tenant(), Entity("Note"), query::Query{});
    ASSERT_TRUE(notes) << notes.error().message;
    EXPECT_EQ(Ids(notes), (V{"note_a1", "note_b1"})) << "the chain Note.userId -> User.accountId";
    EXPECT_EQ(notes->page.total, 2);
}

TEST_F(RowScopeServiceTest, SingleRecordsOutsideTheAccountAreRefused) {
    ASSERT_TRUE(documents_->Get(Tenant(), Entity("Note"), "note_b1"));
    ExpectOutside(documents_->Get(Tenant(), Entity("Note"), "note_a2"),
                  "tenant role cannot read Note outside its account");
    const auto before = Stored("Note");
    ExpectOutside(documents_->Delete(Tenant(), Entity("Note"), "note_a2"),
                  "tenant role cannot delete Note outside its account");
    ExpectOutside(
        documents_->Create(Tenant(), Entity("Note"), Record{{"title", "x"}, {"userId", "usr_a2"}}),
        "tenant role cannot create Note outside its account");
    ExpectOutside(documents_->Patch(Tenant(), Entity("Note"), "note_a2", Record{{"title", "x"}}),
                  "tenant role cannot update Note outside its account");
    EXPECT_EQ(Stored("Note"), before) << "a refused call changed the data";
}

TEST_F(RowScopeServiceTest, AnUpdateCannotMoveARecordOutOfTheAccount) {
    const auto users = Stored("User");
    const auto notes = Stored("Note");
    ExpectOutside(
        documents_->Patch(Tenant(), Entity("User"), "usr_b1", Record{{"accountId", kAcc2}}),
        "tenant role cannot update User outside its account");
    ExpectOutside(
        documents_->Patch(Tenant(), Entity("Note"), "note_b1", Record{{"userId", "usr_a2"}}),
        "tenant role cannot update Note outside its account");
    // A batch with one such item writes nothing, and names the item.
    auto batch = documents_->PatchMany(
        Tenant(), Entity("Note"),
        {Record{{"id", "note_a1"}, {"title", "ok"}}, Record{{"id", "note_a2"}, {"title", "no"}}});
    ExpectOutside(batch, "[1] tenant role cannot update Note outside its account");
    EXPECT_EQ(Stored("User"), users);
    EXPECT_EQ(Stored("Note"), notes);
    // Inside the account the same calls work.
    auto moved =
        documents_->Patch(Tenant(), Entity("Note"), "note_b1", Record{{"userId", "usr_a1"}});
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(moved->at("userId"), "usr_a1");
}

}  // namespace
}  // namespace ea::service::testing
