// Scale-out on real processes, loopback only: three `events-api serve` instances over one
// PostgreSQL database and one Redis (the tests start both), as behind a load balancer with no
// stickiness. Logins, logouts and rate limits hold across instances; a unique value races
// through all three; MCP clients of both eras move between instances; a record change on one
// instance reaches subscribers on another; a schema reload on one reaches the others and their
// clients. Every wait is on a condition with a deadline.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"
#include "integration/reload_schema.hpp"
#include "testing/postgres_server.hpp"
#include "testing/redis_server.hpp"
#include "testing/temp_dir.hpp"
#include "testing/text_file.hpp"

namespace ea::integration {
namespace {

using ea::testing::FormatRequest;
using ea::testing::HttpConnection;
using ea::testing::Request;
using ea::testing::ServerProcess;
using namespace std::chrono_literals;

constexpr int kInstances = 3;
constexpr const char* kStatelessMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";

// Redis (with a password), a seeded PostgreSQL database and `kInstances` servers on them, all
// reading `schema` (a copy the test may rewrite). Fails the test when any part does not start.
struct Deployment {
    ea::testing::TempDir dir;
    std::filesystem::path schema;
    std::unique_ptr<ea::testing::RedisServer> redis;
    std::string db_url;
    std::vector<std::unique_ptr<ServerProcess>> servers;

    bool Start(const std::string& database_key, std::vector<std::string> extra_args = {}) {
        schema = dir / "schema.yaml";
        ea::testing::WriteTextFile(schema, ea::testing::ReadTextFile(DefaultSchemaPath()));
        auto started = ea::testing::RedisServer::Start({"--requirepass", "scale-out-secret"});
        if (!started) {
            ADD_FAILURE() << started.error().message;
            return false;
        }
        redis = *std::move(started);
        auto* postgres = ea::testing::PostgresServer::Shared();
        if (postgres == nullptr) {
            return false;  // Shared() failed the test saying why
        }
        db_url = postgres->Database(database_key);
        const auto seeded = ea::testing::RunCommand(
            EA_BINARY, {"--schema", schema.string(), "--db", db_url, "seed-demo"});
        if (seeded.exit_code != 0) {
            ADD_FAILURE() << "seed-demo on PostgreSQL failed: " << seeded.err;
            return false;
        }
        auto options = DemoServerOptions();
        options.schema = schema;
        options.db_url = db_url;
        options.extra_args = {"--sessions", redis->AuthenticatedUrl()};
        options.extra_args.insert(options.extra_args.end(), extra_args.begin(), extra_args.end());
        // One after the other: the first creates the administrator.
        for (int i = 0; i < kInstances; ++i) {
            auto server = StartServer(options);
            if (!server) {
                return false;
            }
            servers.push_back(std::move(server));
        }
        return true;
    }
    std::uint16_t port(int i) const { return servers.at(i)->port(); }
};

// A session-era request on `session` (on whichever instance `port` is); the answer's JSON.
json::value SessionCall(std::uint16_t port, const std::string& token, const std::string& session,
                        std::string_view method, std::string_view params, int id = 7) {
    const auto answer =
        McpPost(port, token,
                R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" +
                    std::string(method) + R"(","params":)" + std::string(params) + "}",
                {{"Mcp-Session-Id", session}});
    EXPECT_EQ(answer.status, 200) << method << ": " << Describe(answer);
    return answer.Json();
}

// POST subscriptions/listen (2026-07-28) on `stream`; whether it was acknowledged.
bool Listen(HttpConnection& stream, const std::string& token, std::string_view notifications,
            std::string_view subscription_id) {
    const std::string body = R"({"jsonrpc":"2.0","id":")" + std::string(subscription_id) +
                             R"(","method":"subscriptions/listen","params":{"notifications":)" +
                             std::string(notifications) + "," + kStatelessMeta + "}}";
    if (!stream.Send(FormatRequest("POST", "/mcp",
                                   McpHeaders(token, {{"MCP-Protocol-Version", "2026-07-28"},
                                                      {"Mcp-Method", "subscriptions/listen"}}),
                                   body))) {
        return false;
    }
    return stream.ReadUntil("notifications/subscriptions/acknowledged", 10s).has_value();
}

