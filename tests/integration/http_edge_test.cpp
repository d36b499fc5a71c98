// The HTTP edge on the real binary: CORS for browser front-ends on other origins, metrics whose
// label values come from closed sets, the cap on open connections, and where the client address
// comes from (trust_proxy) for the per-address login limit and the access log.
#include <algorithm>
#include <atomic>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::FormatRequest;
using ea::testing::HttpConnection;
using ea::testing::SendRaw;
using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultOrigin = "http://localhost:4200";  // the original's Angular UI

// Every header of `response` whose name starts with "Access-Control-", as "name: value" lines.
std::vector<std::string> CorsHeaders(const HttpResponse& response) {
    std::vector<std::string> out;
    for (const auto& [name, value] : response.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower.starts_with("access-control-")) {
            out.push_back(name + ": " + value);
        }
    }
    return out;
}

HttpResponse Preflight(std::uint16_t port, std::string_view target, std::string_view origin,
                       std::string_view method, std::string_view request_headers = "") {
    Headers headers = {{"Origin", std::string(origin)},
                       {"Access-Control-Request-Method", std::string(method)}};
    if (!request_headers.empty()) {
        headers.emplace_back("Access-Control-Request-Headers", std::string(request_headers));
    }
    return ea::testing::Request(port, "OPTIONS", target, headers);
}

// ---------------------------------------------------------------------------------------------
// CORS with the default allowed origin (the original's http://localhost:4200).

class CorsTest : public ServerSuite {};

