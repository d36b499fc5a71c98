// Server configurations that need a process of their own: the first-run administrator, the open
// (auth.required=false) loopback mode, and sessions kept in a real redis-server.
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration/integration_fixture.hpp"
#include "testing/redis_server.hpp"

namespace ea::integration {
namespace {

using ea::testing::RunCommand;
using ea::testing::ServerOptions;
using ea::testing::TempDir;

TEST(FirstRunTest, ServePrintsARandomAdminPasswordOnceAndKeepsIt) {
    auto options = DemoServerOptions();
    options.admin_password = "";  // no EVENTS_API_ADMIN_PASSWORD
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    std::smatch match;
    const std::string err = server->StderrText();
    ASSERT_TRUE(std::regex_search(err, match, std::regex(R"(password: (\S+))"))) << err;
    const std::string password = match[1].str();
    EXPECT_GE(password.size(), 16u);
    EXPECT_FALSE(LoginToken(server->port(), "admin", password).empty());
    EXPECT_EQ(server->StdoutText().find(password), std::string::npos) << "password in the log";

    // A second first run picks a different password: there is no fixed default.
    auto other_options = DemoServerOptions();
    other_options.admin_password = "";
    auto other = StartServer(other_options);
    ASSERT_TRUE(other);
    std::smatch other_match;
    const std::string other_err = other->StderrText();
    ASSERT_TRUE(std::regex_search(other_err, other_match, std::regex(R"(password: (\S+))")));
    EXPECT_NE(other_match[1].str(), password);

    // A restart on the same data neither prints nor changes it.
    EXPECT_EQ(server->Terminate(), 0);
    UseDataOf(*server, options);
    auto again = StartServer(options);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->StderrText().find("password:"), std::string::npos) << again->StderrText();
    EXPECT_FALSE(LoginToken(again->port(), "admin", password).empty());
}

TEST(OpenModeTest, AuthNotRequiredServesWithoutASessionAndSaysSoLoudly) {
    auto options = DemoServerOptions();
    options.extra_args = {"--auth-required", "false"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    EXPECT_NE(server->StderrText().find("WARNING"), std::string::npos) << server->StderrText();
    Api anonymous(server->port(), "");
    auto list = anonymous.Get("/api/event?pageSize=2");
    EXPECT_TRUE(IsListEnvelope(list));
    EXPECT_TRUE(
        IsSuccess(anonymous.Post("/api/account", json::object{{"id", UniqueId("open")}}), 201));
    // A bad token is still refused: open mode is for no credentials, not wrong ones.
    EXPECT_TRUE(IsError(Api(server->port(), "forged").Get("/api/event"), 401, "unauthenticated"));
}

TEST(OpenModeTest, AuthNotRequiredIsRefusedOffLoopback) {
    auto options = DemoServerOptions();
    auto result = RunCommand(options.binary, {"--schema", options.schema.string(), "--db",
                                              "sqlite:///nonexistent-dir-for-test/x.db", "--listen",
                                              "0.0.0.0:0", "--auth-required", "false", "serve"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("loopback"), std::string::npos) << result.err;
}

TEST(OpenModeTest, ANameThatMerelyStartsWith127IsNotLoopback) {
    auto options = DemoServerOptions();
    for (const char* listen : {"127.example.com:0", "127.0.0.1.nip.io:0", "0.0.0.0:0", "[::]:0"}) {
        auto result =
            RunCommand(options.binary, {"--schema", options.schema.string(), "--db",
                                        "sqlite:///nonexistent-dir-for-test/x.db", "--listen",
                                        listen, "--auth-required", "false", "serve"});
        EXPECT_NE(result.exit_code, 0) << listen;
        EXPECT_NE(result.err.find("auth.required=false is only allowed on a loopback address"),
                  std::string::npos)
            << listen << ": " << result.err;
    }
}

// DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host:
// evil.example. Open mode serves only requests addressed to a loopback name or address.
TEST(OpenModeTest, RequestsForANonLoopbackHostAreRefused) {
    auto options = DemoServerOptions();
    options.extra_args = {"--auth-required", "false"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::string port = std::to_string(server->port());
    Api anonymous(server->port(), "");
    const std::vector<std::string> refused = {"evil.example:" + port,    "evil.example",
                                              "127.example.com:" + port, "localhost.evil.example",
                                              "10.0.0.1:" + port,        ""};
    for (const auto& host : refused) {
        for (const char* path : {"/api/event?pageSize=1", "/docs", "/nowhere"}) {
            auto response = anonymous.Get(path, {{"Host", host}});
            EXPECT_TRUE(IsError(response, 421, "misdirected_request", "loopback host"))
                << host << " " << path << ": " << Describe(response);
        }
    }
    const std::vector<std::string> served = {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST",
                                             "[::1]:" + port, "127.1.2.3"};
    for (const auto& host : served) {
        EXPECT_TRUE(IsListEnvelope(anonymous.Get("/api/event?pageSize=1", {{"Host", host}})))
            << host;
    }
}

// When the session store fails, the client learns only that it is unavailable; the log line of
// that request id has what the store said.
TEST(SessionStoreFailureTest, SqliteFailureIs503WithoutInternalsAndLoggedUnderTheRequestId) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(server->db_path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE _sessions", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    auto failed = Api(server->port(), token).Get("/api/event?pageSize=1");
    EXPECT_TRUE(IsError(failed, 503, "unavailable", "session store unavailable"))
        << Describe(failed);
    for (const char* internal : {"no such table", "_sessions", "SQLite", "sqlite", ".db"}) {
        EXPECT_EQ(failed.body.find(internal), std::string::npos) << internal << ": " << failed.body;
    }
    const std::string request_id = failed.Header("X-Request-Id");
    ASSERT_FALSE(request_id.empty());
    EXPECT_NE(ErrorText(failed).find(request_id), std::string::npos) << "the id is not printed";
    EXPECT_EQ(server->Terminate(), 0);
    bool logged = false;
    std::istringstream log(server->StdoutText());
    for (std::string line; std::getline(log, line);) {
        if (line.find("\"request_id\":\"" + request_id + "\"") != std::string::npos) {
            EXPECT_NE(line.find("no such table: _sessions"), std::string::npos) << line;
            EXPECT_NE(line.find("\"status\":503"), std::string::npos) << line;
            logged = true;
        }
    }
    EXPECT_TRUE(logged) << "no log line for request " << request_id;
}

TEST(RedisSessionsTest, SessionsLiveInRedisAndAnOutageIsNotA500) {
    const std::string redis_password = "redis-secret-" + UniqueId("pw");
    auto started = ea::testing::RedisServer::Start({"--requirepass", redis_password});
    ASSERT_TRUE(started) << started.error().message;
    ea::testing::RedisServer& redis = **started;
    auto options = DemoServerOptions();
    options.extra_args = {"--sessions", redis.AuthenticatedUrl()};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::string keys_before = redis.Command({"DBSIZE"});

    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    Api session(server->port(), token);
    EXPECT_TRUE(IsListEnvelope(session.Get("/api/event?pageSize=1")));
    EXPECT_NE(redis.Command({"DBSIZE"}), keys_before) << "the session is not in redis";
    // Only the token's hash is stored: the token itself appears nowhere in redis.
    const std::string all = redis.Command({"KEYS", "*"});
    EXPECT_EQ(all.find(token), std::string::npos);

    auto readyz = Api(server->port(), "").Get("/readyz");
    EXPECT_EQ(readyz.status, 200) << Describe(readyz);

    ASSERT_EQ(session.Send("POST", "/user/auth/logout", "").status, 200);
    EXPECT_TRUE(IsError(session.Get("/api/event"), 401, "unauthenticated"));

    // Sessions follow the user in Redis too: a password change ends every session of that user.
    auto users = Api(server->port(), LoginToken(server->port(), "admin", kAdminPassword))
                     .Get("/api/user?pageSize=2&sort=username");
    ASSERT_TRUE(IsListEnvelope(users));
    std::string demo_id;
    std::string demo_name;
    for (const auto& row : RowsOf(users)) {
        if (Str(row.at("username")) != "admin") {
            demo_id = Str(row.at("id"));
            demo_name = Str(row.at("username"));
            break;
        }
    }
    ASSERT_FALSE(demo_id.empty());
    Api demo_a(server->port(), LoginToken(server->port(), demo_name, kDemoPassword));
    Api demo_b(server->port(), LoginToken(server->port(), demo_name, kDemoPassword));
    ASSERT_TRUE(IsListEnvelope(demo_a.Get("/api/event?pageSize=1")));
    EXPECT_EQ(redis.Command({"SCARD", "ea:user-sessions:" + demo_id}), "2");
    Api admin(server->port(), LoginToken(server->port(), "admin", kAdminPassword));
    ASSERT_TRUE(IsSuccess(
        admin.Patch("/api/user/" + demo_id, json::object{{"password", "a-changed-password"}})));
    EXPECT_TRUE(IsError(demo_a.Get("/api/event?pageSize=1"), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(demo_b.Get("/api/event?pageSize=1"), 401, "unauthenticated"));
    EXPECT_EQ(redis.Command({"EXISTS", "ea:user-sessions:" + demo_id}), "0");

    const std::string second = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(second.empty());
    redis.Stop();  // SIGKILL, waited for: nothing listens on the port any more
    auto down = Api(server->port(), second).Get("/api/event?pageSize=1");
    EXPECT_TRUE(IsError(down, 503, "unavailable", "session store unavailable")) << Describe(down);
    EXPECT_EQ(down.body.find(redis_password), std::string::npos) << "a secret in the error";
    for (const std::string& internal :
         {std::string("redis"), std::string("Redis"), ":" + std::to_string(redis.port())}) {
        EXPECT_EQ(down.body.find(internal), std::string::npos) << internal << ": " << down.body;
    }
    const std::string down_id = down.Header("X-Request-Id");
    auto not_ready = Api(server->port(), "").Get("/readyz");
    EXPECT_EQ(not_ready.status, 503) << Describe(not_ready);
    EXPECT_EQ(not_ready.body, R"({"status":"unavailable","store":"ok","sessions":"down"})");
    const std::string not_ready_id = not_ready.Header("X-Request-Id");
    EXPECT_EQ(Api(server->port(), "").Get("/healthz").status, 200);
    EXPECT_EQ(server->Terminate(), 0);
    EXPECT_EQ(server->StdoutText().find(redis_password), std::string::npos) << "secret in the log";
    // The log line of the failed request names the endpoint (without its password).
    std::istringstream log(server->StdoutText());
    bool logged = false;
    for (std::string line; std::getline(log, line);) {
        if (!down_id.empty() && line.find(down_id) != std::string::npos) {
            EXPECT_NE(line.find("redis://127.0.0.1:" + std::to_string(redis.port())),
                      std::string::npos)
                << line;
            logged = true;
        }
    }
    EXPECT_TRUE(logged) << "no log line for " << down_id;
    // So does the failed readiness probe's.
    std::istringstream probe_log(server->StdoutText());
    bool probe_logged = false;
    for (std::string line; std::getline(probe_log, line);) {
        if (!not_ready_id.empty() && line.find(not_ready_id) != std::string::npos) {
            EXPECT_NE(line.find("\"detail\":\"session store unavailable"), std::string::npos)
                << line;
            EXPECT_NE(line.find("redis://127.0.0.1:" + std::to_string(redis.port())),
                      std::string::npos)
                << line;
            probe_logged = true;
        }
    }
    EXPECT_TRUE(probe_logged) << "no log line for " << not_ready_id;
    EXPECT_EQ(server->StderrText().find(redis_password), std::string::npos) << "secret on stderr";
}

}  // namespace
}  // namespace ea::integration