// GET /mcp for `session`; whether the stream opened.
bool OpenStream(HttpConnection& stream, const std::string& token, const std::string& session) {
    if (!stream.Send(FormatRequest("GET", "/mcp",
                                   {{"Accept", "text/event-stream"},
                                    {"Authorization", "Bearer " + token},
                                    {"Mcp-Session-Id", session}},
                                   ""))) {
        return false;
    }
    const auto head = stream.ReadUntil("\r\n\r\n", 10s);
    return head && head->starts_with("HTTP/1.1 200");
}

std::string InitializeBody(std::string_view version) {
    return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" +
           std::string(version) +
           R"(","capabilities":{"roots":{"listChanged":true}},)"
           R"("clientInfo":{"name":"scale-out-test","version":"1"}}})";
}

class ScaleOutTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        deployment_ = new Deployment();
        // `read` users get 6 data calls a minute, counted wherever they land.
        if (!deployment_->Start("scale_out", {"--rate-limits", "read=6/60s"})) {
            return;
        }
        admin_token_ = LoginToken(deployment_->port(0), "admin", kAdminPassword);
    }
    static void TearDownTestSuite() {
        delete deployment_;
        deployment_ = nullptr;
        admin_token_.clear();
    }
    void SetUp() override {
        ASSERT_EQ(deployment_->servers.size(), static_cast<std::size_t>(kInstances))
            << "the deployment did not start";
        ASSERT_FALSE(admin_token_.empty());
    }
    static std::uint16_t port(int i) { return deployment_->port(i); }
    static Api Admin(int i) { return Api(port(i), admin_token_); }
    // The username of the `index`-th demo user with role read (each test its own).
    static std::string ReaderName(int index) {
        const auto users =
            Admin(0).Get("/api/user?filter=role:read&sort=username&pageSize=1&page=" +
                         std::to_string(index + 1));
        const auto rows = RowsOf(users);
        EXPECT_EQ(rows.size(), 1u) << Describe(users);
        return rows.empty() ? std::string() : Str(rows[0].at("username"));
    }
    static std::string FirstEventId() {
        const auto rows = RowsOf(Admin(0).Get("/api/event?pageSize=1&sort=id"));
        return rows.empty() ? std::string() : Str(rows[0].at("id"));
    }

    static Deployment* deployment_;
    static std::string admin_token_;
};

Deployment* ScaleOutTest::deployment_ = nullptr;
std::string ScaleOutTest::admin_token_;

TEST_F(ScaleOutTest, ALoginOnAWorksOnEveryInstanceAndALogoutOnBEndsItEverywhere) {
    const std::string reader = ReaderName(0);
    const std::string token = LoginToken(port(0), reader, kDemoPassword);
    ASSERT_FALSE(token.empty());
    for (int i = 0; i < kInstances; ++i) {
        const auto me = Api(port(i), token).Get("/api/account?pageSize=1");
        EXPECT_TRUE(IsListEnvelope(me)) << "instance " << i << ": " << Describe(me);
    }
    ASSERT_EQ(Api(port(1), token).Send("POST", "/user/auth/logout", "").status, 200);
    for (int i = 0; i < kInstances; ++i) {
        EXPECT_TRUE(
            IsError(Api(port(i), token).Get("/api/account?pageSize=1"), 401, "unauthenticated"))
            << "instance " << i << " still accepts a token logged out on B";
    }
}

TEST_F(ScaleOutTest, TheRateLimitCountsCallsOnEveryInstanceAgainstOneBudget) {
    const std::string token = LoginToken(port(0), ReaderName(1), kDemoPassword);
    ASSERT_FALSE(token.empty());
    for (int call = 0; call < 6; ++call) {
        const auto answer = Api(port(call % kInstances), token).Get("/api/account?pageSize=1");
        ASSERT_TRUE(IsSuccess(answer)) << "call " << call << ": " << Describe(answer);
    }
    for (int i = 0; i < kInstances; ++i) {
        EXPECT_TRUE(
            IsError(Api(port(i), token).Get("/api/account?pageSize=1"), 429, "rate_limited"))
            << "instance " << i << " has a budget of its own";
    }
}

