// The audit trail on the real binary: REST requests and MCP tool calls over /mcp appear in
// GET /api/_audit (admin only; 403 for ai_agent and read) and in the JSON-lines file beside the
// database; events://audit is listed and readable for admins only; /metrics counts the events;
// and no password or bearer token is anywhere in the file or the AuditEvent table.
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "integration_fixture.hpp"
#include "testing/server_process.hpp"

namespace ea::integration {
namespace {

using ea::testing::Request;
using ea::testing::UrlEncode;

constexpr const char* kUserPassword = "Audit-Secret-Pw-9137";

std::string FileText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every value of every row of the AuditEvent table, as one text (read with sqlite3 directly).
std::string TableText(const std::filesystem::path& db) {
    sqlite3* raw = nullptr;
    std::string out;
    if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << db;
        sqlite3_close(raw);
        return out;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, "SELECT * FROM \"AuditEvent\"", -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sqlite3_errmsg(raw);
    } else {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                const auto* text = sqlite3_column_text(stmt, i);
                out += text == nullptr ? "" : reinterpret_cast<const char*>(text);
                out += "|";
            }
            out += "\n";
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    return out;
}

class AuditTest : public ServerSuite {
protected:
    static std::filesystem::path AuditFile() { return server().audit_file(); }

    // Creates a user with `role` and logs in; the token.
    static std::string UserToken(const char* role) {
        const std::string name = UniqueId(std::string("audit_") + role);
        json::object body{
            {"username", name},     {"email", name + "@example.org"}, {"password", kUserPassword},
            {"firstName", "Casey"}, {"lastName", "Tester"},           {"isAccountOwner", false},
            {"role", role},         {"accountId", "acc_demo_0"}};
        const auto created = Admin().Post("/api/user", body);
        EXPECT_TRUE(IsSuccess(created, 201)) << Describe(created);
        return LoginToken(port(), name, kUserPassword);
    }

