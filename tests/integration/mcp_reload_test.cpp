// Schema reload on the real binary: POST /api/_admin/reload-schema (administrators only) and
// SIGHUP re-read schema.yaml, regenerate the MCP tools (a new entity's tools appear and work),
// announce notifications/tools/list_changed on a session's GET stream, and refuse a broken
// schema with its errors while the old one keeps serving.
#include <chrono>
#include <string>

#include <signal.h>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"
#include "integration/reload_schema.hpp"
#include "testing/temp_dir.hpp"
#include "testing/text_file.hpp"

namespace ea::integration {
namespace {

using ea::testing::FormatRequest;
using ea::testing::HttpConnection;
using ea::testing::ReadTextFile;
using ea::testing::Request;
using ea::testing::WriteTextFile;
using namespace std::chrono_literals;

HttpResponse Mcp(std::uint16_t port, const std::string& token, const std::string& session,
                 std::string_view body) {
    return McpPost(port, token, body,
                   session.empty() ? Headers{} : Headers{{"Mcp-Session-Id", session}});
}

// The names of the tools tools/list gives on `session`.
std::vector<std::string> ToolNames(std::uint16_t port, const std::string& token,
                                   const std::string& session) {
    const auto listed =
        Mcp(port, token, session, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
    std::vector<std::string> names;
    const auto body = listed.Json();
    if (const auto* object = body.if_object()) {
        if (const auto* result = object->if_contains("result")) {
            for (const auto& tool : result->at("tools").as_array()) {
                names.push_back(Str(tool.at("name")));
            }
        }
    }
    return names;
}

bool Has(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(McpReloadTest, ReloadRegeneratesToolsAnnouncesItAndRefusesABrokenSchema) {
    ea::testing::TempDir dir;
    const auto schema_path = dir / "schema.yaml";
    const std::string original = ReadTextFile(DefaultSchemaPath());
    ASSERT_NE(original.find("\nrbac:"), std::string::npos);
    WriteTextFile(schema_path, original);
    auto options = DemoServerOptions();
    options.schema = schema_path;
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::uint16_t port = server->port();
    const std::string token = LoginToken(port, "admin", kAdminPassword);
    const auto init = Mcp(port, token, "",
                          R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":)"
                          R"({"protocolVersion":"2025-11-25","capabilities":{},)"
                          R"("clientInfo":{"name":"reload-test","version":"1"}}})");
    ASSERT_EQ(init.status, 200) << Describe(init);
    EXPECT_TRUE(
        init.Json().at("result").at("capabilities").at("tools").at("listChanged").as_bool());
    const std::string session = init.Header("Mcp-Session-Id");
    HttpConnection stream(port);
    ASSERT_TRUE(stream.Send(FormatRequest("GET", "/mcp",
                                          {{"Accept", "text/event-stream"},
                                           {"Authorization", "Bearer " + token},
                                           {"Mcp-Session-Id", session}},
                                          "")));
    ASSERT_TRUE(stream.ReadUntil("text/event-stream", 5s));
    // A 2026-07-28 client listens for tool-list changes instead.
    HttpConnection listen(port);
    ASSERT_TRUE(listen.Send(
        FormatRequest("POST", "/mcp",
                      McpHeaders(token, {{"MCP-Protocol-Version", "2026-07-28"},
                                         {"Mcp-Method", "subscriptions/listen"}}),
                      R"({"jsonrpc":"2.0","id":"tools-1","method":"subscriptions/listen","params":)"
                      R"({"notifications":{"toolsListChanged":true},"_meta":{)"
                      R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                      R"("io.modelcontextprotocol/clientCapabilities":{}}}})")));
    ASSERT_TRUE(listen.ReadUntil("notifications/subscriptions/acknowledged", 5s));
    const auto before = ToolNames(port, token, session);
    EXPECT_EQ(before.size(), 42U);
    EXPECT_FALSE(Has(before, "list_widgets"));

    // A new entity: its tools appear, are announced, and work (its table is created).
    const std::string with_widget = WithEntity(original, kWidgetEntity);
    WriteTextFile(schema_path, with_widget);
    Api admin(port, token);
    const auto reloaded = admin.Post("/api/_admin/reload-schema", json::object{});
    ASSERT_EQ(reloaded.status, 200) << Describe(reloaded);
    EXPECT_EQ(reloaded.Json().at("mcpTools").as_int64(), 47);
    EXPECT_TRUE(stream.ReadUntil(
        R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{}})", 5s))
        << "no tools/list_changed on the session stream";
    EXPECT_TRUE(listen.ReadUntil(
        R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":)"
        R"({"io.modelcontextprotocol/subscriptionId":"tools-1"}}})",
        5s))
        << "no tagged tools/list_changed on the listen stream";
    const auto after = ToolNames(port, token, session);
    EXPECT_EQ(after.size(), 47U);
    EXPECT_TRUE(Has(after, "create_widget"));
    const auto created = Mcp(port, token, session,
                             R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":)"
                             R"({"name":"create_widget","arguments":{"label":"first"}}})");
    ASSERT_EQ(created.status, 200) << Describe(created);
    EXPECT_FALSE(created.Json().at("result").at("isError").as_bool()) << created.body;
    EXPECT_NE(created.body.find("first"), std::string::npos) << created.body;

    // Only administrators may reload.
    const std::string reader = UniqueId("reader");
    ASSERT_TRUE(IsSuccess(admin.Post("/api/user", json::object{{"username", reader},
                                                               {"email", reader + "@example.org"},
                                                               {"password", "reader-pass-1"},
                                                               {"firstName", "Rea"},
                                                               {"lastName", "Der"},
                                                               {"isAccountOwner", false},
                                                               {"accountId", "acc_demo_0"},
                                                               {"role", "read"}}),
                          201));
    Api read(port, LoginToken(port, reader, "reader-pass-1"));
    EXPECT_EQ(read.Post("/api/_admin/reload-schema", json::object{}).status, 403);

    // A broken schema is refused with what is wrong; the reloaded tools keep serving.
    WriteTextFile(schema_path,
                  with_widget + "\nBroken:\n  fields:\n    x:\n      type: NoSuchType\n");
    const auto refused = admin.Post("/api/_admin/reload-schema", json::object{});
    EXPECT_EQ(refused.status, 422) << Describe(refused);
    EXPECT_NE(refused.body.find("schema reload refused, the old schema keeps serving"),
              std::string::npos)
        << refused.body;
    EXPECT_NE(refused.body.find("NoSuchType"), std::string::npos) << refused.body;
    EXPECT_EQ(ToolNames(port, token, session).size(), 47U);

    // SIGHUP reloads too: back to the original schema.
    WriteTextFile(schema_path, original);
    ASSERT_EQ(::kill(server->pid(), SIGHUP), 0);
    EXPECT_TRUE(WaitFor([&] { return ToolNames(port, token, session).size() == 42U; }))
        << "SIGHUP did not reload the schema";
    EXPECT_TRUE(server->running());
}

}  // namespace
}  // namespace ea::integration
