// `events-api mcp` as a live process on the suite server's database: sign-in with an access token
// (MCP_TOKEN: good, revoked, expired, malformed, missing), SIGHUP reloading the schema in the
// middle of a session (tools rebuilt and announced in both eras, a broken schema refused while
// the old one keeps serving), and resource subscriptions (resources/subscribe and a 2026-07-28
// subscriptions/listen) notified of a change made through this process, while a change made by
// `serve` to the same SQLite file is not (the processes share no change feed).
#include <chrono>
#include <string>

#include <signal.h>

#include "integration/integration_fixture.hpp"
#include "integration/reload_schema.hpp"
#include "integration/service_user_suite.hpp"
#include "integration/stdio_child.hpp"
#include "testing/temp_dir.hpp"
#include "testing/text_file.hpp"

namespace ea::integration {
namespace {

using ea::testing::CommandResult;
using ea::testing::ReadTextFile;
using ea::testing::RunCommand;
using ea::testing::WriteTextFile;
using namespace std::chrono_literals;

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":)"
    R"("2025-11-25","capabilities":{},"clientInfo":{"name":"stdio-live","version":"1"}}})";
constexpr const char* kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
constexpr const char* kStatelessMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";

json::object ParseLine(const std::optional<std::string>& line) {
    if (!line) {
        return {};
    }
    boost::system::error_code ec;
    auto value = json::parse(*line, ec);
    return !ec && value.is_object() ? value.as_object() : json::object{};
}

// The tool names of a tools/list answer line.
std::vector<std::string> ToolNames(const std::optional<std::string>& line) {
    std::vector<std::string> names;
    const auto answer = ParseLine(line);
    if (const auto* result = answer.if_contains("result")) {
        for (const auto& tool : result->at("tools").as_array()) {
            names.push_back(Str(tool.at("name")));
        }
    }
    return names;
}

bool Has(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

class McpStdioLiveTest : public ServiceUserSuite {
protected:
    // `events-api mcp` reading `input` (one request a line) with `env` on the suite's database.
    static CommandResult RunMcp(std::map<std::string, std::string> env, std::string input) {
        ea::testing::TempDir dir;
        const auto script = dir.path() / "in.jsonl";
        WriteTextFile(script, input);
        env.emplace("EVENTS_API_SCHEMA", DemoServerOptions().schema.string());
        env.emplace("EVENTS_API_DB", server().db_url());
        if (!server().sessions_url().empty()) {
            env.emplace("EVENTS_API_SESSIONS", server().sessions_url());
        }
        return RunCommand("/bin/sh", {"-c", "exec \"$0\" mcp < \"$1\"", EA_BINARY, script.string()},
                          env, 60s);
    }

    static std::map<std::string, std::string> ChildEnv(const std::string& token,
                                                       const std::string& schema = "") {
        std::map<std::string, std::string> env = {
            {"EVENTS_API_SCHEMA", schema.empty() ? DemoServerOptions().schema.string() : schema},
            {"EVENTS_API_DB", server().db_url()},
            {"MCP_TOKEN", token}};
        if (!server().sessions_url().empty()) {
            env.emplace("EVENTS_API_SESSIONS", server().sessions_url());
        }
        return env;
    }
};

TEST_F(McpStdioLiveTest, AnAccessTokenSignsInAndIsNeverEndedByTheProcess) {
    const std::string username = UniqueId("stdiotok");
    CreateUser(username, "ai_agent");
    const std::string token = CreateToken(username);
    const auto run = RunMcp({{"MCP_TOKEN", token}},
                            std::string(kInitialize) + "\n" +
                                R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})" + "\n" +
                                R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":)"
                                R"({"name":"list_accounts","arguments":{"pageSize":1}}})" +
                                "\n");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find(R"("principal":")" + username + R"(","role":"ai_agent")"),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.out.find(R"("name":"list_users")"), std::string::npos) << run.out.substr(0, 600);
    EXPECT_EQ(run.out.find(R"("name":"delete_event")"), std::string::npos) << "ai_agent's tools";
    EXPECT_NE(run.out.find(R"("id":3,"result")"), std::string::npos) << run.out.substr(0, 600);
    EXPECT_NE(run.out.find(R"(\"id\":\"acc_demo_0\")"), std::string::npos)
        << run.out.substr(0, 600);
    EXPECT_EQ(run.err.find(token.substr(4)), std::string::npos) << "the token is never logged";
    // The process ended; the token still works (only a session is logged out at exit).
    Api api(port(), token);
    EXPECT_TRUE(IsSuccess(api.Get("/user/auth/me")));
}

