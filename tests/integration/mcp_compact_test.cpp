// Compact mode on the real binary: ?tools=compact on /mcp in both eras (the stateless request's
// choice; the session's, fixed at initialize), EVENTS_API_MCP_TOOLS=compact on stdio, a bad
// ?tools= refused, and the same answers on every path.
#include <string>
#include <vector>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"

namespace ea::integration {
namespace {

const std::vector<std::string> kCompactTools = {"describe_entities",
                                                "query",
                                                "get",
                                                "create",
                                                "update",
                                                "delete",
                                                "aggregate",
                                                "batch",
                                                "user_auth_login",
                                                "user_auth_logout",
                                                "user_auth_refresh"};

std::vector<std::string> ToolNames(const McpOutcome& listed) {
    std::vector<std::string> names;
    if (const auto* tools = listed.result.if_contains("tools"); tools && tools->is_array()) {
        for (const auto& tool : tools->get_array()) {
            names.push_back(Str(tool.at("name")));
        }
    }
    return names;
}

class McpCompactTest : public ServerSuite, public ::testing::WithParamInterface<McpPath> {
protected:
    McpClient Client() const {
        if (GetParam() == McpPath::kStdio) {
            return McpClient::Stdio(EA_BINARY, std::string(EA_SOURCE_DIR) + "/schema.yaml",
                                    server().db_url(), "admin", kAdminPassword,
                                    server().sessions_url());
        }
        return McpClient::Http(GetParam(), port(), admin_token());
    }
};

TEST_P(McpCompactTest, ListsAndCallsTheCompactToolsOnEveryPath) {
    auto compact = Client();
    compact.WithTools("compact");
    const auto answers = compact.RequestAll({
        {"tools/list", "{}"},
        {"tools/call", R"({"name":"query","arguments":{"entity":"Event","pageSize":2,)"
                       R"("sort":[{"field":"id","direction":"asc"}]}})"},
        {"tools/call", R"({"name":"describe_entities","arguments":{"entity":"event"}})"},
        {"tools/call", R"({"name":"create","arguments":{"entity":"User","data":{"email":"x"}}})"},
        {"tools/call", R"({"name":"list_events","arguments":{}})"},
    });
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_EQ(ToolNames(answers[0]), kCompactTools) << answers[0].raw;
    ASSERT_FALSE(answers[1].is_error) << answers[1].raw;
    EXPECT_EQ(answers[1].result.at("structuredContent").at("data").as_array().size(), 2u);
    ASSERT_FALSE(answers[2].is_error) << answers[2].raw;
    EXPECT_EQ(Str(answers[2].result.at("structuredContent").at("entity")), "Event");
    EXPECT_TRUE(answers[3].is_error) << answers[3].raw;
    EXPECT_EQ(answers[3].text.rfind("Validation failed: ", 0), 0u) << answers[3].text;
    EXPECT_TRUE(answers[4].rpc_error);
    EXPECT_EQ(answers[4].text, "Unknown tool: list_events");

    // The same query through the per-entity tool answers the same rows.
    auto per_entity = Client();
    const auto direct = per_entity.CallTool(
        "list_events", R"({"pageSize":2,"sort":[{"field":"id","direction":"asc"}]})");
    ASSERT_FALSE(direct.is_error) << direct.raw;
    EXPECT_EQ(json::serialize(direct.result.at("structuredContent")),
              json::serialize(answers[1].result.at("structuredContent")));
    const auto listed = per_entity.Request("tools/list", "{}");
    EXPECT_EQ(ToolNames(listed).size(), 42u) << "the default stays the per-entity tools";
}

INSTANTIATE_TEST_SUITE_P(Paths, McpCompactTest,
                         ::testing::Values(McpPath::kHttpStateless, McpPath::kHttpSession,
                                           McpPath::kStdio),
                         McpPathTestName);

class McpCompactHttpTest : public ServerSuite {
protected:
    HttpResponse Post(const std::string& target, std::string_view body, Headers extra = {}) {
        return ea::testing::Request(port(), "POST", target, McpHeaders(admin_token(), extra), body);
    }
};

TEST_F(McpCompactHttpTest, ASessionKeepsTheToolSetItChoseAtInitialize) {
    const auto init =
        Post("/mcp?tools=compact", R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{)"
                                   R"("protocolVersion":"2025-11-25","capabilities":{},)"
                                   R"("clientInfo":{"name":"t","version":"1"}}})");
    ASSERT_EQ(init.status, 200) << Describe(init);
    const std::string id = init.Header("Mcp-Session-Id");
    ASSERT_FALSE(id.empty());
    const Headers session = {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-11-25"}};
    EXPECT_EQ(
        Post("/mcp", R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session).status,
        202);
    // Later requests of the session need not repeat ?tools=: the session chose.
    const auto listed = Post("/mcp", R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})", session);
    ASSERT_EQ(listed.status, 200) << Describe(listed);
    const auto outcome = ParseMcpAnswer(listed.body);
    EXPECT_EQ(ToolNames(outcome), kCompactTools) << listed.body;
}

TEST_F(McpCompactHttpTest, AnUnknownToolSetIsABadRequest) {
    const auto bad = Post("/mcp?tools=tiny",
                          R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{)"
                          R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                          R"("io.modelcontextprotocol/clientCapabilities":{}}}})",
                          {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/list"}});
    EXPECT_EQ(bad.status, 400) << Describe(bad);
    const auto outcome = ParseMcpAnswer(bad.body);
    EXPECT_TRUE(outcome.rpc_error);
    EXPECT_EQ(outcome.text, "Bad Request: tools must be entity or compact");
}

}  // namespace
}  // namespace ea::integration
