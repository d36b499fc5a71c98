// CheckQuery on parsed queries of the default schema: filters (nested $and/$or, $exists), sort and
// view against the role's rules, the page clamp and completions.
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "query/filter_parser.hpp"
#include "query/sort.hpp"
#include "query/view.hpp"
#include "rbac/authorizer.hpp"
#include "rbac/test_principals.hpp"
#include "testing/test_schema.hpp"

namespace ea::rbac {
namespace {

const schema::Entity& E(const char* name) {
    return *testing::DefaultSchema().FindEntity(name);
}

using testing::As;

query::Query WithFilter(const schema::Entity& entity, const char* json) {
    query::Query query;
    auto filter = query::ParseFilterText(entity, json);
    EXPECT_TRUE(filter) << json << ": " << (filter ? "" : filter.error().message);
    if (filter) {
        query.filter = std::move(*filter);
    }
    return query;
}

// The query layer refuses write_only fields already; rbac must hold on its own, so filters on
// the password are built by hand.
query::FilterPtr Compare(const schema::Field* field, query::Op op, boost::json::value value) {
    auto node = std::make_unique<query::FilterNode>();
    node->kind = query::FilterNode::Kind::kComparison;
    node->comparison = query::Comparison{field, op, std::move(value)};
    return node;
}

query::FilterPtr Group(query::FilterNode::Kind kind, query::FilterPtr a, query::FilterPtr b) {
    auto node = std::make_unique<query::FilterNode>();
    node->kind = kind;
    node->children.push_back(std::move(a));
    node->children.push_back(std::move(b));
    return node;
}

std::string Denial(const Principal& principal, const char* entity, const query::Query& query) {
    auto checked = CheckQuery(EntityAccess(testing::DefaultSchema(), principal, E(entity)), query);
    if (checked) {
        return "allowed";
    }
    EXPECT_EQ(checked.error().code, ErrorCode::kForbidden);
    return checked.error().message;
}

TEST(QueryCheckTest, AiAgentFiltersOnlyTheAllowedUserFields) {
    const Principal agent = As("ai_agent");
    EXPECT_EQ(Denial(agent, "User", WithFilter(E("User"), R"({"username": "mark"})")), "allowed");
    EXPECT_EQ(Denial(agent, "User",
                     WithFilter(E("User"), R"({"email": {"$ne": "a@b.cc"}, "gender": "male",
                                              "createdAt": {"$gte": "2026-01-01"}})")),
              "allowed");
    EXPECT_EQ(Denial(agent, "User", WithFilter(E("User"), R"({"netWorth": {"$gt": 100}})")),
              "ai_agent role cannot filter User on netWorth");
    EXPECT_EQ(Denial(agent, "User", WithFilter(E("User"), R"({"id": "01hzz"})")),
              "ai_agent role cannot filter User on id");
    // Other entities have no filter lists: any readable field.
    EXPECT_EQ(Denial(agent, "Event", WithFilter(E("Event"), R"({"cost": {"$lt": 20}})")),
              "allowed");
}

TEST(QueryCheckTest, ForbiddenFieldsAreCaughtInsideNestedAndOrAndExists) {
    const Principal agent = As("ai_agent");
    const schema::Field* password = E("User").FindField("password");
    const schema::Field* username = E("User").FindField("username");
    query::Query query;
    // {"$or": [{"username": "x"}, {"$and": [{"email": ...}, {"password": {"$exists": true}}]}]}
    query.filter = Group(query::FilterNode::Kind::kOr, Compare(username, query::Op::kEq, "x"),
                         Group(query::FilterNode::Kind::kAnd,
                               Compare(E("User").FindField("email"), query::Op::kEq, "a@b.cc"),
                               Compare(password, query::Op::kExists, true)));
    EXPECT_EQ(Denial(agent, "User", query), "ai_agent role cannot filter User on password");
    EXPECT_EQ(Denial(As("admin"), "User", query), "admin role cannot filter User on password");
    EXPECT_EQ(Denial(As("read"), "User", query), "read role cannot filter User on password");

    // A readable but not allowed field deep inside the tree, through the parser.
    EXPECT_EQ(Denial(agent, "User", WithFilter(E("User"), R"({"$and": [{"username": "x"}, {"$or": [
                         {"gender": "male"}, {"dob": {"$exists": false}}]}]})")),
              "ai_agent role cannot filter User on dob");
    // Hidden fields of another entity: Url.params is hidden from ai_agent.
    EXPECT_EQ(Denial(agent, "Url", WithFilter(E("Url"), R"({"$or": [{"url": "https://a.io"},
                                                            {"params": {"$exists": true}}]})")),
              "ai_agent role cannot filter Url on params");
    EXPECT_EQ(Denial(As("admin"), "Url", WithFilter(E("Url"), R"({"params": {"$exists": true}})")),
              "allowed");
}

