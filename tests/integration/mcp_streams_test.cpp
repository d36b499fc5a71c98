// Server-sent-event streams on the real `events-api serve` over raw sockets: the session era's
// GET /mcp stream (one per session, ended by DELETE), POST answered as a stream with progress,
// and 1,000 idle streams open at once leaving other requests' latency where it was.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"

namespace ea::integration {
namespace {

using ea::testing::FormatRequest;
using ea::testing::HttpConnection;
using ea::testing::Request;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string InitializeBody() {
    return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":)"
           R"("2025-11-25","capabilities":{},"clientInfo":{"name":"streams-test","version":"1"}}})";
}

// initialize; the session id ("" with a test failure).
std::string OpenSession(std::uint16_t port, const std::string& token) {
    const auto init = McpPost(port, token, InitializeBody());
    EXPECT_EQ(init.status, 200) << Describe(init);
    const std::string id = init.Header("Mcp-Session-Id");
    EXPECT_FALSE(id.empty()) << Describe(init);
    return id;
}

// GET /mcp for `session` on `connection`, read up to the stream's headers; whether it opened.
bool OpenStream(HttpConnection& connection, const std::string& token, const std::string& session,
                Headers extra = {}) {
    Headers headers = {{"Accept", "text/event-stream"},
                       {"Authorization", "Bearer " + token},
                       {"Mcp-Session-Id", session}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    if (!connection.connected() || !connection.Send(FormatRequest("GET", "/mcp", headers, ""))) {
        return false;
    }
    const auto head = connection.ReadUntil("\r\n\r\n", 10s);
    return head && head->starts_with("HTTP/1.1 200") &&
           head->find("Content-Type: text/event-stream") != std::string::npos;
}

class McpStreamsTest : public ServerSuite {};

TEST_F(McpStreamsTest, GetOpensOneStreamPerSessionAndDeleteEndsIt) {
    const std::string session = OpenSession(port(), admin_token());
    HttpConnection stream(port());
    ASSERT_TRUE(OpenStream(stream, admin_token(), session));

    const auto second = Request(port(), "GET", "/mcp",
                                {{"Accept", "text/event-stream"},
                                 {"Authorization", "Bearer " + admin_token()},
                                 {"Mcp-Session-Id", session}});
    EXPECT_EQ(second.status, 409) << Describe(second);

    // Another user cannot open it: exactly like an unknown session.
    const std::string other = LoginToken(port(), DemoUsername(), kDemoPassword);
    const auto foreign = Request(port(), "GET", "/mcp",
                                 {{"Accept", "text/event-stream"},
                                  {"Authorization", "Bearer " + other},
                                  {"Mcp-Session-Id", session}});
    EXPECT_EQ(foreign.status, 404) << Describe(foreign);

    const auto ended =
        Request(port(), "DELETE", "/mcp",
                {{"Authorization", "Bearer " + admin_token()}, {"Mcp-Session-Id", session}});
    EXPECT_EQ(ended.status, 204) << Describe(ended);
    EXPECT_TRUE(stream.WaitForClose(5s));
}

TEST_F(McpStreamsTest, PostAskingForProgressIsAnsweredAsAStreamOfProgressThenTheResult) {
    const std::string session = OpenSession(port(), admin_token());
    const std::string body =
        R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_users",)"
        R"("arguments":{"pageSize":1},"_meta":{"progressToken":"tok-1"}}})";
    const auto answer =
        McpPost(port(), admin_token(), body,
                {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}});
    ASSERT_EQ(answer.status, 200) << Describe(answer);
    EXPECT_EQ(answer.Header("Content-Type"), "text/event-stream");
    // Three events in order: progress 0, progress 1, the response to id 5.
    // Only lines that start with "data: " (a tool result's text may say "data: " too).
    std::vector<json::value> messages;
    std::string_view rest = answer.body;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        if (line.starts_with("data: ")) {
            messages.push_back(json::parse(line.substr(6)));
        }
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    ASSERT_EQ(messages.size(), 3U) << answer.body;
    EXPECT_EQ(Str(messages[0].at("method")), "notifications/progress");
    EXPECT_EQ(Str(messages[0].at("params").at("progressToken")), "tok-1");
    EXPECT_EQ(messages[0].at("params").at("progress").as_int64(), 0);
    EXPECT_EQ(messages[1].at("params").at("progress").as_int64(), 1);
    EXPECT_EQ(messages[2].at("id").as_int64(), 5);
    EXPECT_TRUE(messages[2].at("result").as_object().contains("content")) << answer.body;
}

json::value RpcCall(std::uint16_t port, const std::string& token, const std::string& session,
                    std::string_view method, std::string_view params) {
    const auto answer =
        McpPost(port, token,
                R"({"jsonrpc":"2.0","id":11,"method":")" + std::string(method) + R"(","params":)" +
                    std::string(params) + "}",
                {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}});
    EXPECT_EQ(answer.status, 200) << Describe(answer);
    return answer.Json();
}

// The id of the first row of `entity` (admin's view).
std::string FirstId(std::string_view entity, const Api& api) {
    const auto rows = RowsOf(api.Get("/api/" + std::string(entity) + "?pageSize=1"));
    EXPECT_FALSE(rows.empty());
    return rows.empty() ? std::string() : Str(rows[0].at("id"));
}

TEST_F(McpStreamsTest, SubscribedRecordChangeArrivesOnTheStreamAndResumeReplaysMissedOnes) {
    const std::string session = OpenSession(port(), admin_token());
    auto stream = std::make_unique<HttpConnection>(port());
    ASSERT_TRUE(OpenStream(*stream, admin_token(), session));
    const std::string id = FirstId("event", Admin());
    const std::string uri = "events://events/" + id;
    const auto subscribed =
        RpcCall(port(), admin_token(), session, "resources/subscribe", R"({"uri":")" + uri + "\"}");
    EXPECT_TRUE(subscribed.at("result").as_object().empty()) << json::serialize(subscribed);