    // The audit events matching `filter` (the REST filter syntax), newest first, waiting until
    // some appear (they are written after the response).
    static json::array EventsMatching(const std::string& filter) {
        json::array rows;
        WaitFor([&] {
            rows = RowsOf(Admin().Get("/api/_audit?pageSize=50&filter=" + UrlEncode(filter)));
            return !rows.empty();
        });
        return rows;
    }
};

TEST_F(AuditTest, RestRequestsAppearInTheAuditTrailWithTheirFields) {
    const std::string id = UniqueId("evt_audit");
    const auto created =
        Admin().Post("/api/event", json::object{{"id", id},
                                                {"url", "https://example.com/a"},
                                                {"title", "Audited"},
                                                {"dateTime", "2025-07-01T18:00:00Z"}});
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    ASSERT_EQ(Admin().Get("/api/event/evt_audit_missing_" + id).status, 404);

    const auto creates = EventsMatching("action:create,entity:Event");
    const json::object* mine = nullptr;
    for (const auto& row : creates) {
        const auto& ids = row.at("ids").as_array();
        if (!ids.empty() && Str(ids[0]) == id) {
            mine = &row.as_object();
        }
    }
    ASSERT_NE(mine, nullptr) << json::serialize(creates);
    EXPECT_EQ(Str(mine->at("username")), "admin");
    EXPECT_EQ(Str(mine->at("role")), "admin");
    EXPECT_EQ(Str(mine->at("channel")), "rest");
    EXPECT_EQ(Str(mine->at("outcome")), "ok");
    EXPECT_EQ(mine->at("rows").as_int64(), 1);
    EXPECT_FALSE(Str(mine->at("requestId")).empty());

    const auto missing = EventsMatching("action:get,outcome:error,errorCode:not_found");
    ASSERT_FALSE(missing.empty());
    EXPECT_EQ(Str(missing[0].at("ids").as_array().at(0)), "evt_audit_missing_" + id);

    // The same events are lines of the file beside the database.
    ASSERT_TRUE(WaitFor([&] { return FileText(AuditFile()).find(id) != std::string::npos; }));
}

TEST_F(AuditTest, OnlyAdminsReadTheAuditTrail) {
    for (const char* role : {"ai_agent", "read"}) {
        const Api caller(port(), UserToken(role));
        const auto refused = caller.Get("/api/_audit");
        EXPECT_TRUE(IsError(refused, 403, "forbidden", "only the admin role may read the audit"))
            << role << ": " << Describe(refused);
        EXPECT_EQ(refused.body.find("\"username\""), std::string::npos) << Describe(refused);
    }
    EXPECT_EQ(Anonymous().Get("/api/_audit").status, 401);
    // The refusals are audited too.
    const auto denied = EventsMatching("entity:_audit,outcome:denied,role:ai_agent");
    EXPECT_FALSE(denied.empty());
}

TEST_F(AuditTest, NoPasswordOrTokenIsInTheFileOrTheTable) {
    const std::string token = UserToken("ai_agent");  // a create with a password, then a login
    ASSERT_FALSE(token.empty());
    const Api agent(port(), token);
    ASSERT_EQ(agent.Get("/api/user?pageSize=1").status, 200);  // a request with the bearer token
    const auto bad_login =
        Request(port(), "POST", "/api/user/auth/login", {{"Content-Type", "application/json"}},
                R"({"username":"admin","password":"Wrong-Pw-5521"})");
    ASSERT_EQ(bad_login.status, 401);
    ASSERT_FALSE(EventsMatching("action:login,outcome:denied").empty());
    ASSERT_FALSE(EventsMatching("action:list,role:ai_agent,entity:User").empty());

    const std::string file = FileText(AuditFile());
    const std::string table =
        OnPostgres() ? StoreValue(server(), "SELECT string_agg(e::text, ' ') FROM \"AuditEvent\" e")
                     : TableText(server().db_path());
    ASSERT_NE(file.find("\"action\":\"login\""), std::string::npos) << "the logins are recorded";
    ASSERT_NE(table.find("login"), std::string::npos);
    for (const std::string& secret :
         {std::string(kUserPassword), std::string("Wrong-Pw-5521"), std::string(kAdminPassword),
          token, admin_token(), std::string("$argon2")}) {
        EXPECT_EQ(file.find(secret), std::string::npos) << "in the file: " << secret;
        EXPECT_EQ(table.find(secret), std::string::npos) << "in the table: " << secret;
    }
}

TEST_F(AuditTest, MetricsCountTheWrittenEvents) {
    ASSERT_EQ(Admin().Get("/api/event?pageSize=1").status, 200);
    ASSERT_TRUE(WaitFor([&] {
        const auto metrics = Request(port(), "GET", "/metrics");
        return metrics.body.find("events_api_audit_events_written_total{sink=\"table\"} ") !=
                   std::string::npos &&
               metrics.body.find("events_api_audit_events_written_total{sink=\"file\"} 0\n") ==
                   std::string::npos;
    }));
    const auto metrics = Request(port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("events_api_audit_events_dropped_total{sink=\"file\"} 0\n"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("events_api_audit_sink_healthy{sink=\"table\"} 1\n"), std::string::npos);
}

// MCP over /mcp (session era), as the SDK clients send it.
HttpResponse McpPost(std::uint16_t port, const std::string& token, const std::string& session,
                     const std::string& body) {
    Headers headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json, text/event-stream"},
                       {"Authorization", "Bearer " + token}};
    if (!session.empty()) {
        headers.emplace_back("Mcp-Session-Id", session);
        headers.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    return Request(port, "POST", "/mcp", headers, body);
}

std::string McpSession(std::uint16_t port, const std::string& token) {
    const auto init = McpPost(
        port, token, "",
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
        R"("capabilities":{},"clientInfo":{"name":"audit-test","version":"1"}}})");
    EXPECT_EQ(init.status, 200) << Describe(init);
    const std::string id = init.Header("Mcp-Session-Id");
    const auto ready =
        McpPost(port, token, id, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    EXPECT_EQ(ready.status, 202) << Describe(ready);
    return id;
}

TEST_F(AuditTest, AnMcpToolCallOverHttpIsAuditedWithChannelMcpHttp) {
    const std::string token = UserToken("ai_agent");
    const std::string session = McpSession(port(), token);
    const auto called =
        McpPost(port(), token, session,
                R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_users",)"
                R"("arguments":{"filter":{"username":{"$eq":"admin"}}}}})");
    ASSERT_EQ(called.status, 200) << Describe(called);
    ASSERT_EQ(called.body.find("\"isError\":true"), std::string::npos) << Describe(called);
    const auto events = EventsMatching("channel:mcp-http,action:list,entity:User,role:ai_agent");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(Str(events[0].at("outcome")), "ok");
    EXPECT_NE(Str(events[0].at("filter")).find("admin"), std::string::npos)
        << json::serialize(events[0]);

    // A tool the role may not call (so not listed) is refused by name, and that is audited too.
    const auto hidden =
        McpPost(port(), token, session,
                R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"delete_event",)"
                R"("arguments":{"id":"evt_x"}}})");
    ASSERT_EQ(hidden.status, 200) << Describe(hidden);
    ASSERT_NE(hidden.body.find("ai_agent role cannot delete Event"), std::string::npos)
        << Describe(hidden);
    const auto refused = EventsMatching("channel:mcp-http,action:delete_event,role:ai_agent");
    ASSERT_FALSE(refused.empty());
    EXPECT_EQ(Str(refused[0].at("outcome")), "denied");
    EXPECT_EQ(Str(refused[0].at("entity")), "Event");
}

// One event, two sinks: the line the file sink wrote and the row GET /api/_audit answers hold the
// same value for every field of the line (the row adds its id, createdAt and updatedAt), for a
// REST request and for an MCP tool call over HTTP.
TEST_F(AuditTest, TheFileLineAndTheTableRowOfAnEventAgreeFieldByField) {
    const std::string rest_id = UniqueId("evt_both_sinks");
    ASSERT_EQ(Admin().Get("/api/event/" + rest_id).status, 404);
    const std::string token = UserToken("ai_agent");
    const std::string session = McpSession(port(), token);
    const std::string mcp_id = UniqueId("usr_both_sinks");
    const auto called = McpPost(
        port(), token, session,
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_user",)"
        R"("arguments":{"id":")" + mcp_id + R"("}}})");
    ASSERT_EQ(called.status, 200) << Describe(called);

    for (const auto& [id, channel] : {std::pair{rest_id, "rest"}, std::pair{mcp_id, "mcp-http"}}) {
        const auto rows =
            EventsMatching(std::string("action:get,channel:") + channel + ",outcome:error");
        const json::object* row = nullptr;
        for (const auto& one : rows) {
            const auto& ids = one.at("ids").as_array();
            if (!ids.empty() && Str(ids[0]) == id) {
                row = &one.as_object();
            }
        }
        ASSERT_NE(row, nullptr) << channel << ": " << json::serialize(rows);
        json::object line;
        ASSERT_TRUE(WaitFor([&] {
            std::istringstream text(FileText(AuditFile()));
            for (std::string one; std::getline(text, one);) {
                if (one.find("\"" + id + "\"") != std::string::npos) {
                    line = json::parse(one).as_object();
                    return true;
                }
            }
            return false;
        })) << channel;
        EXPECT_EQ(Str(line.at("errorCode")), "not_found") << channel;  // means something
        EXPECT_EQ(line.size(), 14u) << json::serialize(line);
        for (const auto& [key, value] : line) {
            ASSERT_TRUE(row->contains(key)) << channel << " " << key;
            EXPECT_EQ(row->at(key), value) << channel << " " << key;
        }
        EXPECT_EQ(row->size(), line.size() + 3) << json::serialize(*row);
        EXPECT_EQ(row->at("createdAt"), line.at("time")) << channel;
    }
}

// `events-api mcp` signs in at start-up: that login is audited (channel mcp-stdio, action login,
// the outcome), a failed one too, with the tried username and never the password; the logout at
// exit likewise.
TEST_F(AuditTest, TheStdioStartUpLoginIsAuditedWhetherItSucceedsOrFails) {
    const std::string name = UniqueId("audit_stdio");
    json::object body{{"username", name},          {"email", name + "@example.org"},
                      {"password", kUserPassword}, {"firstName", "Casey"},
                      {"lastName", "Tester"},      {"isAccountOwner", false},
                      {"role", "ai_agent"},        {"accountId", "acc_demo_0"}};
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/user", body), 201));
    const auto run = [&](const std::string& password) {
        std::map<std::string, std::string> env = {
            {"EVENTS_API_SCHEMA", std::string(EA_SOURCE_DIR) + "/schema.yaml"},
            {"EVENTS_API_DB", server().db_url()},
            {"MCP_USER", name},
            {"MCP_PASSWORD", password}};
        if (!server().sessions_url().empty()) {  // a PostgreSQL store names its sessions' place
            env.emplace("EVENTS_API_SESSIONS", server().sessions_url());
        }
        return ea::testing::RunCommand("/bin/sh", {"-c", "exec \"$0\" mcp < /dev/null", EA_BINARY},
                                       env);
    };
    const std::string wrong = "Stdio-Wrong-Pw-7731";
    const auto refused = run(wrong);
    ASSERT_NE(refused.exit_code, 0) << refused.err;
    ASSERT_NE(refused.err.find("invalid username or password"), std::string::npos) << refused.err;
    const auto denied =
        EventsMatching("channel:mcp-stdio,action:login,outcome:denied,username:" + name);
    ASSERT_EQ(denied.size(), 1u);
    EXPECT_EQ(Str(denied[0].at("entity")), "User");
    EXPECT_EQ(Str(denied[0].at("errorCode")), "unauthenticated") << json::serialize(denied[0]);
    EXPECT_EQ(Str(denied[0].at("requestId")), "mcp-stdio-login");

    const auto signed_in = run(kUserPassword);
    ASSERT_EQ(signed_in.exit_code, 0) << signed_in.err;
    const auto ok = EventsMatching("channel:mcp-stdio,action:login,outcome:ok,username:" + name);
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(Str(ok[0].at("role")), "ai_agent");
    EXPECT_FALSE(Str(ok[0].at("userId")).empty());
    EXPECT_EQ(Str(ok[0].at("ids").as_array().at(0)), Str(ok[0].at("userId")));
    const auto logout =
        EventsMatching("channel:mcp-stdio,action:logout,outcome:ok,username:" + name);
    ASSERT_EQ(logout.size(), 1u);
    EXPECT_EQ(Str(logout[0].at("requestId")), "mcp-stdio-logout");

    const std::string file = FileText(AuditFile());
    const std::string table = TableText(server().db_path());
    EXPECT_NE(file.find("\"channel\":\"mcp-stdio\""), std::string::npos);
    for (const std::string& secret : {wrong, std::string(kUserPassword)}) {
        EXPECT_EQ(file.find(secret), std::string::npos) << "in the file: " << secret;
        EXPECT_EQ(table.find(secret), std::string::npos) << "in the table: " << secret;
    }
}

// The AuditEvent table has no trigram search index (`search_index: false`), and contains and fuzzy
// on its text columns still find events, by a scan.
TEST_F(AuditTest, TheAuditTableHasNoSearchIndexAndTextSearchesStillAnswer) {
    const std::string name = UniqueId("audit_scan");
    const auto bad_login =
        Request(port(), "POST", "/api/user/auth/login", {{"Content-Type", "application/json"}},
                R"({"username":")" + name + R"(","password":"Wrong-Pw-5521"})");
    ASSERT_EQ(bad_login.status, 401);
    ASSERT_EQ(EventsMatching("action:login,username:" + name).size(), 1u);
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open_v2(server().db_path().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr),
                  SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(raw,
                                     "SELECT count(*) FROM sqlite_master WHERE name = "
                                     "'_fts_AuditEvent'",
                                     -1, &stmt, nullptr),
                  SQLITE_OK);
        ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
        EXPECT_EQ(sqlite3_column_int(stmt, 0), 0);
        sqlite3_finalize(stmt);
        sqlite3_close(raw);
    }
    // contains (REST's default) on a middle part of the name, and fuzzy with a typo in it.
    const std::string middle = name.substr(3, name.size() - 6);
    const auto contains =
        RowsOf(Admin().Get("/api/_audit?filter=" + UrlEncode("username:" + middle)));
    ASSERT_EQ(contains.size(), 1u);
    EXPECT_EQ(Str(contains[0].at("username")), name);
    std::string typo = name;
    typo[typo.size() / 2] = typo[typo.size() / 2] == 'x' ? 'y' : 'x';
    const auto fuzzy = RowsOf(Admin().Get("/api/_audit?filter_matching=fuzzy&filter=" +
                                          UrlEncode("username:" + typo + ",action:login")));
    ASSERT_FALSE(fuzzy.empty());
    EXPECT_EQ(Str(fuzzy[0].at("username")), name);
}