TEST(QueryCheckTest, SortKeysFollowTheFilterRules) {
    const Principal agent = As("ai_agent");
    query::Query query;
    auto sort = query::ParseSortText(E("User"), "createdAt:desc,username");
    ASSERT_TRUE(sort);
    query.sort = *sort;
    EXPECT_EQ(Denial(agent, "User", query), "allowed");
    sort = query::ParseSortText(E("User"), "username,lastName");
    ASSERT_TRUE(sort);
    query.sort = *sort;
    EXPECT_EQ(Denial(agent, "User", query), "ai_agent role cannot sort User on lastName");
    EXPECT_EQ(Denial(As("read"), "User", query), "allowed");
    query.sort = {query::SortKey{E("User").FindField("password"), false}};
    EXPECT_EQ(Denial(As("admin"), "User", query), "admin role cannot sort User on password");
}

TEST(QueryCheckTest, ViewAppliesTheReferencedEntitysOwnRules) {
    const Principal agent = As("ai_agent");
    query::Query query;
    auto view = query::ParseViewText(E("Profile"), "user(username,firstName)");
    ASSERT_TRUE(view) << view.error().message;
    query.view = view->specs;
    // firstName is not in User's allowed_filters, but view shows only what a get shows.
    EXPECT_EQ(Denial(agent, "Profile", query), "allowed");

    query.view[0].fields.push_back(E("User").FindField("password"));
    EXPECT_EQ(Denial(agent, "Profile", query), "ai_agent role cannot view User on password");
    EXPECT_EQ(Denial(As("admin"), "Profile", query), "admin role cannot view User on password");

    // Crawl -> Url: the agent has no Crawl rule, so not even the reference may be used.
    view = query::ParseViewText(E("Crawl"), "url(url,params)");
    ASSERT_TRUE(view) << view.error().message;
    query.view = view->specs;
    EXPECT_EQ(Denial(agent, "Crawl", query), "ai_agent role cannot view Crawl on urlId");
    EXPECT_EQ(Denial(As("read"), "Crawl", query), "allowed");
}

TEST(QueryCheckTest, AiAgentListsUsersWithTheirAccountEmbedded) {
    query::Query query;
    auto view = query::ParseViewText(E("User"), "account(id,expiredAt)");
    ASSERT_TRUE(view) << view.error().message;
    query.view = view->specs;
    EXPECT_EQ(Denial(As("ai_agent"), "User", query), "allowed");
    EXPECT_EQ(Denial(As("read"), "User", query), "allowed");
    EXPECT_EQ(Denial(As("nobody"), "User", query), "nobody role cannot view User on accountId");
}

