// Hostile input over raw sockets: dot-dot paths, invalid UTF-8, injection-looking filter values
// and field names, header tricks, slow and half-open clients; and graceful shutdown on SIGTERM.
// Each asserts a clear error (or a harmless answer) and that the data is unchanged afterwards.
#include <atomic>
#include <thread>

#include <signal.h>
#include <sqlite3.h>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::FormatRequest;
using ea::testing::HttpConnection;
using ea::testing::SendRaw;
using ea::testing::UrlEncode;
using Clock = std::chrono::steady_clock;

class HostileTest : public ServerSuite {
protected:
    static std::string Raw(std::string_view method, std::string_view target,
                           const Headers& headers = {}, std::string_view body = {}) {
        Headers all = headers;
        all.emplace_back("Authorization", "Bearer " + admin_token());
        return FormatRequest(method, target, all, body);
    }

    // Sends `bytes` on a new connection and reads one response; `closed` tells whether the server
    // then closed the connection (within 5 s).
    struct Exchange {
        HttpResponse response;
        bool closed = false;
    };
    static Exchange SendOnce(std::string_view bytes) {
        HttpConnection connection(port());
        EXPECT_TRUE(connection.Send(bytes));
        Exchange out;
        out.response = connection.Read();
        out.closed = connection.WaitForClose(std::chrono::seconds(5));
        return out;
    }

    // A 400 bad_request for malformed HTTP: `detail` is the parser's word for what was wrong.
    static ::testing::AssertionResult IsMalformed(const Exchange& exchange,
                                                  std::string_view detail) {
        auto result = IsError(exchange.response, 400, "bad_request",
                              "malformed HTTP request: " + std::string(detail));
        if (!result) {
            return result;
        }
        if (exchange.response.Header("Connection") != "close" || !exchange.closed) {
            return ::testing::AssertionFailure() << "the server did not close after the 400";
        }
        return ::testing::AssertionSuccess();
    }

    static std::int64_t EventTotal() {
        auto response = Admin().Get("/api/event?pageSize=1");
        EXPECT_TRUE(IsListEnvelope(response));
        return response.Json().at("pagination").at("total").as_int64();
    }
};

TEST_F(HostileTest, DotDotPathsAre400) {
    for (const char* target :
         {"/api/%2e%2e/etc/passwd", "/api/event/%2E%2E", "/api/event/..", "/api/./event",
          "/%2e%2e/%2e%2e/etc/passwd", "/api/event/%2e%2e%2fuser", "/api/event/.%2e"}) {
        auto response = SendRaw(port(), Raw("GET", target));
        EXPECT_TRUE(IsError(response, 400)) << target;
    }
}

TEST_F(HostileTest, InvalidUtf8Is400) {
    EXPECT_TRUE(
        IsError(Admin().Get("/api/event?filter=title:%ff%fe"), 400, "invalid_argument", "UTF-8"));
    EXPECT_TRUE(IsError(Admin().Get("/api/event?filter=title:%c3%28"), 400, "", "UTF-8"));
    EXPECT_TRUE(IsError(Admin().Get("/api/event?sort=%ed%a0%80"), 400));  // a UTF-16 surrogate
    EXPECT_TRUE(IsError(Admin().Get("/api/event/%ff"), 400));
    // Valid UTF-8 is fine.
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/event?filter=title:caf%c3%a9")));
}

TEST_F(HostileTest, InjectionLookingFilterValuesMatchNothingAndChangeNothing) {
    const auto before = EventTotal();
    for (const char* value : {"\"'; DROP TABLE Event; --\"", "1 OR 1=1", "x\") OR (\"1\"=\"1",
                              "%' OR '%'='", "\"\\\"; DELETE FROM Event; --\""}) {
        auto response =
            Admin().Get("/api/event?filter=" + UrlEncode(std::string("title:") + value));
        EXPECT_TRUE(IsListEnvelope(response)) << value;
        EXPECT_TRUE(RowsOf(response).empty()) << value << ": " << IdsOf(response).size();
    }
    auto numeric = Admin().Get("/api/event?filter=" + UrlEncode("cost:1 OR 1=1"));
    EXPECT_TRUE(IsError(numeric, 400, "invalid_argument"));
    EXPECT_EQ(EventTotal(), before);
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1")));
}