TEST_F(ScaleOutTest, ConcurrentCreatesOfOneUsernameThroughThreeInstancesGiveOne201AndClean409s) {
    const std::string username = UniqueId("scale_race");
    constexpr int kAttempts = 9;
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    std::vector<std::string> others(kAttempts);
    std::vector<std::thread> threads;
    for (int i = 0; i < kAttempts; ++i) {
        threads.emplace_back([&, i] {
            json::object body{{"username", username},
                              {"email", username + "." + std::to_string(i) + "@example.org"},
                              {"password", "s3cret-password"},
                              {"firstName", "Casey"},
                              {"lastName", "Tester"},
                              {"isAccountOwner", false},
                              {"accountId", "acc_demo_0"}};
            auto response = Admin(i % kInstances).Post("/api/user", body);
            if (response.status == 201) {
                ++created;
            } else if (IsError(response, 409, "conflict", "username")) {
                ++conflicts;
            } else {
                others[i] = Describe(response);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), kAttempts - 1);
    for (const auto& other : others) {
        EXPECT_TRUE(other.empty()) << other;
    }
    for (int i = 0; i < kInstances; ++i) {
        EXPECT_EQ(RowsOf(Admin(i).Get("/api/user?filter=username:" + username)).size(), 1u);
    }
}

TEST_F(ScaleOutTest, AStatelessMcpClientWhoseRequestsAlternateBetweenInstancesWorks) {
    std::vector<McpClient> clients;
    for (int i = 0; i < kInstances; ++i) {
        clients.push_back(McpClient::Http(McpPath::kHttpStateless, port(i), admin_token_));
    }
    const std::string title = UniqueId("alternating");
    const auto created = clients[0].CallTool(
        "create_event", R"({"title":")" + title +
                            R"(","url":"https://example.com/a","dateTime":"2027-03-04T19:30:00Z",)"
                            R"("location":"Oakland","cost":1,"tags":["scale"]})");
    ASSERT_FALSE(created.is_error || created.rpc_error) << created.raw.substr(0, 300);
    const std::string id(created.result.at("structuredContent").at("id").as_string());
    const auto read = clients[1].CallTool("get_event", R"({"id":")" + id + R"("})");
    ASSERT_FALSE(read.is_error || read.rpc_error) << read.raw.substr(0, 300);
    EXPECT_EQ(Str(read.result.at("structuredContent").at("title")), title);
    const auto updated =
        clients[2].CallTool("update_event", R"({"id":")" + id + R"(","location":"Berkeley"})");
    ASSERT_FALSE(updated.is_error || updated.rpc_error) << updated.raw.substr(0, 300);
    const auto again = clients[0].CallTool("get_event", R"({"id":")" + id + R"("})");
    EXPECT_EQ(Str(again.result.at("structuredContent").at("location")), "Berkeley");
    const auto removed = clients[1].CallTool("delete_event", R"({"id":")" + id + R"("})");
    EXPECT_FALSE(removed.is_error || removed.rpc_error) << removed.raw.substr(0, 300);
    const auto gone = clients[2].CallTool("get_event", R"({"id":")" + id + R"("})");
    EXPECT_TRUE(gone.is_error) << gone.raw.substr(0, 300);
}