    ASSERT_TRUE(IsSuccess(Admin().Patch("/api/event/" + id, json::object{{"title", "Update 1"}})));
    const std::string first =
        "id: 1\nevent: message\ndata: "
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" +
        uri + "\"}}";
    ASSERT_TRUE(stream->ReadUntil(first, 5s)) << "no resources/updated for " << uri;

    // The connection breaks; two changes happen meanwhile; the client resumes after event 1.
    stream.reset();
    ASSERT_TRUE(IsSuccess(Admin().Patch("/api/event/" + id, json::object{{"title", "Update 2"}})));
    ASSERT_TRUE(IsSuccess(Admin().Patch("/api/event/" + id, json::object{{"title", "Update 3"}})));
    HttpConnection resumed(port());
    ASSERT_TRUE(OpenStream(resumed, admin_token(), session, {{"Last-Event-ID", "1"}}));
    const auto replayed = resumed.ReadUntil("id: 3\n", 5s);
    ASSERT_TRUE(replayed);
    EXPECT_NE(replayed->find("id: 2\nevent: message\ndata: "), std::string::npos) << *replayed;
    EXPECT_EQ(replayed->find("id: 1\n"), std::string::npos) << *replayed;

    // After unsubscribing, changes of that record are not sent; another subscription still is.
    RpcCall(port(), admin_token(), session, "resources/unsubscribe", R"({"uri":")" + uri + "\"}");
    const std::string other_id = FirstId("user", Admin());
    const std::string other_uri = "events://users/" + other_id;
    RpcCall(port(), admin_token(), session, "resources/subscribe",
            R"({"uri":")" + other_uri + "\"}");
    resumed.Discard();
    ASSERT_TRUE(IsSuccess(Admin().Patch("/api/event/" + id, json::object{{"title", "Update 4"}})));
    ASSERT_TRUE(
        IsSuccess(Admin().Patch("/api/user/" + other_id, json::object{{"firstName", "Sub"}})));
    const auto later = resumed.ReadUntil(other_uri, 5s);
    ASSERT_TRUE(later);
    EXPECT_EQ(later->find(uri + "\""), std::string::npos) << *later;
}

TEST_F(McpStreamsTest, SubscriptionToARecordThePrincipalCannotReadIsRefused) {
    const std::string crawl = "events://crawls/" + FirstId("crawl", Admin());
    const std::string agent = UniqueId("agent");
    const auto created = Admin().Post("/api/user", json::object{{"username", agent},
                                                                {"email", agent + "@example.org"},
                                                                {"password", "agent-pass-1"},
                                                                {"firstName", "Sub"},
                                                                {"lastName", "Scriber"},
                                                                {"isAccountOwner", false},
                                                                {"accountId", "acc_demo_0"},
                                                                {"role", "ai_agent"}});
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    const std::string token = LoginToken(port(), agent, "agent-pass-1");
    const std::string session = OpenSession(port(), token);
    const auto refused =
        RpcCall(port(), token, session, "resources/subscribe", R"({"uri":")" + crawl + "\"}");
    ASSERT_TRUE(refused.as_object().contains("error")) << json::serialize(refused);
    EXPECT_NE(Str(refused.at("error").at("message")).find("ai_agent role cannot read Crawl"),
              std::string::npos)
        << json::serialize(refused);

    // The same in 2026-07-28: subscriptions/listen naming it is refused, no stream opens.
    const auto listen = McpPost(
        port(), token,
        R"({"jsonrpc":"2.0","id":4,"method":"subscriptions/listen","params":{"notifications":)"
        R"({"resourceSubscriptions":[")" +
            crawl +
            R"("]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
            R"("io.modelcontextprotocol/clientCapabilities":{}}}})",
        {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "subscriptions/listen"}});
    EXPECT_EQ(listen.status, 400) << Describe(listen);
    EXPECT_NE(listen.body.find("ai_agent role cannot read Crawl"), std::string::npos)
        << Describe(listen);
}