TEST_F(CorsTest, PreflightFromTheDefaultOriginIs204WithTheOriginalsPolicy) {
    auto response = Preflight(port(), "/api/event", kDefaultOrigin, "POST",
                              "content-type, x-request-id, authorization");
    ASSERT_EQ(response.status, 204) << Describe(response);
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(response.Header("Access-Control-Allow-Origin"), kDefaultOrigin);
    EXPECT_EQ(response.Header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(response.Header("Access-Control-Allow-Methods"),
              "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    EXPECT_EQ(response.Header("Access-Control-Allow-Headers"),
              "content-type, x-request-id, authorization");
    EXPECT_EQ(response.Header("Access-Control-Max-Age"), "3600");
    EXPECT_NE(response.Header("Vary").find("Origin"), std::string::npos);
}

TEST_F(CorsTest, EveryRouteAnswersPreflights) {
    // Routes that exist for other methods only, parametrized routes, login, and a path that
    // matches no route at all (its real request then gets a 404 the page can read).
    const std::pair<const char*, const char*> cases[] = {
        {"/user/auth/login", "POST"},     {"/api/event/evt_demo_1", "PATCH"},
        {"/api/event/evt_demo_1", "PUT"}, {"/api/event/evt_demo_1", "DELETE"},
        {"/api/metadata", "GET"},         {"/no/such/route", "GET"},
    };
    for (const auto& [target, method] : cases) {
        auto response = Preflight(port(), target, kDefaultOrigin, method, "content-type");
        EXPECT_EQ(response.status, 204) << target << " " << method << ": " << Describe(response);
        EXPECT_EQ(response.Header("Access-Control-Allow-Origin"), kDefaultOrigin) << target;
        EXPECT_EQ(response.Header("Access-Control-Allow-Credentials"), "true") << target;
    }
}

TEST_F(CorsTest, ResponsesToTheAllowedOriginCarryTheOriginAndCredentials) {
    auto response = Admin().Get("/api/event/evt_demo_1", {{"Origin", kDefaultOrigin}});
    ASSERT_TRUE(IsSuccess(response)) << Describe(response);
    EXPECT_EQ(Str(DataOf(response).at("id")), "evt_demo_1");
    EXPECT_EQ(response.Header("Access-Control-Allow-Origin"), kDefaultOrigin);
    EXPECT_EQ(response.Header("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(response.Header("Access-Control-Expose-Headers"),
              "X-Request-Id, ETag, Location, Retry-After, Mcp-Session-Id, WWW-Authenticate");
    EXPECT_EQ(response.Header("Vary"), "Origin");
    // Errors too: a page must be able to read why it failed.
    auto missing = Admin().Get("/api/event/evt_nope", {{"Origin", kDefaultOrigin}});
    EXPECT_TRUE(IsError(missing, 404)) << Describe(missing);
    EXPECT_EQ(missing.Header("Access-Control-Allow-Origin"), kDefaultOrigin);
}

TEST_F(CorsTest, OtherOriginsGetNoCorsHeadersAndNeverAWildcard) {
    for (const char* origin :
         {"http://evil.example", "http://localhost:4201", "https://localhost:4200",
          "http://localhost:4200.evil.example", "null", "*"}) {
        auto preflight = Preflight(port(), "/api/event", origin, "GET", "content-type");
        EXPECT_TRUE(IsError(preflight, 403, "forbidden", "cors.allowed_origins"))
            << origin << ": " << Describe(preflight);
        EXPECT_EQ(CorsHeaders(preflight), std::vector<std::string>{}) << origin;

        // The request itself is served (a browser keeps the answer from the page), but nothing
        // in it lets a page of that origin read it.
        auto actual = Admin().Get("/api/event/evt_demo_1", {{"Origin", origin}});
        EXPECT_TRUE(IsSuccess(actual)) << origin << ": " << Describe(actual);
        EXPECT_EQ(CorsHeaders(actual), std::vector<std::string>{}) << origin;
        EXPECT_EQ(actual.Header("Vary"), "Origin") << origin;
    }
}

TEST_F(CorsTest, APreflightForAMethodOutsideThePolicyIs403) {
    auto response = Preflight(port(), "/api/event", kDefaultOrigin, "TRACE");
    EXPECT_TRUE(IsError(response, 403, "forbidden", "'TRACE' is not allowed"))
        << Describe(response);
    EXPECT_EQ(CorsHeaders(response), std::vector<std::string>{});
}

TEST_F(CorsTest, OptionsWithoutAPreflightHeaderIsStillAPlain405) {
    auto response =
        ea::testing::Request(port(), "OPTIONS", "/api/event", {{"Origin", kDefaultOrigin}});
    EXPECT_TRUE(IsError(response, 405, "method_not_allowed")) << Describe(response);
    EXPECT_EQ(response.Header("Allow"), "GET, HEAD, POST");
}

// The configured list replaces the default; an empty list turns CORS off.
TEST(CorsConfigTest, ConfiguredOriginsReplaceTheDefault) {
    auto options = DemoServerOptions();
    options.env["EVENTS_API_CORS_ALLOWED_ORIGINS"] =
        "http://127.0.0.1:5173, HTTPS://App.Example.com:443/";
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    auto vite = Preflight(server->port(), "/api/event", "http://127.0.0.1:5173", "GET");
    EXPECT_EQ(vite.status, 204) << Describe(vite);
    EXPECT_EQ(vite.Header("Access-Control-Allow-Origin"), "http://127.0.0.1:5173");
    // Normalized: lower case, default port and trailing slash dropped, as browsers send it.
    auto app = Preflight(server->port(), "/api/event", "https://app.example.com", "GET");
    EXPECT_EQ(app.status, 204) << Describe(app);
    EXPECT_EQ(app.Header("Access-Control-Allow-Origin"), "https://app.example.com");
    auto old_default = Preflight(server->port(), "/api/event", kDefaultOrigin, "GET");
    EXPECT_EQ(old_default.status, 403) << Describe(old_default);
    EXPECT_EQ(CorsHeaders(old_default), std::vector<std::string>{});
}

TEST(CorsConfigTest, AnEmptyListTurnsCorsOff) {
    auto options = DemoServerOptions();
    options.extra_args = {"--cors-allowed-origins", ""};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    auto preflight = Preflight(server->port(), "/api/event", kDefaultOrigin, "GET");
    EXPECT_TRUE(IsError(preflight, 405, "method_not_allowed")) << Describe(preflight);
    EXPECT_EQ(CorsHeaders(preflight), std::vector<std::string>{});
    auto health =
        ea::testing::Request(server->port(), "GET", "/healthz", {{"Origin", kDefaultOrigin}});
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(CorsHeaders(health), std::vector<std::string>{});
    EXPECT_FALSE(health.HasHeader("Vary"));
}

TEST(CorsConfigTest, AWildcardOriginIsRefusedAtStartup) {
    auto options = DemoServerOptions();
    auto result = ea::testing::RunCommand(
        options.binary,
        {"--schema", options.schema.string(), "--db", "sqlite:///nonexistent/never-opened.db",
         "--cors-allowed-origins", "http://localhost:4200,*", "serve"});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("--cors-allowed-origins: origin '*' is not allowed"),
              std::string::npos)
        << result.err;
}

// ---------------------------------------------------------------------------------------------
// Metrics label values come from closed sets.

class BoundedMetricsTest : public ServerSuite {
protected:
    static std::string Metrics() { return Anonymous().Get("/metrics").body; }
    static std::size_t Lines(const std::string& text) {
        return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }
    // One round of made-up methods and paths, `tag` making each one new.
    static void Flood(const std::string& tag) {
        const auto auth = Headers{{"Authorization", "Bearer " + admin_token()}};
        EXPECT_EQ(ea::testing::Request(port(), "BREW" + tag, "/api/event", auth).status, 405);
        EXPECT_EQ(ea::testing::Request(port(), "GET", "/made/up/" + tag, auth).status, 404);
        EXPECT_EQ(ea::testing::Request(port(), "X-" + tag, "/made/up/" + tag, auth).status, 404);
        EXPECT_EQ(ea::testing::Request(port(), "get", "/api/" + tag + "/x/y/z", auth).status, 404);
    }
};

TEST_F(BoundedMetricsTest, MadeUpMethodsAndPathsDoNotGrowMetrics) {
    Flood("warmup");
    // Latency is recorded after the write: wait until the warm-up's series are all there.
    ASSERT_TRUE(WaitFor([] {
        const auto text = Metrics();
        return text.find(
                   "events_api_http_request_duration_seconds_count{route=\"(unmatched)\","
                   "method=\"OTHER\"} ") != std::string::npos &&
               text.find(
                   "events_api_http_request_duration_seconds_count{route=\"(unmatched)\","
                   "method=\"GET\"} ") != std::string::npos &&
               text.find(
                   "events_api_http_request_duration_seconds_count{route=\"/metrics\","
                   "method=\"GET\"} ") != std::string::npos;
    }));
    const std::string before = Metrics();
    for (int i = 0; i < 50; ++i) {
        Flood(std::to_string(i));
    }
    const std::string after = Metrics();
    EXPECT_EQ(Lines(after), Lines(before)) << after;
    EXPECT_EQ(after.find("BREW"), std::string::npos);
    EXPECT_EQ(after.find("made/up"), std::string::npos);
    // They were counted, under the closed labels.
    const std::regex other(R"re(events_api_http_requests_total\{route="\(unmatched\)",)re"
                           R"re(method="OTHER",status="404"\} (\d+))re");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(after, match, other)) << after;
    EXPECT_GE(std::stol(match[1]), 51);
}