// An apostrophe inside a value ("O'Brien", or the classic `'; DROP TABLE Event; --`) is a
// literal: quotes are special only around a whole value.
TEST_F(HostileTest, ApostropheInsideAFilterValueIsLiteral) {
    const auto before = EventTotal();
    auto classic = Admin().Get("/api/event?filter=" + UrlEncode("title:'; DROP TABLE Event; --"));
    EXPECT_TRUE(IsListEnvelope(classic)) << Describe(classic);
    EXPECT_TRUE(RowsOf(classic).empty());
    auto escaped =
        Admin().Get("/api/event?filter=" + UrlEncode("title:\\'; DELETE FROM Event; --"));
    EXPECT_TRUE(IsListEnvelope(escaped)) << Describe(escaped);
    EXPECT_TRUE(RowsOf(escaped).empty());
    auto name = Admin().Get("/api/user?filter=" + UrlEncode("lastName:O'Brien"));
    EXPECT_TRUE(IsListEnvelope(name)) << Describe(name);
    EXPECT_EQ(EventTotal(), before);
}

TEST_F(HostileTest, InjectionLookingFieldNamesAre400) {
    for (const char* filter : {"title;DROP TABLE Event:1", "\"title\" OR 1=1 --:x",
                               "title) OR (1=1:x", "Event.title:x", "1=1:1", "title/**/:x"}) {
        auto response = Admin().Get("/api/event?filter=" + UrlEncode(filter));
        EXPECT_TRUE(IsError(response, 400, "invalid_argument")) << filter;
    }
    for (const char* sort :
         {"title;DROP TABLE Event", "title desc", "(SELECT 1)", "title:asc;--"}) {
        auto response = Admin().Get("/api/event?sort=" + UrlEncode(sort));
        EXPECT_TRUE(IsError(response, 400, "invalid_argument")) << sort;
    }
    auto json_field = Admin().Get("/api/event?filter=" + UrlEncode(R"({"title\" OR 1=1 --":"x"})"));
    EXPECT_TRUE(IsError(json_field, 400, "invalid_argument"));
    auto view = Admin().Get("/api/user?view=" + UrlEncode("account(id);DROP TABLE User"));
    EXPECT_TRUE(IsError(view, 400, "invalid_argument"));
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/event?pageSize=1")));
}