TEST_F(AuditTest, TheAuditResourceIsListedAndReadableForAdminsOnly) {
    const std::string list = R"({"jsonrpc":"2.0","id":2,"method":"resources/list"})";
    const std::string read =
        R"({"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"events://audit"}})";

    const std::string session = McpSession(port(), admin_token());
    const auto listed = McpPost(port(), admin_token(), session, list);
    EXPECT_NE(listed.body.find("\"events://audit\""), std::string::npos) << Describe(listed);
    ASSERT_EQ(Admin().Get("/api/account?pageSize=1").status, 200);
    ASSERT_FALSE(EventsMatching("entity:Account,action:list").empty());
    const auto got = McpPost(port(), admin_token(), session, read);
    ASSERT_EQ(got.status, 200);
    const auto result = got.Json().at("result").as_object();
    const auto text = Str(result.at("contents").as_array().at(0).at("text"));
    const auto body = json::parse(text).as_object();
    ASSERT_FALSE(body.at("events").as_array().empty()) << text;
    EXPECT_NE(text.find("\"entity\":\"Account\""), std::string::npos);

    for (const char* role : {"ai_agent", "read"}) {
        const std::string token = UserToken(role);
        const std::string other = McpSession(port(), token);
        const auto hidden = McpPost(port(), token, other, list);
        EXPECT_EQ(hidden.status, 200);
        EXPECT_EQ(hidden.body.find("events://audit"), std::string::npos) << Describe(hidden);
        const auto refused = McpPost(port(), token, other, read);
        EXPECT_EQ(refused.Json().at("error").at("code").as_int64(), -32002) << Describe(refused);
        EXPECT_EQ(refused.body.find("\"events\""), std::string::npos) << Describe(refused);
    }
}

