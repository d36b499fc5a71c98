// The rbac policy on every MCP path of the real binary: Streamable HTTP statelessly (2026-07-28)
// and in a session, and stdio (`events-api mcp` run as the agent). Each case is one way around a
// rule of schema.yaml's `ai_agent` role; each asserts that the MCP answer is the denial REST gives
// for the same request (the same message, with MCP's "Permission denied: " / "Invalid arguments: "
// prefix), that no password hash is anywhere in the answer, and that nothing changed.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "integration/agent_suite.hpp"
#include "integration/mcp_client.hpp"

namespace ea::integration {
namespace {

using ea::testing::UrlEncode;

constexpr const char* kHash = "$argon2";

class RbacPathsTest : public AgentSuite, public ::testing::WithParamInterface<McpPath> {
protected:
    McpClient Mcp() const {
        if (GetParam() == McpPath::kStdio) {
            return McpClient::Stdio(EA_BINARY, std::string(EA_SOURCE_DIR) + "/schema.yaml",
                                    server().db_url(), agent_name_, kAgentPassword,
                                    server().sessions_url());
        }
        return McpClient::Http(GetParam(), port(), agent_token_);
    }
    // The REST error message of `response` (the envelope's first error).
    static std::string RestMessage(const HttpResponse& response) {
        const auto body = response.Json();
        const auto& errors = body.at("notifications").at("errors").as_array();
        return errors.empty() ? std::string() : Str(errors[0].at("message"));
    }

    // The MCP answer is a tool error whose text is `prefix` + the REST message, with no hash.
    static ::testing::AssertionResult SameDenial(const McpOutcome& mcp, const HttpResponse& rest,
                                                 int rest_status, const std::string& message,
                                                 const std::string& prefix) {
        if (rest.body.find(kHash) != std::string::npos ||
            mcp.raw.find(kHash) != std::string::npos) {
            return ::testing::AssertionFailure() << "a password hash leaked";
        }
        if (rest.status != rest_status || RestMessage(rest).find(message) == std::string::npos) {
            return ::testing::AssertionFailure() << "REST: " << Describe(rest);
        }
        if (!mcp.is_error || mcp.text.find(prefix) != 0 ||
            mcp.text.find(message) == std::string::npos) {
            return ::testing::AssertionFailure() << "MCP: " << mcp.raw.substr(0, 600);
        }
        return ::testing::AssertionSuccess();
    }
};

TEST_P(RbacPathsTest, ToolsListHoldsOnlyWhatTheAgentMayCall) {
    auto mcp = Mcp();
    const auto listed = mcp.Request("tools/list", "{}");
    ASSERT_FALSE(listed.rpc_error) << listed.raw;
    std::vector<std::string> names;
    for (const auto& tool : listed.result.at("tools").as_array()) {
        names.push_back(Str(tool.at("name")));
    }
    for (const auto& name : names) {
        EXPECT_FALSE(name.starts_with("delete_")) << name;
        EXPECT_EQ(name.find("crawl"), std::string::npos) << name;
    }
    EXPECT_EQ(std::count(names.begin(), names.end(), "update_user"), 0);
    EXPECT_EQ(std::count(names.begin(), names.end(), "list_users"), 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), "create_user"), 1);
    EXPECT_EQ(std::count(names.begin(), names.end(), "update_profile"), 1);
}