TEST_F(ScaleOutTest, ASessionEraClientMovedFromAToBKeepsItsRevisionLevelAndSubscriptions) {
    // Opened on A with 2025-03-26, the one revision without structuredContent.
    const auto init = McpPost(port(0), admin_token_, InitializeBody("2025-03-26"));
    ASSERT_EQ(init.status, 200) << Describe(init);
    const std::string session = init.Header("Mcp-Session-Id");
    ASSERT_FALSE(session.empty());
    ASSERT_EQ(
        McpPost(port(0), admin_token_, R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                {{"Mcp-Session-Id", session}})
            .status,
        202);
    // The GET stream stays on A.
    HttpConnection stream(port(0));
    ASSERT_TRUE(OpenStream(stream, admin_token_, session));

    // On B: the session is found, answers in the revision A negotiated.
    const auto listed = SessionCall(port(1), admin_token_, session, "tools/call",
                                    R"({"name":"list_accounts","arguments":{"pageSize":1}})");
    ASSERT_TRUE(listed.as_object().contains("result")) << json::serialize(listed);
    EXPECT_FALSE(listed.at("result").as_object().contains("structuredContent"))
        << "B does not answer in 2025-03-26: " << json::serialize(listed);
    EXPECT_TRUE(listed.at("result").as_object().contains("content"));

    // Another user presenting the id on B finds nothing, as on A.
    const std::string reader = LoginToken(port(1), ReaderName(2), kDemoPassword);
    const auto foreign =
        McpPost(port(1), reader, R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})",
                {{"Mcp-Session-Id", session}});
    EXPECT_EQ(foreign.status, 404) << Describe(foreign);

    // A log level set on B holds for the next call, answered on A: its message reaches the
    // stream on A.
    SessionCall(port(1), admin_token_, session, "logging/setLevel", R"({"level":"info"})");
    stream.Discard();
    SessionCall(port(0), admin_token_, session, "tools/call",
                R"({"name":"list_accounts","arguments":{"pageSize":1}})");
    EXPECT_TRUE(stream.ReadUntil("notifications/message", 10s))
        << "the log level set on B did not reach A";

    // A subscription made on C, a change made on B: the stream on A hears it.
    const std::string id = FirstEventId();
    const std::string uri = "events://events/" + id;
    const auto subscribed = SessionCall(port(2), admin_token_, session, "resources/subscribe",
                                        R"({"uri":")" + uri + "\"}");
    EXPECT_TRUE(subscribed.at("result").as_object().empty()) << json::serialize(subscribed);
    const std::string update =
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" + uri +
        "\"}}";
    // The subscription reaches A through Redis a moment later: change until A has heard one.
    bool heard = false;
    for (int attempt = 0; attempt < 20 && !heard; ++attempt) {
        ASSERT_TRUE(IsSuccess(Admin(1).Patch(
            "/api/event/" + id, json::object{{"title", "Moved " + std::to_string(attempt)}})));
        heard = stream.ReadUntil(update, 500ms).has_value();
    }
    EXPECT_TRUE(heard) << "a change on B never reached the stream on A for a subscription on C";

    // Ended on B: gone on every instance, and A's stream closes.
    const auto ended =
        Request(port(1), "DELETE", "/mcp",
                {{"Authorization", "Bearer " + admin_token_}, {"Mcp-Session-Id", session}});
    EXPECT_EQ(ended.status, 204) << Describe(ended);
    EXPECT_TRUE(stream.WaitForClose(10s)) << "A's stream outlived the session";
    for (int i = 0; i < kInstances; ++i) {
        const auto after =
            McpPost(port(i), admin_token_, R"({"jsonrpc":"2.0","id":9,"method":"tools/list"})",
                    {{"Mcp-Session-Id", session}});
        EXPECT_EQ(after.status, 404) << "instance " << i << ": " << Describe(after);
    }
}

// The tool set a session chose at initialize (/mcp?tools=compact) moves with it.
TEST_F(ScaleOutTest, ACompactSessionOpenedOnAIsServedCompactToolsOnB) {
    const auto init = Request(port(0), "POST", "/mcp?tools=compact", McpHeaders(admin_token_),
                              InitializeBody("2025-11-25"));
    const std::string session = init.Header("Mcp-Session-Id");
    ASSERT_FALSE(session.empty()) << Describe(init);
    const auto names = [&](int instance) {
        std::vector<std::string> out;
        const auto listed = SessionCall(port(instance), admin_token_, session, "tools/list", "{}");
        for (const auto& tool : listed.at("result").at("tools").as_array()) {
            out.push_back(Str(tool.at("name")));
        }
        return out;
    };
    const auto on_a = names(0);
    const auto on_b = names(1);
    EXPECT_EQ(on_b, on_a);
    EXPECT_NE(std::find(on_b.begin(), on_b.end(), "describe_entities"), on_b.end());
    EXPECT_EQ(std::find(on_b.begin(), on_b.end(), "create_event"), on_b.end())
        << "B serves the per-entity tools to a compact session";
}

