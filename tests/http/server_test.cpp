// The server over real loopback sockets: each test sends raw bytes and checks what comes back.
#include "http/server.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "http/metrics.hpp"
#include "http/raw_client.hpp"
#include "http/router.hpp"

namespace ea::http {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::RoundTrip;

constexpr auto kSlowHandler = 300ms;  // the handler's work, not a synchronisation

// Polls `condition` until it holds or `timeout` passes; whether it held.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        AddRoute(Method::kGet, "/hello", [](const Request&, const RouteMatch&) {
            return MakeResponse(200, "hello", "text/plain");
        });
        AddRoute(Method::kGet, "/items/{id}", [](const Request&, const RouteMatch& match) {
            return MakeResponse(200, "item " + std::string(match.Param("id")), "text/plain");
        });
        AddRoute(Method::kPost, "/echo", [this](const Request& request, const RouteMatch&) {
            ++echo_calls_;
            return MakeResponse(200, request.body, "application/octet-stream");
        });
        AddRoute(Method::kGet, "/slow", [this](const Request&, const RouteMatch&) {
            slow_started_.set_value();
            std::this_thread::sleep_for(kSlowHandler);
            return MakeResponse(200, "slow done", "text/plain");
        });
        AddRoute(Method::kGet, "/throw", [](const Request&, const RouteMatch&) -> Response {
            throw std::runtime_error("secret internals");
        });
        AddRoute(Method::kGet, "/inject", [](const Request&, const RouteMatch&) {
            Response response = MakeResponse(302, "", "text/plain");
            response.headers.Add("Location", "/x\r\nSet-Cookie: pwned=1");
            return response;
        });
        AddRoute(Method::kGet, "/whoami", [](const Request& request, const RouteMatch&) {
            return MakeResponse(200, request.request_id + " " + request.remote_address,
                                "text/plain");
        });
        AddRoute(Method::kGet, "/inspect", [](const Request& request, const RouteMatch&) {
            return MakeResponse(200,
                                request.path + "|" + request.query + "|" +
                                    std::string(request.Cookie("sessionId").value_or("-")),
                                "text/plain");
        });
        AddRoute(Method::kGet, "/stream", [](const Request&, const RouteMatch&) {
            Response response = MakeResponse(200, "", "text/event-stream");
            auto count = std::make_shared<int>(0);
            response.stream = [count]() -> std::optional<std::string> {
                if (*count == 3) {
                    return std::nullopt;
                }
                return "data: " + std::to_string((*count)++) + "\n\n";
            };
            return response;
        });
    }

    // Event streams: /events hands its stream to the test (latest_stream()).
    void AddEventRoute() {
        AddRoute(Method::kGet, "/events", [this](const Request&, const RouteMatch&) {
            Response response;
            response.event_stream = [this](std::shared_ptr<EventStream> stream) {
                stream->Send(SseEvent("hello", "first"));
                std::lock_guard lock(stream_mutex_);
                stream_ = std::move(stream);
            };
            return response;
        });
    }
    std::shared_ptr<EventStream> latest_stream() {
        std::lock_guard lock(stream_mutex_);
        return stream_;
    }

    // The server's threads use the members below; stop it before they are destroyed.
    void TearDown() override {
        if (server_) {
            server_->Stop();
        }
    }

    void AddRoute(Method method, std::string_view pattern, RouteHandler handler) {
        ASSERT_TRUE(router_.Add(method, pattern, std::move(handler)));
    }

    // Starts the server with short timeouts so the timeout tests run fast.
    void Start(ServerOptions options = {}) {
        options.host = "127.0.0.1";
        options.port = 0;
        options.threads = 2;
        ServerHooks hooks;
        hooks.on_response_ready = [this](const Request& request, const Response& response) {
            ready_metrics_.CountRequest(response.route, request.method_text, response.status);
        };
        hooks.on_request_complete = [this](const Request& request, const Response& response,
                                           std::chrono::nanoseconds duration) {
            metrics_.RecordRequest(response.route, request.method_text, response.status, duration);
            std::lock_guard lock(observed_mutex_);
            observed_statuses_.push_back(response.status);
        };
        hooks.on_handler_exception = [this](const Request&, std::string_view what) {
            std::lock_guard lock(observed_mutex_);
            exceptions_.emplace_back(what);
        };
        server_ = std::make_unique<Server>(options, router_.AsHandler(), hooks);
        auto started = server_->Start();
        ASSERT_TRUE(started) << started.error().message;
        ASSERT_NE(server_->port(), 0);
    }

    std::uint16_t port() const { return server_->port(); }

    Router router_;
    Metrics metrics_;
    Metrics ready_metrics_;  // fed by on_response_ready
    std::unique_ptr<Server> server_;
    std::atomic<int> echo_calls_{0};
    std::promise<void> slow_started_;
    std::mutex observed_mutex_;
    std::vector<int> observed_statuses_;
    std::vector<std::string> exceptions_;
    std::mutex stream_mutex_;
    std::shared_ptr<EventStream> stream_;
};

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.connected());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(
            connection.Send("GET /items/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto response = connection.Read();
        ASSERT_TRUE(response) << "request " << i;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, "item " + std::to_string(i));
        EXPECT_EQ(response->Header("Content-Length"), std::to_string(response->body.size()));
        EXPECT_EQ(response->Header("Content-Type"), "text/plain");
        EXPECT_FALSE(response->HasHeader("Connection"));
    }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(
        connection.Send("GET /items/a HTTP/1.1\r\nHost: x\r\n\r\n"
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        "GET /items/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto first = connection.Read();
    auto second = connection.Read();
    auto third = connection.Read();
    ASSERT_TRUE(first && second && third);
    EXPECT_EQ(first->body, "item a");
    EXPECT_EQ(second->body, "hello");
    EXPECT_EQ(third->body, "item b");
    EXPECT_EQ(third->Header("Connection"), "close");
    EXPECT_TRUE(connection.WaitForClose(2s));
}

TEST_F(ServerTest, HeadIsServedLikeGetWithoutABody) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto head = connection.Read(5s, /*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("Content-Length"), "5");
    // The next response must start right away: no stray body bytes in between.
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto get = connection.Read();
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    EXPECT_EQ(get->body, "hello");
}

TEST_F(ServerTest, RoutesOverTheWire404And405WithAllow) {
    Start();
    auto trailing = RoundTrip(port(), "GET /items/42/ HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(trailing);
    EXPECT_EQ(trailing->body, "item 42");

    auto missing = RoundTrip(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->Header("Content-Type"), "application/json");
    EXPECT_EQ(missing->body, R"({"data":null,"notifications":{"errors":[{"code":"not_found",)"
                             R"("message":"no route for /nope"}]},"status":"error"})");

    auto wrong_method = RoundTrip(port(), "DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(wrong_method);
    EXPECT_EQ(wrong_method->status, 405);
    EXPECT_EQ(wrong_method->Header("Allow"), "GET, HEAD");
}

TEST_F(ServerTest, DecodedPathRawQueryAndCookieReachTheHandler) {
    Start();
    auto response = RoundTrip(port(),
                              "GET /insp%65ct?filter=a%3Ab&x=1 HTTP/1.1\r\nHost: x\r\n"
                              "Cookie: theme=dark; sessionId=\"tok123\"\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "/inspect|filter=a%3Ab&x=1|tok123");
}

TEST_F(ServerTest, OversizedBodyIs413AndTheHandlerNeverRuns) {
    ServerOptions options;
    options.max_body_bytes = 1024;
    Start(options);

    RawConnection declared(port());
    ASSERT_TRUE(declared.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" +
                              std::string(2000, 'a')));
    auto response = declared.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_NE(response->body.find(R"("code":"payload_too_large")"), std::string::npos);
    EXPECT_NE(response->body.find(R"("status":"error")"), std::string::npos);
    EXPECT_TRUE(declared.WaitForClose(2s));

    // Chunked bodies are counted as they arrive.
    RawConnection chunked(port());
    std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) {
        request += "200\r\n" + std::string(0x200, 'b') + "\r\n";
    }
    request += "0\r\n\r\n";
    ASSERT_TRUE(chunked.Send(request));
    auto chunked_response = chunked.Read();
    ASSERT_TRUE(chunked_response);
    EXPECT_EQ(chunked_response->status, 413);
    EXPECT_EQ(echo_calls_.load(), 0);

    // A body within the limit still works, chunked too.
    auto small = RoundTrip(port(),
                           "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    ASSERT_TRUE(small);
    EXPECT_EQ(small->body, "abcde");
    EXPECT_EQ(echo_calls_.load(), 1);
}

TEST_F(ServerTest, HugeHeadersAre431) {
    ServerOptions options;
    options.max_header_bytes = 2048;
    Start(options);
    auto response = RoundTrip(
        port(), "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_NE(response->body.find("header_too_large"), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestsAre400ThenClose) {
    Start();
    for (const char* bad :
         {"GARBAGE\r\n\r\n", "GET /hello HTTP/9.9\r\n\r\n",
          "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n", "GET  HTTP/1.1\r\nHost: x\r\n\r\n"}) {
        RawConnection connection(port());
        ASSERT_TRUE(connection.Send(bad));
        auto response = connection.Read();
        ASSERT_TRUE(response) << bad;
        EXPECT_EQ(response->status, 400) << bad;
        EXPECT_EQ(response->Header("Connection"), "close") << bad;
        EXPECT_FALSE(response->Header("X-Request-Id").empty());
        EXPECT_TRUE(connection.WaitForClose(2s)) << bad;
    }
}

TEST_F(ServerTest, HostilePathsAre400BeforeAnyHandler) {
    Start();
    for (const char* target : {"/../etc/passwd", "/items/%2e%2e", "/items/%2E%2E/x", "/items/a%00b",
                               "/items/%ff", "/items/%C3%28", "/items/a%2Fb", "/items/\xC3\xA9"}) {
        auto response =
            RoundTrip(port(), "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 400) << target;
        EXPECT_NE(response->body.find(R"("code":"invalid_path")"), std::string::npos) << target;
    }
}

TEST_F(ServerTest, HeaderInjectionFromAHandlerCannotSplitTheResponse) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /inject HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto response = connection.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
    EXPECT_FALSE(response->HasHeader("Set-Cookie"));
    EXPECT_FALSE(response->HasHeader("Location"));
    EXPECT_EQ(response->raw_head.find("pwned"), std::string::npos);
    // The connection is still in sync: the next response parses normally.
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto next = connection.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "hello");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutInternalsAndConnectionKeepsServing) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /throw HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-1\r\n\r\n"));
    auto response = connection.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
    EXPECT_EQ(response->body.find("secret"), std::string::npos);
    EXPECT_NE(response->body.find("req-1"), std::string::npos);
    {
        std::lock_guard lock(observed_mutex_);
        ASSERT_EQ(exceptions_.size(), 1u);
        EXPECT_EQ(exceptions_[0], "secret internals");
    }
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto next = connection.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, RequestIdIsEchoedWhenSaneAndGeneratedOtherwise) {
    Start();
    auto echoed =
        RoundTrip(port(), "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n");
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->Header("X-Request-Id"), "abc-123");
    EXPECT_EQ(echoed->body, "abc-123 127.0.0.1");

    auto replaced = RoundTrip(
        port(), "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id with spaces\r\n\r\n");
    ASSERT_TRUE(replaced);
    const std::string id = replaced->Header("X-Request-Id");
    EXPECT_EQ(id.size(), 26u);  // a new ULID
    EXPECT_EQ(replaced->body, id + " 127.0.0.1");
}

TEST_F(ServerTest, ForwardedForIsUsedOnlyWhenTrusted) {
    Start();
    auto untrusted = RoundTrip(
        port(),
        "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: r\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n");
    ASSERT_TRUE(untrusted);
    EXPECT_EQ(untrusted->body, "r 127.0.0.1");
    server_->Stop();

    ServerOptions options;
    options.trust_proxy = true;
    Start(options);
    auto trusted = RoundTrip(port(),
                             "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: r\r\n"
                             "X-Forwarded-For: 6.6.6.6, 10.0.0.9\r\n\r\n");
    ASSERT_TRUE(trusted);
    EXPECT_EQ(trusted->body, "r 10.0.0.9");
    // A client's own header comes first; what the proxy appended is the last entry of the last.
    auto two_headers = RoundTrip(port(),
                                 "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: r\r\n"
                                 "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 10.0.0.7\r\n\r\n");
    ASSERT_TRUE(two_headers);
    EXPECT_EQ(two_headers->body, "r 10.0.0.7");
    // A right-most entry that is not an address leaves the peer's.
    auto not_an_address = RoundTrip(port(),
                                    "GET /whoami HTTP/1.1\r\nHost: x\r\nX-Request-Id: r\r\n"
                                    "X-Forwarded-For: 10.0.0.9, unknown\r\n\r\n");
    ASSERT_TRUE(not_an_address);
    EXPECT_EQ(not_an_address->body, "r 127.0.0.1");
}

TEST_F(ServerTest, UnsupportedTransferEncodingIs501AndSmugglingShapeIs400) {
    Start();
    auto gzip =
        RoundTrip(port(),
                  "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                  "0\r\n\r\n");
    ASSERT_TRUE(gzip);
    EXPECT_TRUE(gzip->status == 501 || gzip->status == 400) << gzip->status;

    auto both = RoundTrip(port(),
                          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    ASSERT_TRUE(both);
    EXPECT_EQ(both->status, 400);
    EXPECT_EQ(echo_calls_.load(), 0);
}

TEST_F(ServerTest, ExpectContinueGets100ThenTheResponse) {
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
    auto interim = connection.Read();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(connection.Send("ping"));
    auto response = connection.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "ping");
}

TEST_F(ServerTest, StreamedResponseIsChunked) {
    Start();
    auto response = RoundTrip(port(), "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->Header("Transfer-Encoding"), "chunked");
    EXPECT_EQ(response->Header("Content-Type"), "text/event-stream");
    EXPECT_EQ(response->body, "data: 0\n\ndata: 1\n\ndata: 2\n\n");
}

TEST(SseEventTest, FramesIdEventAndOneDataLinePerLine) {
    EXPECT_EQ(SseEvent("message", "a\nb", "7"), "id: 7\nevent: message\ndata: a\ndata: b\n\n");
    EXPECT_EQ(SseEvent("", "{}"), "data: {}\n\n");
}

TEST_F(ServerTest, EventStreamCarriesEventsSentFromAnotherThreadUntilClosed) {
    AddEventRoute();
    Start();
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto head = connection.ReadUntil("data: first", 5s);
    ASSERT_TRUE(head);
    EXPECT_NE(head->find("Content-Type: text/event-stream"), std::string::npos) << *head;
    EXPECT_NE(head->find("Cache-Control: no-cache"), std::string::npos) << *head;
    EXPECT_NE(head->find("Transfer-Encoding: chunked"), std::string::npos) << *head;
    ASSERT_TRUE(WaitFor([&] { return latest_stream() != nullptr; }));
    EXPECT_EQ(server_->open_event_streams(), 1U);
    std::thread writer([stream = latest_stream()] {
        EXPECT_TRUE(stream->Send(SseEvent("message", "second", "2")));
        stream->Close();
        EXPECT_FALSE(stream->Send(SseEvent("message", "too late")));
    });
    writer.join();
    auto rest = connection.ReadUntil("0\r\n\r\n", 5s);  // the last chunk
    ASSERT_TRUE(rest);
    EXPECT_NE(rest->find("id: 2\nevent: message\ndata: second\n\n"), std::string::npos);
    EXPECT_EQ(rest->find("too late"), std::string::npos);
    EXPECT_TRUE(connection.WaitForClose(2s));  // the connection ends with its stream
    EXPECT_TRUE(WaitFor([&] { return server_->open_event_streams() == 0; }));
}

TEST_F(ServerTest, IdleEventStreamGetsHeartbeats) {
    AddEventRoute();
    ServerOptions options;
    options.event_stream_heartbeat = 50ms;
    Start(options);
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto received = connection.ReadUntil(": heartbeat\n\n", 3s);
    ASSERT_TRUE(received);
    EXPECT_NE(received->find("data: first"), std::string::npos);
}

TEST_F(ServerTest, ClientDisconnectEndsTheEventStream) {
    AddEventRoute();
    Start();
    {
        RawConnection connection(port());
        ASSERT_TRUE(connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
        ASSERT_TRUE(connection.ReadUntil("data: first", 5s));
        ASSERT_TRUE(WaitFor([&] { return latest_stream() != nullptr; }));
        EXPECT_FALSE(latest_stream()->closed());
    }  // the client goes away
    EXPECT_TRUE(WaitFor([&] { return latest_stream()->closed(); }, 3s));
    EXPECT_TRUE(WaitFor([&] { return server_->open_event_streams() == 0; }, 3s));
    EXPECT_FALSE(latest_stream()->Send(SseEvent("message", "nobody listens")));
    EXPECT_EQ(server_->dropped_event_streams(), 0U);
}

TEST_F(ServerTest, ClientThatStopsReadingIsDroppedAndOthersAreStillServed) {
    AddEventRoute();
    ServerOptions options;
    options.event_stream_buffer_bytes = 16 * 1024;
    Start(options);
    RawConnection stuck(port());
    ASSERT_TRUE(stuck.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(WaitFor([&] { return latest_stream() != nullptr; }));
    auto stream = latest_stream();
    // The client never reads: once the kernel buffers are full, writes stall, the queue reaches
    // its bound and the stream is dropped. A bound on the loop keeps a failure finite.
    const std::string payload(1024, 'x');
    bool refused = false;
    for (int i = 0; i < 200'000 && !refused; ++i) {
        refused = !stream->Send(SseEvent("message", payload));
        if (i % 64 == 0) {
            std::this_thread::yield();
        }
    }
    EXPECT_TRUE(refused);
    EXPECT_TRUE(stream->closed());
    EXPECT_TRUE(WaitFor([&] { return server_->open_event_streams() == 0; }, 3s));
    EXPECT_EQ(server_->dropped_event_streams(), 1U);
    auto hello = RoundTrip(port(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->body, "hello");
}

TEST_F(ServerTest, StopEndsOpenEventStreamsAtOnce) {
    AddEventRoute();
    ServerOptions options;
    options.drain_timeout = 10s;
    Start(options);
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(connection.ReadUntil("data: first", 5s));
    const auto started = std::chrono::steady_clock::now();
    server_->Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_TRUE(connection.WaitForClose(2s));
    EXPECT_TRUE(latest_stream()->closed());
}

TEST_F(ServerTest, SlowClientIsDisconnectedAfterTheRequestTimeout) {
    ServerOptions options;
    options.request_timeout = 300ms;
    Start(options);
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Partial: "));
    const auto sent = std::chrono::steady_clock::now();
    EXPECT_TRUE(connection.WaitForClose(3s));
    const auto waited = std::chrono::steady_clock::now() - sent;
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 2s);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
    ServerOptions options;
    options.idle_timeout = 200ms;
    Start(options);
    RawConnection connection(port());
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(connection.Read());
    EXPECT_TRUE(connection.WaitForClose(2s));
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequestsAndRefusesNewConnections) {
    Start();
    RawConnection busy(port());
    RawConnection idle(port());
    ASSERT_TRUE(idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(idle.Read());
    ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(slow_started_.get_future().wait_for(5s), std::future_status::ready);
    // The /hello response reached us just before its in-flight count dropped; allow for that.
    EXPECT_TRUE(WaitFor([this] { return server_->in_flight() == 1u; }));

    std::thread stopper([this] { server_->Stop(); });
    auto response = busy.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "slow done");
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_TRUE(idle.WaitForClose(2s));
    stopper.join();

    EXPECT_EQ(server_->in_flight(), 0u);
    EXPECT_EQ(server_->open_connections(), 0u);
    RawConnection late(port());
    EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, DrainTimeoutBoundsStopAndClosesBusyConnections) {
    ServerOptions options;
    options.drain_timeout = 50ms;
    Start(options);
    RawConnection busy(port());
    ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(slow_started_.get_future().wait_for(5s), std::future_status::ready);

    const auto begin = std::chrono::steady_clock::now();
    server_->Stop();  // waits for the running handler (it cannot be interrupted), not longer
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
    EXPECT_TRUE(busy.WaitForClose(1s));
    EXPECT_EQ(server_->open_connections(), 0u);
}

TEST_F(ServerTest, HalfOpenAndStalledClientsDoNotBlockShutdown) {
    ServerOptions options;
    options.drain_timeout = 5s;
    options.request_timeout = 10s;
    Start(options);
    RawConnection silent(port());       // connected, never sends
    RawConnection partial(port());      // sent half a request
    RawConnection half_closed(port());  // sent nothing, closed its write side
    ASSERT_TRUE(partial.Send("GET /hello HTTP/1.1\r\nHo"));
    half_closed.ShutdownWrite();
    // The server has accepted them all: it closed the half-closed one, and holds the other two.
    ASSERT_TRUE(half_closed.WaitForClose(5s));
    ASSERT_TRUE(WaitFor([this] { return server_->open_connections() == 2u; }));

    const auto begin = std::chrono::steady_clock::now();
    server_->Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    EXPECT_TRUE(silent.WaitForClose(1s));
    EXPECT_TRUE(partial.WaitForClose(1s));
}

TEST_F(ServerTest, ObserverSeesEveryResponseAndFeedsMetrics) {
    ServerOptions options;
    options.max_body_bytes = 16;
    Start(options);
    ASSERT_TRUE(RoundTrip(port(), "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(RoundTrip(port(), "GET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(RoundTrip(port(), "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(RoundTrip(port(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"));
    server_->Stop();  // the observer runs after the write; Stop() waits for it

    EXPECT_EQ(metrics_.RequestCountForTest("/items/{id}", "GET", 200), 2u);
    EXPECT_EQ(metrics_.RequestCountForTest("", "GET", 404), 1u);
    EXPECT_EQ(metrics_.RequestCountForTest("", "POST", 413), 1u);
    EXPECT_NE(metrics_.RenderPrometheus().find(
                  "events_api_http_requests_total{route=\"/items/{id}\",method=\"GET\","
                  "status=\"200\"} 2"),
              std::string::npos);
    std::lock_guard lock(observed_mutex_);
    EXPECT_EQ(observed_statuses_.size(), 4u);
}

TEST_F(ServerTest, ResponseReadyRunsBeforeTheResponseIsWritten) {
    Start();
    for (int i = 1; i <= 20; ++i) {
        ASSERT_TRUE(RoundTrip(port(), "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
        // No waiting: the client has the response, so the hook has run.
        ASSERT_EQ(ready_metrics_.RequestCountForTest("/items/{id}", "GET", 200),
                  static_cast<std::uint64_t>(i));
    }
}

TEST_F(ServerTest, PastMaxConnectionsANewConnectionGets503AndCloseUntilOneCloses) {
    ServerOptions options;
    options.max_connections = 2;
    Start(options);
    const std::string keep_alive = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    auto first = std::make_unique<RawConnection>(port());
    RawConnection second(port());
    for (RawConnection* connection : {first.get(), &second}) {
        ASSERT_TRUE(connection->Send(keep_alive));
        auto response = connection->Read();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);
    }
    EXPECT_EQ(server_->open_connections(), 2u);

    RawConnection third(port());
    ASSERT_TRUE(third.Send(keep_alive));
    auto refused = third.Read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    EXPECT_EQ(refused->Header("Connection"), "close");
    EXPECT_EQ(refused->Header("Retry-After"), "1");
    EXPECT_NE(refused->body.find("limit of 2 open connections"), std::string::npos)
        << refused->body;
    EXPECT_TRUE(third.WaitForClose(2s));
    EXPECT_EQ(server_->open_connections(), 2u);  // the refused one never counted

    first.reset();
    ASSERT_TRUE(WaitFor([this] { return server_->open_connections() == 1u; }));
    auto served = RoundTrip(port(), keep_alive);
    ASSERT_TRUE(served);
    EXPECT_EQ(served->status, 200);
    EXPECT_EQ(served->body, "hello");
}

TEST_F(ServerTest, StartReportsAnAddressInUse) {
    Start();
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = port();
    Server second(options, router_.AsHandler());
    auto started = second.Start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(port())),
              std::string::npos)
        << started.error().message;

    ServerOptions bad_host;
    bad_host.host = "no such host.invalid";
    Server third(bad_host, router_.AsHandler());
    auto resolved = third.Start();
    ASSERT_FALSE(resolved);
    EXPECT_EQ(resolved.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ea::http