TEST_F(BoundedMetricsTest, TheCounterIsUpdatedBeforeTheResponseIsSent) {
    // No waiting: by the time a client has a response, /metrics counts it.
    const std::string route =
        "events_api_http_requests_total{route=\"/api/{entity}\","
        "method=\"GET\",status=\"401\"} ";
    auto value = [&](const std::string& text) {
        const auto at = text.find(route);
        return at == std::string::npos ? 0L : std::stol(text.substr(at + route.size()));
    };
    for (int i = 0; i < 20; ++i) {
        const long before = value(Metrics());
        ASSERT_EQ(Anonymous().Get("/api/event").status, 401);
        ASSERT_EQ(value(Metrics()), before + 1) << "round " << i;
    }
}

// ---------------------------------------------------------------------------------------------
// The cap on open connections.

TEST(MaxConnectionsTest, PastTheCapNewConnectionsGet503AndAreServedAgainOnceOthersClose) {
    auto options = DemoServerOptions();
    options.extra_args = {"--max-connections", "3"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const auto port = server->port();
    const std::string keep_alive = FormatRequest("GET", "/healthz", {}, "", true);

    // Three kept-alive connections fill the cap. The server may still be closing the start-up
    // probe's connection, so a 503 here is retried until the deadline.
    std::vector<std::unique_ptr<HttpConnection>> held;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(WaitFor([&] {
            auto connection = std::make_unique<HttpConnection>(port);
            if (!connection->Send(keep_alive) || connection->Read().status != 200) {
                return false;
            }
            held.push_back(std::move(connection));
            return true;
        })) << "connection "
            << i;
    }

    HttpConnection fourth(port);
    ASSERT_TRUE(fourth.connected());  // accepted, then refused with an answer
    ASSERT_TRUE(fourth.Send(keep_alive));
    auto refused = fourth.Read();
    EXPECT_TRUE(IsError(refused, 503, "unavailable", "limit of 3 open connections"))
        << Describe(refused);
    EXPECT_EQ(refused.Header("Connection"), "close");
    EXPECT_EQ(refused.Header("Retry-After"), "1");
    EXPECT_TRUE(fourth.WaitForClose(std::chrono::seconds(5)));
    // The held connections still work.
    ASSERT_TRUE(held[0]->Send(keep_alive));
    EXPECT_EQ(held[0]->Read().status, 200);

    // One closes: a new connection is served again (once the server has seen the close).
    held.pop_back();
    EXPECT_TRUE(
        WaitFor([&] { return ea::testing::Request(port, "GET", "/healthz").status == 200; }));
    held.clear();
    // The refusals are counted like any response.
    auto metrics = ea::testing::Request(port, "GET", "/metrics");
    EXPECT_NE(metrics.body.find("events_api_http_requests_total{route=\"(connection limit)\","
                                "method=\"OTHER\",status=\"503\"} "),
              std::string::npos)
        << metrics.body;
}