TEST_F(ScaleOutTest, ARecordChangeOnAReachesListenersAndSessionStreamsOnB) {
    const std::string id = FirstEventId();
    const std::string uri = "events://events/" + id;
    HttpConnection listen(port(1));
    ASSERT_TRUE(
        Listen(listen, admin_token_, R"({"resourceSubscriptions":[")" + uri + R"("]})", "sub-b"));
    const auto init = McpPost(port(2), admin_token_, InitializeBody("2025-11-25"));
    const std::string session = init.Header("Mcp-Session-Id");
    ASSERT_FALSE(session.empty()) << Describe(init);
    HttpConnection stream(port(2));
    ASSERT_TRUE(OpenStream(stream, admin_token_, session));
    SessionCall(port(2), admin_token_, session, "resources/subscribe", R"({"uri":")" + uri + "\"}");

    ASSERT_TRUE(IsSuccess(Admin(0).Patch("/api/event/" + id, json::object{{"title", "From A"}})));
    const std::string tagged =
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" + uri +
        R"(","_meta":{"io.modelcontextprotocol/subscriptionId":"sub-b"}}})";
    EXPECT_TRUE(listen.ReadUntil(tagged, 10s)) << "B's listen stream did not hear A's change";
    EXPECT_TRUE(stream.ReadUntil(
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" + uri +
            "\"}}",
        10s))
        << "C's session stream did not hear A's change";
    // What an operator watches: A sent it, B heard it, both are subscribed. A counts its publish
    // when Redis answers the PUBLISH, which can be after B heard the message: wait for it.
    HttpResponse metrics_a;
    EXPECT_TRUE(WaitFor([&] {
        metrics_a = Request(port(0), "GET", "/metrics", {}, "");
        return metrics_a.body.find("_change_feed_published_total 0\n") == std::string::npos;
    })) << "A never counted its publish";
    const auto metrics_b = Request(port(1), "GET", "/metrics", {}, "");
    EXPECT_NE(metrics_a.body.find("_change_feed_subscribed 1\n"), std::string::npos)
        << metrics_a.body.substr(0, 2000);
    EXPECT_NE(metrics_b.body.find("_change_feed_subscribed 1\n"), std::string::npos);
    EXPECT_EQ(metrics_a.body.find("_change_feed_published_total 0\n"), std::string::npos)
        << "A published nothing";
    EXPECT_EQ(metrics_b.body.find("_change_feed_received_total 0\n"), std::string::npos)
        << "B received nothing";
    EXPECT_NE(metrics_b.body.find("_change_feed_received_total "), std::string::npos);
    EXPECT_NE(metrics_a.body.find("_change_feed_dropped_total 0\n"), std::string::npos);
}

// A reload rewrites the deployment's schema, so it has a deployment of its own.
TEST(ScaleOutReloadTest, ASchemaReloadOnAReachesTheOtherInstancesAndTheirClients) {
    Deployment deployment;
    ASSERT_TRUE(deployment.Start("scale_out_reload"));
    const std::string token = LoginToken(deployment.port(0), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    HttpConnection listen(deployment.port(1));
    ASSERT_TRUE(Listen(listen, token, R"({"toolsListChanged":true})", "tools-b"));
    const auto init = McpPost(deployment.port(2), token, InitializeBody("2025-11-25"));
    const std::string session = init.Header("Mcp-Session-Id");
    ASSERT_FALSE(session.empty()) << Describe(init);
    HttpConnection stream(deployment.port(2));
    ASSERT_TRUE(OpenStream(stream, token, session));
    McpClient on_b = McpClient::Http(McpPath::kHttpStateless, deployment.port(1), token);
    const std::string widget = R"({"label":"first"})";
    ASSERT_TRUE(on_b.CallTool("create_widget", widget).rpc_error ||
                on_b.CallTool("create_widget", widget).is_error)
        << "create_widget exists before the reload";

    std::ofstream(deployment.schema, std::ios::app) << "\n" << kWidgetEntity;
    const auto reloaded =
        Api(deployment.port(0), token).Send("POST", "/api/_admin/reload-schema", "");
    ASSERT_EQ(reloaded.status, 200) << Describe(reloaded);

    EXPECT_TRUE(
        listen.ReadUntil(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":)"
                         R"({"_meta":{"io.modelcontextprotocol/subscriptionId":"tools-b"}}})",
                         20s))
        << "B's listener was not told";
    EXPECT_TRUE(stream.ReadUntil("notifications/tools/list_changed", 20s))
        << "C's session stream was not told";
    McpOutcome created;
    EXPECT_TRUE(WaitFor(
        [&] {
            created = on_b.CallTool("create_widget", widget);
            return !created.rpc_error && !created.is_error;
        },
        20s))
        << "B never served the reloaded schema: " << created.raw.substr(0, 300);
    for (int i = 0; i < kInstances; ++i) {
        EXPECT_NE(deployment.servers[i]->StderrText().find("schema reloaded"), std::string::npos)
            << "instance " << i << " did not reload";
    }
    // The instances that followed the notice did not announce it again (no reload loop).
    for (int i = 1; i < kInstances; ++i) {
        const std::string err = deployment.servers[i]->StderrText();
        EXPECT_NE(err.find("schema reload announced by another instance"), std::string::npos);
        EXPECT_EQ(err.find("schema reloaded"), err.rfind("schema reloaded")) << err;
    }
    const std::string first = deployment.servers[0]->StderrText();
    EXPECT_EQ(first.find("announced by another instance"), std::string::npos) << first;
}

// Idle sessions expire in Redis, but one whose GET stream is open on an instance counts as used,
// as on one instance: that instance keeps its key alive.
TEST(ScaleOutIdleTest, ASessionStreamingOnAStaysAliveEverywhereWhileAnIdleOneExpires) {
    Deployment deployment;
    ASSERT_TRUE(deployment.Start("scale_out_idle", {"--mcp-session-idle-seconds", "2"}));
    const std::string token = LoginToken(deployment.port(0), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    const std::string streaming =
        McpPost(deployment.port(0), token, InitializeBody("2025-11-25")).Header("Mcp-Session-Id");
    const std::string idle =
        McpPost(deployment.port(0), token, InitializeBody("2025-11-25")).Header("Mcp-Session-Id");
    ASSERT_FALSE(streaming.empty() || idle.empty());
    HttpConnection stream(deployment.port(0));
    ASSERT_TRUE(OpenStream(stream, token, streaming));
    // The idle one's key goes after 2 s with no request.
    EXPECT_TRUE(WaitFor(
        [&] {
            return deployment.redis->Command({"EXISTS", "ea:mcp-session:" + idle}) == "0";
        },
        15s))
        << "the idle session never expired in Redis";
    const std::string tools = R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})";
    EXPECT_EQ(McpPost(deployment.port(1), token, tools, {{"Mcp-Session-Id", idle}}).status, 404);
    // By then the streaming one has gone as long without a request: still there, on B too.
    EXPECT_EQ(deployment.redis->Command({"EXISTS", "ea:mcp-session:" + streaming}), "1");
    const auto on_b = McpPost(deployment.port(1), token, tools, {{"Mcp-Session-Id", streaming}});
    EXPECT_EQ(on_b.status, 200) << Describe(on_b);
}