TEST_F(McpStdioLiveTest, RevokedExpiredMalformedOrMissingTokenExitsNonZeroSayingWhy) {
    const std::string username = UniqueId("stdiobad");
    CreateUser(username, "ai_agent");
    const std::string revoked = CreateToken(username, {"--name", "to-revoke"});
    const auto listed = Token({"list", username});
    const auto id_at = listed.out.find("tok_");
    ASSERT_NE(id_at, std::string::npos) << listed.out;
    const std::string id =
        listed.out.substr(id_at, listed.out.find_first_of(" \t\n", id_at) - id_at);
    ASSERT_EQ(Token({"revoke", id}).exit_code, 0);
    const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})"
                             "\n";
    const auto refused = RunMcp({{"MCP_TOKEN", revoked}}, ping);
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_NE(refused.err.find("MCP_TOKEN: access token expired, revoked or unknown"),
              std::string::npos)
        << refused.err;
    EXPECT_EQ(refused.out, "") << "nothing is served";
    EXPECT_EQ(refused.err.find(revoked.substr(4)), std::string::npos);

    const std::string expiring = CreateToken(username, {"--expires", "2s"});
    Api api(port(), expiring);
    ASSERT_TRUE(WaitFor([&] { return api.Get("/user/auth/me").status == 401; }, 10s));
    const auto expired = RunMcp({{"MCP_TOKEN", expiring}}, ping);
    EXPECT_EQ(expired.exit_code, 1) << expired.err;
    EXPECT_NE(expired.err.find("MCP_TOKEN: access token expired, revoked or unknown"),
              std::string::npos)
        << expired.err;

    const auto malformed = RunMcp({{"MCP_TOKEN", "eat_not-a-token"}}, ping);
    EXPECT_EQ(malformed.exit_code, 1) << malformed.err;
    EXPECT_NE(malformed.err.find("MCP_TOKEN: malformed bearer token"), std::string::npos)
        << malformed.err;

    const auto missing = RunMcp({}, ping);
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    EXPECT_NE(missing.err.find("set MCP_TOKEN"), std::string::npos) << missing.err;
}

TEST_F(McpStdioLiveTest, SighupReloadsTheSchemaAndAnnouncesItInBothEras) {
    const std::string username = UniqueId("stdioreload");
    CreateUser(username, "admin");
    const std::string token = CreateToken(username);
    ea::testing::TempDir dir;
    const auto schema_path = dir.path() / "schema.yaml";
    const std::string original = ReadTextFile(DefaultSchemaPath());
    ASSERT_NE(original.find("\nrbac:"), std::string::npos);
    WriteTextFile(schema_path, original);
    StdioChild child(EA_BINARY, ChildEnv(token, schema_path.string()));
    ASSERT_TRUE(child.started());
    ASSERT_TRUE(child.Send(kInitialize));
    ASSERT_TRUE(child.ReadLineWith(R"("id":"init")", 20s)) << child.stderr_text();
    ASSERT_TRUE(child.Send(kInitialized));
    // A 2026-07-28 client on the same process listens for tool-list changes.
    ASSERT_TRUE(
        child.Send(std::string(R"({"jsonrpc":"2.0","id":"tools-1","method":"subscriptions/listen",)"
                               R"("params":{"notifications":{"toolsListChanged":true},)") +
                   kStatelessMeta + "}}"));
    const auto ack = child.ReadLineWith("notifications/subscriptions/acknowledged", 10s);
    ASSERT_TRUE(ack) << child.stderr_text();
    EXPECT_NE(ack->find(R"("toolsListChanged":true)"), std::string::npos) << *ack;
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})"));
    const auto before = ToolNames(child.ReadLineWith(R"("id":2,)", 10s));
    EXPECT_EQ(before.size(), 42U);
    EXPECT_FALSE(Has(before, "create_widget"));

    const std::string with_widget = WithEntity(original, kWidgetEntity);
    WriteTextFile(schema_path, with_widget);
    ASSERT_TRUE(child.Signal(SIGHUP));
    EXPECT_TRUE(child.ReadLineWith(
        R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{}})", 10s))
        << "no session-era tools/list_changed; stderr: " << child.stderr_text();
    EXPECT_TRUE(child.ReadLineWith(
        R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":)"
        R"({"io.modelcontextprotocol/subscriptionId":"tools-1"}}})",
        10s))
        << "no tagged tools/list_changed for the listen request";
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})"));
    const auto after = ToolNames(child.ReadLineWith(R"("id":3,)", 10s));
    EXPECT_EQ(after.size(), 47U);
    EXPECT_TRUE(Has(after, "create_widget"));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":)"
                           R"({"name":"create_widget","arguments":{"label":"from stdio"}}})"));
    const auto created = ParseLine(child.ReadLineWith(R"("id":4,)", 10s));
    ASSERT_TRUE(created.contains("result")) << json::serialize(created);
    EXPECT_FALSE(created.at("result").at("isError").as_bool()) << json::serialize(created);

    // A broken schema is refused on stderr; the reloaded tools keep serving.
    WriteTextFile(schema_path,
                  with_widget + "\nBroken:\n  fields:\n    x:\n      type: NoSuchType\n");
    ASSERT_TRUE(child.Signal(SIGHUP));
    EXPECT_TRUE(child.WaitForStderr("schema reload refused, the old schema keeps serving", 10s))
        << child.stderr_text();
    EXPECT_NE(child.stderr_text().find("NoSuchType"), std::string::npos) << child.stderr_text();
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":5,"method":"tools/list"})"));
    EXPECT_EQ(ToolNames(child.ReadLineWith(R"("id":5,)", 10s)).size(), 47U);
    EXPECT_EQ(child.CloseAndWait(20s), 0) << child.stderr_text();
    // Only the two announcements were sent unasked: every other line answers a request.
    int notifications = 0;
    for (const auto& line : child.lines()) {
        notifications += line.find("notifications/tools/list_changed") != std::string::npos;
    }
    EXPECT_EQ(notifications, 2);
}