// ---------------------------------------------------------------------------------------------
// trust_proxy: where the client address comes from.

// Logs in with a new username each time (the per-user limit never applies) and `forwarded` as
// X-Forwarded-For (none when empty); true when the answer was 429 with Retry-After.
std::atomic<int> g_logins{0};  // attempts LoginIsLimited made, for matching the access log

std::size_t Occurrences(const std::string& text, std::string_view what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++count;
    }
    return count;
}

bool LoginIsLimited(std::uint16_t port, int attempt, const std::string& forwarded) {
    ++g_logins;
    Headers headers = {{"Content-Type", "application/json"}};
    if (!forwarded.empty()) {
        headers.emplace_back("X-Forwarded-For", forwarded);
    }
    const json::object body{{"username", "spray" + std::to_string(attempt)}, {"password", "guess"}};
    auto response =
        ea::testing::Request(port, "POST", "/user/auth/login", headers, json::serialize(body));
    EXPECT_TRUE(response.status == 401 || response.status == 429) << Describe(response);
    return response.status == 429 && !response.Header("Retry-After").empty();
}

// Logins from `forwarded(i)` on 4 threads until one is limited or `attempts` are made; how many
// were made before the first 429 (attempts when none was limited).
int AttemptsUntilLimited(std::uint16_t port, int attempts,
                         const std::function<std::string(int)>& forwarded) {
    std::atomic<int> next{0};
    std::atomic<int> first_limited{attempts};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = next++; i < attempts && first_limited == attempts; i = next++) {
                if (LoginIsLimited(port, i, forwarded(i))) {
                    int expected = attempts;
                    first_limited.compare_exchange_strong(expected, i);
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    return first_limited.load();
}

std::string NthAddress(int i) {
    return "203.0.113." + std::to_string(i % 250 + 1);
}

// Sequential logins from `forwarded` until one is limited: how many it took (max + 1 if none).
// Right after a limit is reached the bucket refills one attempt per second, so this is 1-3.
int LoginsUntilLimited(std::uint16_t port, int first_attempt, const std::string& forwarded,
                       int max = 5) {
    for (int i = 1; i <= max; ++i) {
        if (LoginIsLimited(port, first_attempt + i, forwarded)) {
            return i;
        }
    }
    return max + 1;
}

TEST(TrustProxyTest, WithoutTrustProxyAForgedForwardedForDoesNotEscapeTheAddressLimit) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    g_logins = 0;
    // A new forged address on every attempt: the limit (a burst of 60 per address) still applies,
    // because the address is the socket's.
    const int made = AttemptsUntilLimited(server->port(), 150, NthAddress);
    EXPECT_LT(made, 150) << "never limited: X-Forwarded-For was trusted";
    EXPECT_GE(made, 55) << "limited far too early";
    // Yet another made-up address does not help either.
    EXPECT_LE(LoginsUntilLimited(server->port(), 1000, "192.0.2.200"), 3);
    // The access log shows the socket's address on every line, never a forged one. (Lines are
    // written after their responses: wait until every login has its line.)
    std::string log;
    EXPECT_TRUE(WaitFor([&] {
        log = server->StdoutText();
        return Occurrences(log, "\"msg\":\"request\"") >= static_cast<std::size_t>(g_logins.load());
    }));
    EXPECT_EQ(Occurrences(log, "\"remote\":\"127.0.0.1\""),
              Occurrences(log, "\"msg\":\"request\""));
    EXPECT_EQ(log.find("203.0.113."), std::string::npos);
    EXPECT_EQ(log.find("192.0.2.200"), std::string::npos);
}

TEST(TrustProxyTest, WithTrustProxyTheLimitFollowsTheRightMostForwardedAddress) {
    auto options = DemoServerOptions();
    options.env["EVENTS_API_TRUST_PROXY"] = "true";
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    // One client (as our proxy says, in the right-most entry), whatever it puts in front of it:
    // limited like one address.
    const int made = AttemptsUntilLimited(server->port(), 150,
                                          [](int i) { return NthAddress(i) + ", 198.51.100.7"; });
    EXPECT_LT(made, 150);
    EXPECT_GE(made, 55);
    EXPECT_LE(LoginsUntilLimited(server->port(), 1000, "6.6.6.6, 198.51.100.7"), 3);
    // Another client behind the same proxy (same socket address) is not: its own bucket is full.
    EXPECT_FALSE(LoginIsLimited(server->port(), 2000, "198.51.100.8"));
    EXPECT_FALSE(LoginIsLimited(server->port(), 2001, "198.51.100.7, 198.51.100.9"));
    // The access log line is written after the response: wait for the last one.
    std::string log;
    EXPECT_TRUE(WaitFor([&] {
        log = server->StdoutText();
        return log.find("\"remote\":\"198.51.100.9\"") != std::string::npos;
    }));
    EXPECT_NE(log.find("\"remote\":\"198.51.100.7\""), std::string::npos);
    EXPECT_NE(log.find("\"remote\":\"198.51.100.8\""), std::string::npos);
    EXPECT_EQ(log.find("\"remote\":\"203.0.113."), std::string::npos);
}