// The listed input schemas offer the agent only what it may use, and what they leave out is refused
// as REST refuses it. On 2026-07-28 the list, which differs per principal, is cacheScope private.
TEST_P(RbacPathsTest, ToolsListSchemasOfferOnlyTheAgentsFiltersSortKeysAndWritableFields) {
    auto mcp = Mcp();
    const auto listed = mcp.Request("tools/list", "{}");
    ASSERT_FALSE(listed.rpc_error) << listed.raw;
    const json::object* list_users = nullptr;
    const json::object* create_user = nullptr;
    for (const auto& tool : listed.result.at("tools").as_array()) {
        if (tool.at("name") == "list_users") {
            list_users = &tool.at("inputSchema").as_object();
        }
        if (tool.at("name") == "create_user") {
            create_user = &tool.at("inputSchema").as_object();
        }
    }
    ASSERT_NE(list_users, nullptr);
    ASSERT_NE(create_user, nullptr);
    std::set<std::string> filters;
    for (const auto& [key, unused] :
         list_users->at("$defs").at("filter").at("properties").as_object()) {
        filters.emplace(key);
    }
    EXPECT_EQ(filters,
              (std::set<std::string>{"username", "email", "gender", "createdAt", "$and", "$or"}));
    std::set<std::string> sorts;
    for (const auto& field : list_users->at("properties")
                                 .at("sort")
                                 .at("items")
                                 .at("properties")
                                 .at("field")
                                 .at("enum")
                                 .as_array()) {
        sorts.emplace(Str(field));
    }
    EXPECT_EQ(sorts, (std::set<std::string>{"username", "email", "gender", "createdAt"}));
    const auto& writable = create_user->at("properties").as_object();
    EXPECT_FALSE(writable.contains("role"));
    EXPECT_TRUE(writable.contains("password"));
    if (GetParam() == McpPath::kHttpStateless) {
        EXPECT_EQ(listed.result.at("cacheScope"), "private") << listed.raw.substr(0, 300);
    }
    // A filter left out of the schema is refused with REST's words.
    EXPECT_TRUE(SameDenial(mcp.CallTool("list_users", R"({"filter":{"lastName":"Doe"}})"),
                           Agent().Get("/api/user?filter=lastName:Doe"), 403,
                           "ai_agent role cannot filter User on lastName", "Permission denied: "));
}

TEST_P(RbacPathsTest, FilteringOnThePasswordIsRefusedAsOnRest) {
    const std::string message = "field 'password' cannot be used in a filter";
    for (const std::string filter :
         {R"({"password":"x"})", R"({"PASSWORD":"x"})", R"({"password":{"$exists":true}})",
          R"({"$or":[{"username":"a"},{"password":"x"}]})",
          R"({"$and":[{"username":"a"},{"$or":[{"password":{"$exists":true}}]}]})"}) {
        auto mcp = Mcp();
        EXPECT_TRUE(SameDenial(mcp.CallTool("list_users", R"({"filter":)" + filter + "}"),
                               Agent().Get("/api/user?filter=" + UrlEncode(filter)), 400, message,
                               "Invalid arguments: "))
            << filter;
    }
}

TEST_P(RbacPathsTest, FilteringOutsideTheAllowedFieldsIsRefusedAsOnRest) {
    const std::string message = "ai_agent role cannot filter User on firstName";
    for (const std::string filter :
         {R"({"firstName":"Casey"})", R"({"FIRSTNAME":"Casey"})",
          R"({"firstName":{"$exists":true}})",
          R"({"$or":[{"username":"a"},{"$and":[{"email":"b"},{"firstName":"c"}]}]})"}) {
        auto mcp = Mcp();
        EXPECT_TRUE(SameDenial(mcp.CallTool("list_users", R"({"filter":)" + filter + "}"),
                               Agent().Get("/api/user?filter=" + UrlEncode(filter)), 403, message,
                               "Permission denied: "))
            << filter;
    }
}

TEST_P(RbacPathsTest, SortingOnAForbiddenFieldIsRefusedAsOnRest) {
    auto mcp = Mcp();
    EXPECT_TRUE(SameDenial(
        mcp.CallTool("list_users", R"({"sort":[{"field":"firstName","direction":"asc"}]})"),
        Agent().Get("/api/user?sort=firstName:asc"), 403,
        "ai_agent role cannot sort User on firstName", "Permission denied: "));
}