TEST_F(McpStdioLiveTest, SubscribersHearChangesMadeThroughThisProcessOnly) {
    const std::string username = UniqueId("stdiosub");
    CreateUser(username, "admin");
    const std::string token = CreateToken(username);
    const auto created = Admin().Post("/api/event", EventBody(UniqueId("subscribed")));
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    const std::string id = Str(DataOf(created).at("id"));
    const std::string uri = "events://events/" + id;

    StdioChild child(EA_BINARY, ChildEnv(token));
    ASSERT_TRUE(child.started());
    ASSERT_TRUE(child.Send(kInitialize));
    const auto init = ParseLine(child.ReadLineWith(R"("id":"init")", 20s));
    ASSERT_TRUE(init.contains("result")) << child.stderr_text();
    EXPECT_TRUE(init.at("result").at("capabilities").at("resources").at("subscribe").as_bool());
    ASSERT_TRUE(child.Send(kInitialized));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":)"
                           R"({"uri":")" +
                           uri + R"("}})"));
    const auto subscribed = ParseLine(child.ReadLineWith(R"("id":2,)", 10s));
    ASSERT_TRUE(subscribed.contains("result")) << json::serialize(subscribed);
    ASSERT_TRUE(child.Send(std::string(R"({"jsonrpc":"2.0","id":"listen-1","method":)"
                                       R"("subscriptions/listen","params":{"notifications":)"
                                       R"({"resourceSubscriptions":[")") +
                           uri + R"("]},)" + kStatelessMeta + "}}"));
    ASSERT_TRUE(child.ReadLineWith("notifications/subscriptions/acknowledged", 10s));

    // `serve` changes the record in the same SQLite file: this process is not told (no shared
    // change feed). The ping's answer comes after anything the process had queued.
    ASSERT_TRUE(IsSuccess(
        Admin().Patch("/api/event/" + id, json::object{{"title", UniqueId("by_serve")}})));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":3,"method":"ping"})"));
    ASSERT_TRUE(child.ReadLineWith(R"("id":3,)", 10s));
    for (const auto& line : child.lines()) {
        EXPECT_EQ(line.find("notifications/resources/updated"), std::string::npos) << line;
    }

    // A change through this process reaches both subscriptions.
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":)"
                           R"({"name":"update_event","arguments":{"id":")" +
                           id + R"(","title":"changed over stdio"}}})"));
    const auto updated = ParseLine(child.ReadLineWith(R"("id":4,)", 10s));
    ASSERT_TRUE(updated.contains("result")) << json::serialize(updated);
    EXPECT_FALSE(updated.at("result").at("isError").as_bool()) << json::serialize(updated);
    int session_notes = 0;
    int listen_notes = 0;
    for (const auto& line : child.lines()) {
        if (line.find("notifications/resources/updated") == std::string::npos) {
            continue;
        }
        const auto note = ParseLine(line);
        EXPECT_EQ(Str(note.at("params").at("uri")), uri) << line;
        if (line.find(R"("io.modelcontextprotocol/subscriptionId":"listen-1")") !=
            std::string::npos) {
            ++listen_notes;
        } else {
            ++session_notes;
        }
    }
    EXPECT_EQ(session_notes, 1);
    EXPECT_EQ(listen_notes, 1);

    // Unsubscribed and cancelled: the next change is heard by neither.
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":5,"method":"resources/unsubscribe","params":)"
                           R"({"uri":")" +
                           uri + R"("}})"));
    ASSERT_TRUE(child.ReadLineWith(R"("id":5,)", 10s));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":)"
                           R"({"requestId":"listen-1"}})"));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":)"
                           R"({"name":"update_event","arguments":{"id":")" +
                           id + R"(","title":"changed again"}}})"));
    ASSERT_TRUE(child.ReadLineWith(R"("id":6,)", 10s));
    int all_notes = 0;
    for (const auto& line : child.lines()) {
        all_notes += line.find("notifications/resources/updated") != std::string::npos;
    }
    EXPECT_EQ(all_notes, 2);
    EXPECT_EQ(child.CloseAndWait(20s), 0) << child.stderr_text();
}

}  // namespace
}  // namespace ea::integration
