// The rbac policy through the MCP tool path, as an ai_agent principal, against the real service on
// a real SQLite file: tools/list shows only what the role may call, a hidden tool is refused by
// name, and every denial carries the same message the service gives REST (which answers it as
// 403): "Permission denied: <the service's message>".
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class RbacToolTest : public McpAccountTest {
protected:
    void SetUp() override {
        McpAccountTest::SetUp();
        // A profile and its user, written as the system principal before switching.
        auto user = CallTool("create_user", UserArgs("owner1"));
        ASSERT_EQ(user.at("isError"), value(false)) << Text(user);
        user_ = std::string(user.at("structuredContent").at("id").as_string());
        auto profile = CallTool("create_profile", object{{"name", "Home"}, {"userId", user_}});
        ASSERT_EQ(profile.at("isError"), value(false)) << Text(profile);
        profile_ = std::string(profile.at("structuredContent").at("id").as_string());
        connection_.principal = Principal{"usr_agent", "claude", "ai_agent", account_, true};
    }

    // An isError result whose text is exactly "Permission denied: <message>", with no hash.
    static ::testing::AssertionResult Denied(const object& result, const std::string& message) {
        const std::string all = boost::json::serialize(result);
        if (all.find("$argon2") != std::string::npos) {
            return ::testing::AssertionFailure() << "a password hash leaked: " << all;
        }
        if (result.at("isError") != value(true)) {
            return ::testing::AssertionFailure() << "not an error: " << all;
        }
        if (Text(result) != "Permission denied: " + message) {
            return ::testing::AssertionFailure() << "got: " << Text(result);
        }
        return ::testing::AssertionSuccess();
    }

    std::set<std::string> ToolNames() {
        std::set<std::string> names;
        const value listed = Request("tools/list");
        for (const auto& tool : listed.at("result").at("tools").as_array()) {
            names.emplace(tool.at("name").as_string());
        }
        return names;
    }

    std::size_t Users() { return AllCount("list_users"); }
    std::size_t AllCount(const char* tool) {
        const Principal agent = connection_.principal;
        connection_.principal = Principal::System();
        auto listed = CallTool(tool, object{{"pageSize", 1000}});
        connection_.principal = agent;
        return static_cast<std::size_t>(
            listed.at("structuredContent").at("pagination").at("total").as_int64());
    }

    std::string user_, profile_;
};

TEST_F(RbacToolTest, ToolsListShowsOnlyWhatTheRoleMayCall) {
    const auto names = ToolNames();
    for (const char* offered : {"list_users", "get_user", "create_user", "list_profiles",
                                "create_profile", "update_profile", "list_events", "get_event"}) {
        EXPECT_TRUE(names.count(offered)) << offered << " should be offered to ai_agent";
    }
    for (const char* hidden : {"update_user", "delete_profile", "create_event", "update_event",
                               "delete_event", "list_crawls", "get_crawl", "delete_crawl"}) {
        EXPECT_FALSE(names.count(hidden)) << hidden << " must not be offered to ai_agent";
    }
    connection_.principal = Principal::System();
    const auto all = ToolNames();
    EXPECT_TRUE(all.count("get_crawl") && all.count("delete_profile"))
        << "the hidden tools exist for admin, so hiding them is the policy's doing";
    EXPECT_GT(all.size(), names.size());
}

TEST_F(RbacToolTest, AHiddenToolIsRefusedByNameWithTheServicesMessage) {
    EXPECT_TRUE(Denied(CallTool("delete_profile", object{{"id", profile_}}),
                       "ai_agent role cannot delete Profile"));
    EXPECT_EQ(AllCount("list_profiles"), 1u) << "the profile was deleted";
    EXPECT_TRUE(Denied(CallTool("list_crawls", object{}), "ai_agent role cannot read Crawl"));
    EXPECT_TRUE(Denied(CallTool("update_user", object{{"id", user_}, {"role", "admin"}}),
                       "ai_agent role cannot update User"));
    // Refused before its arguments are looked at: no validation detail of a hidden tool.
    EXPECT_TRUE(
        Denied(CallTool("get_crawl", object{{"nonsense", 1}}), "ai_agent role cannot read Crawl"));
}

// The password is refused by the query layer for every role before rbac is asked (it is never
// queryable, whatever the policy); what the policy adds is the role's own forbidden fields.
TEST_F(RbacToolTest, QueriesOnThePasswordAreInvalidForEveryone) {
    for (const char* filter : {R"({"password": "x"})", R"({"PASSWORD": "x"})",
                               R"({"$or": [{"username": "a"}, {"password": {"$exists": true}}]})",
                               R"({"$and": [{"username": "a"}, {"$or": [{"Password": "x"}]}]})"}) {
        auto result = CallTool("list_users", object{{"filter", boost::json::parse(filter)}});
        EXPECT_EQ(result.at("isError"), value(true)) << filter;
        EXPECT_NE(Text(result).find("field 'password' cannot be used in a filter"),
                  std::string::npos)
            << filter << ": " << Text(result);
        EXPECT_EQ(boost::json::serialize(result).find("$argon2"), std::string::npos);
    }
    auto viewed = CallTool("list_profiles", object{{"view", "user(password)"}});
    EXPECT_EQ(viewed.at("isError"), value(true));
    EXPECT_NE(Text(viewed).find("field 'password' of User is never returned"), std::string::npos)
        << Text(viewed);
}

TEST_F(RbacToolTest, QueriesOnFieldsTheRoleMayNotUseAreRefused) {
    EXPECT_TRUE(Denied(CallTool("list_users", object{{"filter", boost::json::parse(
                                                                    R"({"$or": [{"username": "a"},
                                                                    {"FIRSTNAME": {"$exists": true}}]})")}}),
                       "ai_agent role cannot filter User on firstName"));
    EXPECT_TRUE(Denied(CallTool("list_users", object{{"filter", object{{"firstName", "J"}}}}),
                       "ai_agent role cannot filter User on firstName"));
    EXPECT_TRUE(
        Denied(CallTool("list_users", object{{"sort", array{object{{"field", "firstName"}}}}}),
               "ai_agent role cannot sort User on firstName"));
}

TEST_F(RbacToolTest, WritesOfReadOnlyFieldsAreRefusedAndNothingIsWritten) {
    auto with_role = UserArgs("sneaky");
    with_role["role"] = "admin";
    EXPECT_TRUE(Denied(CallTool("create_user", with_role), "ai_agent role cannot set User.role"));
    EXPECT_EQ(Users(), 1u);
    auto allowed = CallTool("create_user", UserArgs("helper"));
    ASSERT_EQ(allowed.at("isError"), value(false)) << Text(allowed);
    EXPECT_EQ(Text(allowed).find("$argon2"), std::string::npos);
    EXPECT_FALSE(allowed.at("structuredContent").as_object().contains("password"));
    EXPECT_EQ(Users(), 2u);
}

TEST_F(RbacToolTest, APageAboveTheMaximumIsClampedAndReported) {
    auto listed = CallTool("list_events", object{{"pageSize", 500}});
    ASSERT_EQ(listed.at("isError"), value(false)) << Text(listed);
    const auto& pagination = listed.at("structuredContent").at("pagination");
    EXPECT_EQ(pagination.at("pageSize"), value(100));
    EXPECT_EQ(pagination.at("pageSizeClampedFrom"), value(500));
}

}  // namespace
}  // namespace ea::mcp::testing