TEST(QueryCheckTest, ViewOfAnEntityTheRoleCannotReadIsRefused) {
    auto schema = testing::SchemaFromText(R"(Account:
  fields:
    name: String
    secret: String
User:
  fields:
    name: String
    accountId: ObjectId
rbac:
  agent:
    entities:
      User: {read: true}
  viewer:
    entities:
      User: {read: true}
      Account:
        read: true
        field_restrictions: {secret: hidden}
        forbidden_filters: [name]
)");
    const schema::Entity& user = *schema->FindEntity("User");
    query::Query query;
    auto view = query::ParseViewText(user, "account(name)");
    ASSERT_TRUE(view);
    query.view = view->specs;
    auto checked = CheckQuery(EntityAccess(*schema, As("agent"), user), query);
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(checked.error().message, "agent role cannot read Account");
    // Readable, but a forbidden filter field is never embedded either; a hidden one is not.
    checked = CheckQuery(EntityAccess(*schema, As("viewer"), user), query);
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().message, "viewer role cannot view Account on name");
    view = query::ParseViewText(user, "account(secret)");
    ASSERT_TRUE(view);
    query.view = view->specs;
    EXPECT_EQ(CheckQuery(EntityAccess(*schema, As("viewer"), user), query).error().message,
              "viewer role cannot view Account on secret");
    view = query::ParseViewText(user, "account(createdAt)");
    ASSERT_TRUE(view);
    query.view = view->specs;
    EXPECT_TRUE(CheckQuery(EntityAccess(*schema, As("viewer"), user), query));
}

TEST(QueryCheckTest, PageSizeAboveTheRoleMaximumIsClampedAndReported) {
    EntityAccess agent(testing::DefaultSchema(), As("ai_agent"), E("User"));
    const PageSize huge = ClampPageSize(agent, 1000000);
    EXPECT_EQ(huge.page_size, 100);
    EXPECT_TRUE(huge.clamped);
    EXPECT_EQ(huge.maximum, 100);
    const PageSize exact = ClampPageSize(agent, 100);
    EXPECT_EQ(exact.page_size, 100);
    EXPECT_FALSE(exact.clamped);
    const PageSize small = ClampPageSize(agent, 25);
    EXPECT_EQ(small.page_size, 25);
    EXPECT_FALSE(small.clamped);
    // Zero and negative sizes are the query layer's to refuse: unchanged, not clamped.
    EXPECT_EQ(ClampPageSize(agent, 0).page_size, 0);
    EXPECT_FALSE(ClampPageSize(agent, -5).clamped);
    EntityAccess admin(testing::DefaultSchema(), As("admin"), E("User"));
    EXPECT_EQ(ClampPageSize(admin, 5000).page_size, query::kMaxPageSize);
    EXPECT_TRUE(ClampPageSize(admin, 5000).clamped);
    EXPECT_FALSE(ClampPageSize(admin, 1000).clamped);
}

TEST(QueryCheckTest, EntityPageSizeOverridesTheRolesWithinTheGlobalMaximum) {
    auto schema = testing::SchemaFromText(R"(Note:
  fields:
    title: String
Tag:
  fields:
    label: String
rbac:
  agent:
    max_page_size: 50
    entities:
      Note: {read: true, max_page_size: 5}
      Tag: {read: true}
)");
    EXPECT_EQ(EntityAccess(*schema, As("agent"), *schema->FindEntity("Note")).MaxPageSize(), 5);
    EXPECT_EQ(EntityAccess(*schema, As("agent"), *schema->FindEntity("Tag")).MaxPageSize(), 50);
}

TEST(QueryCheckTest, CompletionsFollowTheFilterRules) {
    const Principal agent = As("ai_agent");
    EntityAccess user(testing::DefaultSchema(), agent, E("User"));
    EXPECT_TRUE(CheckCompletion(user, *E("User").FindField("username")));
    auto denied = CheckCompletion(user, *E("User").FindField("password"));
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().message, "ai_agent role cannot complete User on password");
    EXPECT_EQ(CheckCompletion(user, *E("User").FindField("lastName")).error().message,
              "ai_agent role cannot complete User on lastName");
    EntityAccess crawl(testing::DefaultSchema(), agent, E("Crawl"));
    EXPECT_EQ(CheckCompletion(crawl, *E("Crawl").FindField("lastParsedDate")).error().message,
              "ai_agent role cannot complete Crawl on lastParsedDate");
}

TEST(QueryCheckTest, AnEmptyQueryNeedsNoFieldRights) {
    EXPECT_EQ(Denial(As("ai_agent"), "User", query::Query{}), "allowed");
}

}  // namespace
}  // namespace ea::rbac