// Redis killed and started again (empty: no persistence) under open streams: the instances'
// subscribers come back by themselves, a listener is told to re-read what it watches, and the
// next change on A reaches it on B again.
TEST(ScaleOutFaultTest, AfterRedisRestartsTheInstancesHearEachOtherAgain) {
    Deployment deployment;
    ASSERT_TRUE(deployment.Start("scale_out_fault"));
    std::string token = LoginToken(deployment.port(0), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    const auto rows = RowsOf(Api(deployment.port(0), token).Get("/api/event?pageSize=1&sort=id"));
    ASSERT_EQ(rows.size(), 1u);
    const std::string id = Str(rows[0].at("id"));
    const std::string uri = "events://events/" + id;
    HttpConnection listen(deployment.port(1));
    ASSERT_TRUE(Listen(listen, token, R"({"resourceSubscriptions":[")" + uri + R"("]})", "f"));
    const std::string update =
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" + uri +
        R"(","_meta":{"io.modelcontextprotocol/subscriptionId":"f"}}})";

    deployment.redis->Stop();
    // While it is down, A still accepts nothing that needs a session (fails closed).
    EXPECT_EQ(Api(deployment.port(0), token).Get("/api/event?pageSize=1").status, 503);
    ASSERT_TRUE(deployment.redis->Restart());
    listen.Discard();
    // B's subscriber is back: it tells the listener that what it watches may have changed.
    EXPECT_TRUE(listen.ReadUntil(update, 15s)) << "no catch-up notice after Redis came back";

    // Redis came back empty: log in again, then a change on A reaches B's listener.
    token = LoginToken(deployment.port(0), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    listen.Discard();
    bool heard = false;
    for (int attempt = 0; attempt < 20 && !heard; ++attempt) {
        ASSERT_TRUE(
            IsSuccess(Api(deployment.port(0), token)
                          .Patch("/api/event/" + id,
                                 json::object{{"title", "After " + std::to_string(attempt)}})));
        heard = listen.ReadUntil(update, 500ms).has_value();
    }
    EXPECT_TRUE(heard) << "A's changes no longer reach B after the restart";
}

}  // namespace
}  // namespace ea::integration