TEST_F(HostileTest, HeaderInjectionDoesNotSplitTheResponse) {
    // An encoded CR LF in the path must not turn into a response header.
    auto encoded = SendOnce(Raw("GET", "/api/event%0d%0aSet-Cookie:%20evil=1"));
    EXPECT_TRUE(IsError(encoded.response, 400, "invalid_path", "control characters"))
        << Describe(encoded.response);
    EXPECT_FALSE(encoded.response.HasHeader("Set-Cookie"));
    EXPECT_TRUE(encoded.closed);
    // A bare CR inside a header value is malformed HTTP: 400, then the server closes.
    auto bare_cr =
        SendOnce("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\rSet-Cookie: evil=1\r\n\r\n");
    EXPECT_TRUE(IsMalformed(bare_cr, "bad line ending")) << Describe(bare_cr.response);
    EXPECT_FALSE(bare_cr.response.HasHeader("Set-Cookie"));
    // Obsolete line folding: RFC 9112 allows rejecting it or joining it into one value; the
    // parser joins it, so the continuation is part of X-A and never a header of its own.
    auto folded = SendOnce(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: one\r\n"
        " Set-Cookie: evil=1\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(folded.response.status, 200) << Describe(folded.response);
    EXPECT_EQ(folded.response.body, R"({"status":"ok"})");
    EXPECT_FALSE(folded.response.HasHeader("Set-Cookie"));
    // A header line without a colon.
    auto no_colon = SendOnce("GET /healthz HTTP/1.1\r\nHost: x\r\nnocolonhere\r\n\r\n");
    EXPECT_TRUE(IsMalformed(no_colon, "bad field")) << Describe(no_colon.response);
    // A client-chosen request id must not carry anything into our headers.
    auto request_id = SendRaw(port(),
                              "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: "
                              "abc%0d%0aSet-Cookie:evil\r\nConnection: close\r\n\r\n");
    ASSERT_EQ(request_id.status, 200) << Describe(request_id);
    EXPECT_FALSE(request_id.HasHeader("Set-Cookie"));
    EXPECT_EQ(request_id.Header("X-Request-Id").size(), 26u);  // ours, not the client's
}

TEST_F(HostileTest, ConflictingOrBadFramingIs400) {
    const auto before = Admin().Get("/api/account?pageSize=1").Json().at("pagination").at("total");
    auto bad_length = SendOnce(
        "POST /api/account HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "abc\r\nContent-Type: application/json\r\n\r\n{}");
    EXPECT_TRUE(IsMalformed(bad_length, "bad Content-Length")) << Describe(bad_length.response);
    // Both framings at once is the classic request-smuggling shape.
    auto both = SendOnce(
        "POST /api/account HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n");
    EXPECT_TRUE(IsMalformed(both, "bad Transfer-Encoding")) << Describe(both.response);
    // A TLS ClientHello on the plain port.
    auto garbage = SendOnce("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n");
    EXPECT_TRUE(IsMalformed(garbage, "bad method")) << Describe(garbage.response);
    // Headers over the 16 KiB limit: 431 naming the limit, then close.
    auto big = SendOnce(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    EXPECT_TRUE(
        IsError(big.response, 431, "header_too_large", "request headers exceed 16384 bytes"))
        << Describe(big.response);
    EXPECT_EQ(big.response.Header("Connection"), "close");
    EXPECT_TRUE(big.closed);
    // Nothing was created, and the server carries on.
    EXPECT_EQ(Admin().Get("/api/account?pageSize=1").Json().at("pagination").at("total"), before);
    EXPECT_EQ(Anonymous().Get("/healthz").status, 200);
}

TEST_F(HostileTest, OversizedBodyDeclaredUpFrontIs413WithoutReadingIt) {
    auto response =
        SendRaw(port(), Raw("POST", "/api/event",
                            {{"Content-Type", "application/json"}, {"Content-Length", "50000000"}},
                            "{\"title\":"));
    EXPECT_TRUE(IsError(response, 413)) << Describe(response);
}

TEST_F(HostileTest, SlowClientDoesNotBlockOthers) {
    // Several connections each send half a request and stall.
    std::vector<std::unique_ptr<HttpConnection>> stalled;
    for (int i = 0; i < 8; ++i) {
        auto connection = std::make_unique<HttpConnection>(port());
        ASSERT_TRUE(connection->connected());
        ASSERT_TRUE(connection->Send("GET /api/event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor"));
        stalled.push_back(std::move(connection));
    }
    auto half_body = std::make_unique<HttpConnection>(port());
    ASSERT_TRUE(half_body->Send(
        Raw("POST", "/api/account",
            {{"Content-Type", "application/json"}, {"Content-Length", "100"}}, "{\"id\":")));
    const auto started = Clock::now();
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_" + std::to_string(i))));
    }
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(3));
}

TEST_F(HostileTest, HalfOpenClientGetsItsAnswerAndTheServerCarriesOn) {
    HttpConnection connection(port());
    ASSERT_TRUE(connection.Send(Raw("GET", "/api/event/evt_demo_2")));
    connection.ShutdownWrite();  // we will send nothing more
    auto response = connection.Read();
    EXPECT_TRUE(IsSuccess(response)) << Describe(response);
    EXPECT_TRUE(connection.WaitForClose(std::chrono::seconds(5)));

    HttpConnection truncated(port());
    ASSERT_TRUE(truncated.Send("GET /api/event HTTP/1.1\r\nHost: x\r\n"));
    truncated.ShutdownWrite();  // the request never completes
    EXPECT_TRUE(truncated.WaitForClose(std::chrono::seconds(5)));
    EXPECT_EQ(Anonymous().Get("/healthz").status, 200);
}

TEST_F(HostileTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    HttpConnection connection(port());
    const Headers auth = {{"Authorization", "Bearer " + admin_token()}};
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(connection.Send(
            FormatRequest("GET", "/api/event/evt_demo_" + std::to_string(i), auth, "", true)));
        auto response = connection.Read();
        ASSERT_TRUE(IsSuccess(response)) << i;
        EXPECT_EQ(Str(DataOf(response).at("id")), "evt_demo_" + std::to_string(i));
    }
    // Pipelined: two requests in one write, two answers in order.
    ASSERT_TRUE(connection.Send(FormatRequest("GET", "/api/event/evt_demo_7", auth, "", true) +
                                FormatRequest("GET", "/api/event/evt_demo_8", auth, "", true)));
    EXPECT_EQ(DataOf(connection.Read()).at("id"), "evt_demo_7");
    EXPECT_EQ(DataOf(connection.Read()).at("id"), "evt_demo_8");
}

