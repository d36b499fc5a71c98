// The tools generated from the schema: names (snake_case, real plurals), what `operations`
// remove, the order, and input schemas that state the validator's rules.
#include <set>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp/tool_registry.hpp"
#include "mcp_fixture.hpp"
#include "schema/ecma_pattern.hpp"
#include "testing/test_schema.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

std::vector<std::string> Names(const ToolRegistry& tools) {
    std::vector<std::string> names;
    for (const auto& tool : tools.tools()) {
        names.push_back(tool.name);
    }
    return names;
}

std::set<std::string> Keys(const value& object_value) {
    std::set<std::string> keys;
    for (const auto& [key, unused] : object_value.as_object()) {
        keys.emplace(key);
    }
    return keys;
}

std::set<std::string> Strings(const value& array_value) {
    std::set<std::string> out;
    for (const auto& v : array_value.as_array()) {
        out.emplace(v.as_string());
    }
    return out;
}

class ToolGenerationTest : public McpTest {};

TEST_F(ToolGenerationTest, DefaultSchemaGivesTheFortyTwoToolsInSchemaOrder) {
    const std::vector<std::string> expected = {"list_accounts",
                                               "get_account",
                                               "create_account",
                                               "update_account",
                                               "delete_account",
                                               "list_users",
                                               "get_user",
                                               "create_user",
                                               "update_user",
                                               "user_auth_login",
                                               "user_auth_logout",
                                               "user_auth_refresh",
                                               "list_profiles",
                                               "get_profile",
                                               "create_profile",
                                               "update_profile",
                                               "delete_profile",
                                               "list_tag_affinities",
                                               "get_tag_affinity",
                                               "create_tag_affinity",
                                               "update_tag_affinity",
                                               "delete_tag_affinity",
                                               "list_events",
                                               "get_event",
                                               "create_event",
                                               "update_event",
                                               "delete_event",
                                               "list_user_events",
                                               "get_user_event",
                                               "create_user_event",
                                               "update_user_event",
                                               "delete_user_event",
                                               "list_urls",
                                               "get_url",
                                               "create_url",
                                               "update_url",
                                               "delete_url",
                                               "list_crawls",
                                               "get_crawl",
                                               "delete_crawl",
                                               "aggregate",
                                               "batch"};
    EXPECT_EQ(Names(*tools_), expected);
    EXPECT_EQ(tools_->listing().size(), 42u);
    EXPECT_EQ(tools_->Find("delete_user"), nullptr) << "User's operations are rcu";
    EXPECT_EQ(tools_->Find("create_crawl"), nullptr) << "Crawl's operations are rd";
}

TEST_F(ToolGenerationTest, ListingIsIdenticalAcrossBuilds) {
    ToolRegistry again(schema(), ToolServices{*documents_, *auth_}, ToolSchemaOptions{});
    EXPECT_EQ(boost::json::serialize(again.listing()), boost::json::serialize(tools_->listing()));
}

TEST_F(ToolGenerationTest, EveryListedToolHasTheSpecShape) {
    for (const auto& tool : tools_->listing()) {
        const auto& t = tool.as_object();
        EXPECT_TRUE(t.at("name").is_string());
        EXPECT_FALSE(t.at("description").as_string().empty()) << t.at("name");
        EXPECT_EQ(t.at("inputSchema").at("type"), value("object")) << t.at("name");
        EXPECT_TRUE(t.at("annotations").at("readOnlyHint").is_bool()) << t.at("name");
    }
    EXPECT_EQ(tools_->Find("list_users")->annotations.at("readOnlyHint"), value(true));
    EXPECT_EQ(tools_->Find("delete_event")->annotations.at("destructiveHint"), value(true));
    EXPECT_EQ(tools_->Find("create_event")->annotations.at("destructiveHint"), value(false));
}

TEST_F(ToolGenerationTest, CreateSchemaRequiresWhatTheValidatorRequires) {
    const auto& s = tools_->Find("create_user")->input_schema;
    const auto required = Strings(s.at("required"));
    for (const char* name : {"username", "email", "password", "firstName", "lastName",
                             "isAccountOwner", "accountId"}) {
        EXPECT_TRUE(required.contains(name)) << name;
    }
    EXPECT_FALSE(required.contains("role")) << "not required, and it has a default";
    EXPECT_FALSE(required.contains("id")) << "the server chooses one";
    EXPECT_FALSE(required.contains("dob"));
    const auto& props = s.at("properties");
    EXPECT_FALSE(props.as_object().contains("createdAt"));
    EXPECT_FALSE(props.as_object().contains("updatedAt"));
    EXPECT_EQ(props.at("username").at("minLength"), value(3));
    EXPECT_EQ(props.at("username").at("maxLength"), value(50));
    const auto& user = *schema().FindEntity("User");
    EXPECT_EQ(props.at("email").at("pattern"),
              value(*schema::EcmaPattern(user.FindField("email")->pattern->regex)));
    // Optional fields accept null, as the validator does.
    EXPECT_EQ(props.at("gender").at("enum"),
              value(boost::json::array{"male", "female", "other", nullptr}));
    EXPECT_EQ(props.at("gender").at("type"), value(boost::json::array{"string", "null"}));
    EXPECT_EQ(props.at("dob").at("format"), value("date"));
    EXPECT_EQ(props.at("netWorth").at("minimum").to_number<double>(), 0.0);
    EXPECT_EQ(props.at("netWorth").at("maximum").to_number<double>(), 10000000.0);
    EXPECT_EQ(props.at("isAccountOwner").at("type"), value("boolean"));
    EXPECT_EQ(s.at("additionalProperties"), value(false));
    const auto& event = tools_->Find("create_event")->input_schema.at("properties");
    EXPECT_EQ(event.at("dateTime").at("format"), value("date-time"));
}