TEST_P(RbacPathsTest, EmbeddingThePasswordThroughAViewIsRefusedAsOnRest) {
    auto mcp = Mcp();
    EXPECT_TRUE(SameDenial(mcp.CallTool("list_profiles", R"({"view":{"user":["password"]}})"),
                           Agent().Get("/api/profile?view=user(password)"), 400,
                           "field 'password' of User is never returned", "Invalid arguments: "));
    const auto whole =
        Mcp().CallTool("list_profiles", R"({"view":{"user":["username","role"]},"pageSize":3})");
    EXPECT_FALSE(whole.is_error) << whole.raw.substr(0, 400);
    EXPECT_EQ(whole.raw.find(kHash), std::string::npos);
    EXPECT_EQ(whole.raw.find("\\\"password\\\""), std::string::npos);
}

TEST_P(RbacPathsTest, UnlistedToolsCannotBeCalledByName) {
    const auto events = RowsOf(Admin().Get("/api/event?pageSize=1"));
    const auto crawls = RowsOf(Admin().Get("/api/crawl?pageSize=1"));
    ASSERT_FALSE(events.empty());
    ASSERT_FALSE(crawls.empty());
    const std::string event = Str(events[0].at("id"));
    const std::string crawl = Str(crawls[0].at("id"));

    EXPECT_TRUE(SameDenial(Mcp().CallTool("delete_event", R"({"id":")" + event + R"("})"),
                           Agent().Delete("/api/event/" + event), 403,
                           "ai_agent role cannot delete Event", "Permission denied: "));
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/" + event))) << "a refused delete deleted";
    EXPECT_TRUE(SameDenial(Mcp().CallTool("list_crawls", "{}"), Agent().Get("/api/crawl"), 403,
                           "ai_agent role cannot read Crawl", "Permission denied: "));
    EXPECT_TRUE(SameDenial(Mcp().CallTool("get_crawl", R"({"id":")" + crawl + R"("})"),
                           Agent().Get("/api/crawl/" + crawl), 403,
                           "ai_agent role cannot read Crawl", "Permission denied: "));
}