TEST_F(HostileTest, UnknownMethodIsRefused) {
    // On a route: 405 with Allow, and the keep-alive connection goes on serving.
    HttpConnection connection(port());
    const Headers auth = {{"Authorization", "Bearer " + admin_token()}};
    ASSERT_TRUE(connection.Send(FormatRequest("BREW", "/api/event", auth, "", true)));
    auto brew = connection.Read();
    EXPECT_TRUE(IsError(brew, 405, "method_not_allowed",
                        "method BREW is not allowed on /api/event; allowed: GET, HEAD, POST"))
        << Describe(brew);
    EXPECT_EQ(brew.Header("Allow"), "GET, HEAD, POST");
    EXPECT_EQ(brew.Header("Connection"), "");
    ASSERT_TRUE(connection.Send(FormatRequest("GET", "/api/event/evt_demo_3", auth, "", true)));
    auto after = connection.Read();
    ASSERT_TRUE(IsSuccess(after)) << Describe(after);
    EXPECT_EQ(Str(DataOf(after).at("id")), "evt_demo_3");
    // Off any route: 404, like any unknown path.
    auto nowhere = SendRaw(port(), Raw("BREW", "/no/such/place"));
    EXPECT_TRUE(IsError(nowhere, 404, "not_found")) << Describe(nowhere);
}

TEST_F(HostileTest, InternalErrorsNeverLeakInternals) {
    // No route should answer with a stack, a SQL text or a file path, whatever the input.
    for (const char* target : {"/api/event?sort=title:desc,cost,dateTime,url,location,id",
                               "/api/event?filter=%7B%22%24or%22%3A%5B%5D%7D",
                               "/api/event?filter=%7B%22%24and%22%3A%5B%7B%7D%5D%7D",
                               "/api/event?pageSize=1000&page=1000000000"}) {
        auto response = Admin().Get(target);
        EXPECT_NE(response.status, 500) << target << ": " << Describe(response);
        EXPECT_EQ(response.body.find("SELECT"), std::string::npos) << target;
        EXPECT_EQ(response.body.find("sqlite"), std::string::npos) << target;
    }
}