TEST_F(ToolGenerationTest, UpdateSchemaRequiresOnlyTheId) {
    const auto& s = tools_->Find("update_user")->input_schema;
    EXPECT_EQ(s.at("required"), value(array{"id"}));
    EXPECT_TRUE(s.at("properties").as_object().contains("username"));
    EXPECT_TRUE(s.at("properties").as_object().contains("password")) << "passwords can be set";
}

TEST_F(ToolGenerationTest, ListSchemaOffersFiltersSortPagesAndViews) {
    const auto& s = tools_->Find("list_users")->input_schema;
    EXPECT_EQ(Keys(s.at("properties")),
              (std::set<std::string>{"filter", "filter_matching", "sort", "page", "pageSize",
                                     "count", "view", "fields"}));
    EXPECT_EQ(s.at("properties").at("count").at("enum"),
              value(array{"auto", "exact", "estimated", "none"}));
    const auto& filter = s.at("$defs").at("filter").at("properties");
    EXPECT_FALSE(filter.as_object().contains("password")) << "a filter on a password is an oracle";
    EXPECT_TRUE(filter.as_object().contains("$and"));
    EXPECT_TRUE(filter.as_object().contains("$or"));
    // Operator objects are shared through $defs, one per kind of field.
    const auto operators = [&](const char* field) -> const value& {
        const std::string ref(filter.at(field).at("anyOf").at(2).at("$ref").as_string());
        EXPECT_TRUE(ref.starts_with("#/$defs/")) << ref;
        return s.at("$defs").at(ref.substr(8)).at("properties");
    };
    const auto& ops = operators("createdAt");
    EXPECT_EQ(Keys(ops), (std::set<std::string>{"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in",
                                                "$nin", "$exists"}));
    const auto& bool_ops = operators("isAccountOwner");
    EXPECT_FALSE(bool_ops.as_object().contains("$gt")) << "booleans take no ranges";
    EXPECT_EQ(Strings(operators("gender").at("$in").at("items").at("enum")),
              (std::set<std::string>{"male", "female", "other"}));
    const auto sortable =
        Strings(s.at("properties").at("sort").at("items").at("properties").at("field").at("enum"));
    EXPECT_TRUE(sortable.contains("username"));
    EXPECT_FALSE(sortable.contains("password"));
    EXPECT_EQ(s.at("properties").at("filter_matching").at("default"), value("exact"));
    EXPECT_EQ(s.at("properties").at("pageSize").at("maximum"), value(1000));
    const auto view = Strings(
        s.at("properties").at("view").at("properties").at("account").at("items").at("enum"));
    EXPECT_TRUE(view.contains("expiredAt"));
}

TEST_F(ToolGenerationTest, AuthToolsTakeTheLoginFields) {
    const auto& login = tools_->Find("user_auth_login")->input_schema;
    EXPECT_EQ(Strings(login.at("required")), (std::set<std::string>{"username", "password"}));
    EXPECT_EQ(tools_->Find("user_auth_logout")->input_schema.at("required"), value(array{"token"}));
}

// A schema without `operations` gets every tool: 5 per entity plus 3 per auth entity.
class AllOperationsTest : public McpTest {
protected:
    AllOperationsTest()
        : McpTest(ea::testing::SchemaFromText(R"(
Account:
  fields:
    name: {type: String}
Member:
  services:
    auth: {login: login, password: secret}
  fields:
    login: {type: String, required: true}
    secret: {type: String, required: true}
    accountId: {type: ObjectId, references: Account}
)")) {}
};

TEST_F(AllOperationsTest, FivePerEntityPlusThreeAuthToolsPlusAggregateAndBatch) {
    EXPECT_EQ(
        Names(*tools_),
        (std::vector<std::string>{
            "list_accounts", "get_account", "create_account", "update_account", "delete_account",
            "list_members", "get_member", "create_member", "update_member", "delete_member",
            "member_auth_login", "member_auth_logout", "member_auth_refresh", "aggregate", "batch"}))
        << "the plan's 40 + 3, and the one aggregate and batch tools";
}

}  // namespace
}  // namespace ea::mcp::testing