// The failure policy on the real binary: an audit file that cannot be written (/dev/full: every
// write is ENOSPC) makes the sink unhealthy; then writes are refused (503, nothing changed), reads
// go on and are counted as dropped, /metrics and the log say so.
TEST(AuditFailurePolicy, AFailingSinkRefusesWritesAndLetsReadsThrough) {
    auto options = DemoServerOptions();
    // Open mode: the anonymous administrator needs no login (a login is refused too, below).
    options.extra_args = {"--audit-file", "/dev/full", "--auth-required", "false"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const Api admin(server->port(), "");
    ASSERT_TRUE(IsSuccess(admin.Get("/api/account?pageSize=1")));  // an event to fail on
    ASSERT_TRUE(WaitFor([&] {
        return Request(server->port(), "GET", "/metrics")
                   .body.find("events_api_audit_sink_healthy{sink=\"file\"} 0\n") !=
               std::string::npos;
    }));
    const auto login = Request(server->port(), "POST", "/api/user/auth/login",
                               {{"Content-Type", "application/json"}},
                               R"({"username":"admin","password":"adminpass123"})");
    EXPECT_TRUE(IsError(login, 503, "unavailable", "audit trail")) << Describe(login);

    const std::string id = UniqueId("evt_unaudited");
    const auto refused =
        admin.Post("/api/event", json::object{{"id", id},
                                              {"url", "https://example.com/a"},
                                              {"title", "Never"},
                                              {"dateTime", "2025-07-01T18:00:00Z"}});
    EXPECT_TRUE(IsError(refused, 503, "unavailable", "audit trail cannot record this write"))
        << Describe(refused);
    const auto listed = admin.Get("/api/event?pageSize=1");
    EXPECT_TRUE(IsSuccess(listed)) << Describe(listed);
    EXPECT_EQ(admin.Get("/api/event/" + id).status, 404) << "the refused write happened";

    const auto metrics = Request(server->port(), "GET", "/metrics").body;
    EXPECT_EQ(metrics.find("events_api_audit_sink_failures_total{sink=\"file\"} 0\n"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(metrics.find("events_api_audit_writes_refused_total{sink=\"file\"} 0\n"),
              std::string::npos);
    EXPECT_EQ(metrics.find("events_api_audit_events_dropped_total{sink=\"file\"} 0\n"),
              std::string::npos);
    const std::string log = server->StdoutText();
    EXPECT_NE(log.find("audit file sink cannot write (cannot write the audit file /dev/full"),
              std::string::npos)
        << log.substr(0, 2000);
}

}  // namespace
}  // namespace ea::integration