TEST_F(HostileTest, StalledClientIsDisconnectedByTheRequestTimeout) {
    HttpConnection stalled(port());
    ASSERT_TRUE(stalled.Send("GET /api/event HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    // The server's request timeout is 10 s; it must hang up rather than hold the socket forever.
    EXPECT_TRUE(stalled.WaitForClose(std::chrono::seconds(20)));
    EXPECT_EQ(Anonymous().Get("/healthz").status, 200);
}

// SIGTERM under load: every request either gets a complete answer or is refused/closed before
// any byte of a response (never a cut response, never a 5xx); a request whose body was still
// arriving is dropped without a write; the process exits 0 and the database is intact.
TEST(ShutdownTest, SigtermUnderLoadExitsCleanlyWithNothingHalfDone) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    Api admin(server->port(), token);
    const std::string before_id = UniqueId("before_term");
    ASSERT_TRUE(IsSuccess(admin.Post("/api/account", json::object{{"id", before_id}}), 201));

    // A request still being sent when the signal arrives.
    const std::string partial_id = UniqueId("partial");
    const std::string body = json::serialize(json::object{{"id", partial_id}});
    HttpConnection partial(server->port());
    ASSERT_TRUE(partial.Send(FormatRequest("POST", "/api/account",
                                           {{"Authorization", "Bearer " + token},
                                            {"Content-Type", "application/json"},
                                            {"Content-Length", std::to_string(body.size())}},
                                           body.substr(0, 5))));

    // Load on a few threads: slow-ish reads (fuzzy search) and writes.
    std::atomic<bool> stop{false};
    std::atomic<int> complete{0}, refused{0}, cut{0}, server_errors{0}, written_count{0};
    std::vector<std::string> written_ids[3];
    std::vector<std::thread> load;
    for (int t = 0; t < 3; ++t) {
        load.emplace_back([&, t] {
            for (int i = 0; !stop; ++i) {
                HttpResponse response;
                std::string id;
                if (t == 2) {
                    id = UniqueId("load");
                    response = admin.Post("/api/account", json::object{{"id", id}});
                } else {
                    response = admin.Get("/api/event?pageSize=200&filter_matching=fuzzy&filter=" +
                                         UrlEncode("title:jaz nigt"));
                }
                if (response.status == 0) {
                    const bool was_cut = response.error.find("cut short") != std::string::npos ||
                                         response.error.find("bad status") != std::string::npos;
                    (was_cut ? cut : refused)++;
                    if (refused > 20) {
                        return;  // the server is gone
                    }
                    continue;
                }
                if (response.status >= 500) {
                    ++server_errors;
                } else if (response.Json().is_object()) {
                    ++complete;
                    if (response.status == 201) {
                        written_ids[t].push_back(id);
                        ++written_count;
                    }
                } else {
                    ++cut;
                }
            }
        });
    }
    // The signal arrives while the load is running: some reads and some writes have completed.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while ((complete < 4 || written_count < 2) && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GE(complete.load(), 4) << "the load never got going";  // (the threads must be joined)
    ::kill(server->pid(), SIGTERM);
    const int exit_code = server->Terminate(std::chrono::seconds(20));  // waits for the exit
    stop = true;
    for (auto& thread : load) {
        thread.join();
    }
    EXPECT_EQ(exit_code, 0) << server->StderrText();
    EXPECT_NE(server->StderrText().find("shutting down"), std::string::npos);
    EXPECT_GT(complete.load(), 0);
    EXPECT_EQ(cut.load(), 0) << "responses cut off mid-way";
    EXPECT_EQ(server_errors.load(), 0);
    partial.Send(body.substr(5));
    auto late = partial.Read(std::chrono::seconds(2));
    EXPECT_NE(late.status, 201) << "accepted after the server stopped: " << Describe(late);

    // The database is consistent and holds everything acknowledged, and nothing else.
    auto scalar = [&](const std::string& sql) { return StoreValue(*server, sql); };
    if (!OnPostgres()) {  // the file's own checks (PostgreSQL enforces its constraints itself)
        EXPECT_EQ(scalar("PRAGMA integrity_check"), "ok");
        EXPECT_EQ(scalar("PRAGMA foreign_key_check"), "");
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM \"Account\" WHERE id = '" + before_id + "'"), "1");
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM \"Account\" WHERE id = '" + partial_id + "'"), "0");
    for (const auto& id : written_ids[2]) {
        EXPECT_EQ(scalar("SELECT COUNT(*) FROM \"Account\" WHERE id = '" + id + "'"), "1") << id;
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM \"Event\""), "1000");
}

TEST(ShutdownTest, SigtermWhenIdleExitsZeroAndRestartsOnTheSameData) {
    auto options = DemoServerOptions();
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    const std::string id = UniqueId("survivor");
    ASSERT_TRUE(
        IsSuccess(Api(server->port(), token).Post("/api/account", json::object{{"id", id}}), 201));
    const auto old_port = server->port();
    EXPECT_EQ(server->Terminate(), 0) << server->StderrText();
    // After exit, the port no longer answers.
    EXPECT_FALSE(HttpConnection(old_port).connected());

    // A new server on a copy of the same file sees what the old one acknowledged.
    UseDataOf(*server, options);
    auto restarted = StartServer(options);
    ASSERT_TRUE(restarted);
    Api admin(restarted->port(), LoginToken(restarted->port(), "admin", kAdminPassword));
    auto survivor = admin.Get("/api/account/" + id);
    EXPECT_TRUE(IsSuccess(survivor)) << Describe(survivor);
}

}  // namespace
}  // namespace ea::integration