TEST_P(RbacPathsTest, ResourcesAndCompletionsOfAnUnreadableEntityGiveNothing) {
    const auto crawls = RowsOf(Admin().Get("/api/crawl?pageSize=1"));
    ASSERT_FALSE(crawls.empty());
    const std::string crawl = Str(crawls[0].at("id"));
    auto mcp = Mcp();
    const auto read =
        mcp.Request("resources/read", R"({"uri":"events://crawls/)" + crawl + R"("})");
    EXPECT_TRUE(read.rpc_error) << read.raw;
    EXPECT_EQ(read.text, "Permission denied: ai_agent role cannot read Crawl") << read.raw;
    EXPECT_EQ(read.raw.find("\"url\""), std::string::npos) << "record content leaked";

    const auto templates = Mcp().Request("resources/templates/list", "{}");
    ASSERT_FALSE(templates.rpc_error) << templates.raw;
    EXPECT_EQ(templates.raw.find("events://crawls/"), std::string::npos) << templates.raw;

    const auto completed = Mcp().Request(
        "completion/complete",
        R"({"ref":{"type":"ref/resource","uri":"events://crawls/{id}"},"argument":{"name":"id","value":""}})");
    EXPECT_EQ(completed.raw.find(crawl), std::string::npos) << completed.raw;
    if (!completed.rpc_error) {
        EXPECT_TRUE(completed.result.at("completion").at("values").as_array().empty())
            << completed.raw;
    }

    // A user record through its resource: no password, role present (read_only is readable).
    const std::string user = Str(RowsOf(Admin().Get("/api/user?pageSize=1"))[0].at("id"));
    const auto record =
        Mcp().Request("resources/read", R"({"uri":"events://users/)" + user + R"("})");
    ASSERT_FALSE(record.rpc_error) << record.raw;
    EXPECT_EQ(record.raw.find(kHash), std::string::npos);
    EXPECT_EQ(record.raw.find("password"), std::string::npos) << record.raw;
}

TEST_P(RbacPathsTest, SettingTheRoleOrUpdatingAUserIsRefusedAsOnRestAndWritesNothing) {
    const std::string username = UniqueId("mcpagent");
    json::object with_role = NewUserBody(username, "admin");
    EXPECT_TRUE(SameDenial(Mcp().CallTool("create_user", json::serialize(with_role)),
                           Agent().Post("/api/user", with_role), 403,
                           "ai_agent role cannot set User.role", "Permission denied: "));
    EXPECT_EQ(UsersNamed(username), 0u) << "a refused create wrote a user";

    const std::string target = Str(RowsOf(Admin().Get("/api/user?pageSize=1"))[0].at("id"));
    const std::string role_before = Str(DataOf(Admin().Get("/api/user/" + target)).at("role"));
    EXPECT_TRUE(
        SameDenial(Mcp().CallTool("update_user", R"({"id":")" + target + R"(","role":"admin"})"),
                   Agent().Patch("/api/user/" + target, json::object{{"role", "admin"}}), 403,
                   "ai_agent role cannot update User", "Permission denied: "));
    EXPECT_EQ(Str(DataOf(Admin().Get("/api/user/" + target)).at("role")), role_before);
}

// Field names that look like `password` or `role` but are other code points: never taken for the
// real field (no filter on the password, no role set), each refused as an unknown field.
TEST_P(RbacPathsTest, UnicodeLookAlikeFieldNamesAreUnknownFields) {
    for (const std::string lookalike :
         {"p\xD0\xB0ssword" /* Cyrillic a */,
          "\xEF\xBD\x90\xEF\xBD\x81\xEF\xBD\x93\xEF\xBD\x93"
          "\xEF\xBD\x97\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x84" /* fullwidth */,
          "pass\xE2\x80\x8Bword" /* zero-width space */, "PASSWORD\xCC\x81" /* combining mark */}) {
        const std::string filter = R"({")" + lookalike + R"(":{"$exists":true}})";
        const auto mcp = Mcp().CallTool("list_users", R"({"filter":)" + filter + "}");
        const auto rest = Agent().Get("/api/user?filter=" + UrlEncode(filter));
        EXPECT_EQ(rest.status, 400) << Describe(rest);
        EXPECT_NE(RestMessage(rest).find("unknown field"), std::string::npos) << Describe(rest);
        EXPECT_TRUE(mcp.is_error) << mcp.raw.substr(0, 300);
        EXPECT_NE(mcp.text.find("unknown field"), std::string::npos) << mcp.text;
        EXPECT_EQ(mcp.raw.find(kHash), std::string::npos);
    }
    const std::string username = UniqueId("lookalike");
    json::object sneaky = NewUserBody(username);
    sneaky["r\xD0\xBEle"] = "admin";  // Cyrillic o
    const auto created = Mcp().CallTool("create_user", json::serialize(sneaky));
    EXPECT_TRUE(created.is_error) << created.raw.substr(0, 300);
    EXPECT_NE(created.text.find("is not a field of User"), std::string::npos) << created.text;
    EXPECT_EQ(UsersNamed(username), 0u);
}

TEST_P(RbacPathsTest, PagesAreClampedOrRefusedAsOnRest) {
    const auto clamped = Mcp().CallTool("list_events", R"({"pageSize":500})");
    ASSERT_FALSE(clamped.is_error) << clamped.raw.substr(0, 300);
    const auto& pagination = clamped.result.at("structuredContent").at("pagination");
    EXPECT_EQ(pagination.at("pageSize"), 100);
    EXPECT_EQ(pagination.at("pageSizeClampedFrom"), 500);
    for (const std::string bad : {"0", "-1", "-100", "5000"}) {
        const auto mcp = Mcp().CallTool("list_events", R"({"pageSize":)" + bad + "}");
        EXPECT_TRUE(mcp.is_error) << bad << ": " << mcp.raw.substr(0, 300);
        EXPECT_NE(mcp.text.find("pageSize"), std::string::npos) << mcp.text;
        const auto rest = Agent().Get("/api/event?pageSize=" + bad);
        EXPECT_TRUE(IsError(rest, 400, "invalid_argument", "must be", "pageSize")) << bad;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryMcpPath, RbacPathsTest,
                         ::testing::Values(McpPath::kHttpStateless, McpPath::kHttpSession,
                                           McpPath::kStdio),
                         McpPathTestName);

}  // namespace
}  // namespace ea::integration