TEST_F(McpStreamsTest, ListenStreamIsAcknowledgedThenCarriesTaggedUpdates) {
    const std::string id = FirstId("event", Admin());
    const std::string uri = "events://events/" + id;
    const std::string body =
        R"({"jsonrpc":"2.0","id":"sub-1","method":"subscriptions/listen","params":{)"
        R"("notifications":{"toolsListChanged":true,"promptsListChanged":true,)"
        R"("resourceSubscriptions":[")" +
        uri +
        R"("]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
        R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
    HttpConnection stream(port());
    ASSERT_TRUE(stream.Send(
        FormatRequest("POST", "/mcp",
                      McpHeaders(admin_token(), {{"MCP-Protocol-Version", "2026-07-28"},
                                                 {"Mcp-Method", "subscriptions/listen"}}),
                      body)));
    const std::string ack =
        R"({"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":)"
        R"({"notifications":{"toolsListChanged":true,"resourceSubscriptions":[")" +
        uri + R"("]},"_meta":{"io.modelcontextprotocol/subscriptionId":"sub-1"}}})";
    const auto acknowledged = stream.ReadUntil(ack, 5s);
    ASSERT_TRUE(acknowledged) << "no acknowledgement";
    EXPECT_NE(acknowledged->find("Content-Type: text/event-stream"), std::string::npos);
    ASSERT_TRUE(IsSuccess(Admin().Patch("/api/event/" + id, json::object{{"title", "Listen 1"}})));
    const std::string update =
        R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":")" + uri +
        R"(","_meta":{"io.modelcontextprotocol/subscriptionId":"sub-1"}}})";
    EXPECT_TRUE(stream.ReadUntil(update, 5s)) << "no tagged resources/updated";
}

// The median of `count` round trips of `probe` (each must answer 200 within a second).
Clock::duration MedianLatency(int count, const std::function<int()>& probe) {
    std::vector<Clock::duration> times;
    for (int i = 0; i < count; ++i) {
        const auto started = Clock::now();
        const int status = probe();
        const auto took = Clock::now() - started;
        EXPECT_EQ(status, 200);
        EXPECT_LT(took, 1s) << "request " << i << " took too long";
        times.push_back(took);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

TEST(McpStreamsLoadTest, AThousandIdleStreamsLeaveOtherRequestsLatencyUnchanged) {
    constexpr int kStreams = 1000;
    // Our 1,000 sockets and the server's (a child inherits the limit) need room.
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur < 4096) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
        ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
    }
    ASSERT_GE(limit.rlim_cur, 2 * kStreams + 100) << "the hard fd limit is too low for this test";
    auto options = DemoServerOptions();
    options.env["EVENTS_API_MAX_CONNECTIONS"] = "1200";
    options.env["EVENTS_API_MCP_MAX_SESSIONS"] = "1200";
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::uint16_t port = server->port();
    const std::string token = LoginToken(port, "admin", kAdminPassword);
    const std::string probe_session = OpenSession(port, token);
    const std::string list = R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})";
    auto healthz = [&] { return Request(port, "GET", "/healthz").status; };
    auto tools_list = [&] {
        return McpPost(port, token, list,
                       {{"Mcp-Session-Id", probe_session}, {"MCP-Protocol-Version", "2025-11-25"}})
            .status;
    };
    MedianLatency(10, healthz);  // warm up
    const auto health_before = MedianLatency(31, healthz);
    const auto list_before = MedianLatency(31, tools_list);

    std::vector<std::unique_ptr<HttpConnection>> streams;
    streams.reserve(kStreams);
    for (int i = 0; i < kStreams; ++i) {
        const std::string session = OpenSession(port, token);
        auto connection = std::make_unique<HttpConnection>(port);
        ASSERT_TRUE(OpenStream(*connection, token, session)) << "stream " << i;
        streams.push_back(std::move(connection));
    }

    const auto health_during = MedianLatency(31, healthz);
    const auto list_during = MedianLatency(31, tools_list);
    auto us = [](Clock::duration d) {
        return std::chrono::duration<double, std::micro>(d).count();
    };
    std::cout << "[ latency  ] median us without / with " << kStreams << " idle streams: healthz "
              << us(health_before) << " / " << us(health_during) << ", tools/list "
              << us(list_before) << " / " << us(list_during) << "\n";
    // "Unchanged": within a small factor plus a little noise allowance, not a thread each
    // (with a thread per stream, 1,000 streams would starve the two IO threads completely).
    auto bound = [](Clock::duration before) { return 3 * before + 5ms; };
    EXPECT_LE(health_during, bound(health_before))
        << "healthz median " << std::chrono::duration<double, std::micro>(health_before).count()
        << " us before, " << std::chrono::duration<double, std::micro>(health_during).count()
        << " us with the streams open";
    EXPECT_LE(list_during, bound(list_before))
        << "tools/list median " << std::chrono::duration<double, std::micro>(list_before).count()
        << " us before, " << std::chrono::duration<double, std::micro>(list_during).count()
        << " us with the streams open";
    // Every stream is still open and served: none was closed under us.
    HttpConnection last(port);
    EXPECT_TRUE(OpenStream(last, token, OpenSession(port, token)));
}

}  // namespace
}  // namespace ea::integration