TEST(TrustProxyTest, WithTrustProxyTheLastOfSeveralHeadersCounts) {
    auto options = DemoServerOptions();
    options.extra_args = {"--trust-proxy", "true"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    // The client sent its own header first; the proxy added its own after it.
    auto response = SendRaw(server->port(),
                            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: two-headers\r\n"
                            "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 192.0.2.44\r\n"
                            "Connection: close\r\n\r\n");
    ASSERT_EQ(response.status, 200);
    // A right-most entry that is not an address leaves the socket's address.
    auto garbage = SendRaw(server->port(),
                           "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: not-an-address\r\n"
                           "X-Forwarded-For: 192.0.2.45, <script>\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(garbage.status, 200);
    std::string log;
    ASSERT_TRUE(WaitFor([&] {
        log = server->StdoutText();
        return log.find("\"request_id\":\"not-an-address\"") != std::string::npos &&
               log.find("\"request_id\":\"two-headers\"") != std::string::npos;
    }));
    const std::regex two(R"re("request_id":"two-headers"[^\n]*"remote":"192\.0\.2\.44")re");
    EXPECT_TRUE(std::regex_search(log, two)) << log;
    const std::regex kept(R"re("request_id":"not-an-address"[^\n]*"remote":"127\.0\.0\.1")re");
    EXPECT_TRUE(std::regex_search(log, kept)) << log;
    EXPECT_EQ(log.find("6.6.6.6"), std::string::npos);
}

// The access log line, written without a JSON object: one JSON object per request with every
// field and its type, for a routed authenticated request and for an unmatched one.
TEST(AccessLogTest, EachRequestIsOneJsonLineWithEveryField) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    auto got = SendRaw(server->port(),
                       "GET /api/user/usr_demo_1 HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " +
                           token +
                           "\r\n"
                           "X-Request-Id: log-line-get\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(got.status, 200);
    auto unmatched = SendRaw(server->port(),
                             "GET /nowhere HTTP/1.1\r\nHost: x\r\n"
                             "X-Request-Id: log-line-404\r\n"
                             "Connection: close\r\n\r\n");
    ASSERT_EQ(unmatched.status, 404);
    std::map<std::string, json::object> lines;
    ASSERT_TRUE(WaitFor([&] {
        std::istringstream log(server->StdoutText());
        for (std::string line; std::getline(log, line);) {
            if (line.find("\"msg\":\"request\"") == std::string::npos) {
                continue;
            }
            const auto parsed = json::parse(line).as_object();  // the whole line is one object
            lines[std::string(parsed.at("request_id").as_string())] = parsed;
        }
        return lines.count("log-line-get") == 1 && lines.count("log-line-404") == 1;
    }));
    const auto& get = lines["log-line-get"];
    EXPECT_TRUE(get.at("ts").is_int64());
    EXPECT_GT(get.at("ts").as_int64(), 1'700'000'000'000);
    EXPECT_EQ(get.at("level").as_string(), "info");
    EXPECT_EQ(get.at("method").as_string(), "GET");
    EXPECT_EQ(get.at("route").as_string(), "/api/{entity}/{id}");
    EXPECT_EQ(get.at("status").as_int64(), 200);
    EXPECT_TRUE(get.at("duration_ms").is_double());
    EXPECT_GE(get.at("duration_ms").as_double(), 0.0);
    EXPECT_EQ(get.at("remote").as_string(), "127.0.0.1");
    EXPECT_FALSE(get.at("principal").as_string().empty());
    EXPECT_FALSE(get.contains("detail"));
    EXPECT_EQ(get.size(), 10u) << json::serialize(get);
    const auto& missing = lines["log-line-404"];
    EXPECT_EQ(missing.at("route").as_string(), "(unmatched)");
    EXPECT_EQ(missing.at("status").as_int64(), 404);
    EXPECT_EQ(missing.at("principal").as_string(), "");
}

}  // namespace
}  // namespace ea::integration
