// The HTTP/1.1 server: Boost.Beast + Asio coroutines behind a plain interface. It owns sockets,
// framing, limits, timeouts, request ids and graceful shutdown; adapters only see http_types.hpp.
// All Beast code lives in server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "http/http_types.hpp"

namespace ea::http {

struct ServerOptions {
    std::string host = "127.0.0.1";  // an IP address or a resolvable name
    std::uint16_t port = 8080;       // 0 picks a free port; read it back with Server::port()
    unsigned threads = 0;            // 0 means std::thread::hardware_concurrency()
    std::size_t max_header_bytes = 16 * 1024;  // request line + headers; over it: 431
    std::size_t max_body_bytes = 1024 * 1024;  // over it: 413 (the handler never runs)
    // A keep-alive connection with no request started within this time is closed silently.
    std::chrono::milliseconds idle_timeout{30'000};
    // From a request's first byte until it is completely read, and for writing its response;
    // a client that is slower is disconnected.
    std::chrono::milliseconds request_timeout{10'000};
    // How long Stop() lets in-flight requests finish before it closes their connections.
    std::chrono::milliseconds drain_timeout{10'000};
    // Use X-Forwarded-For as remote_address: its right-most entry (over all X-Forwarded-For
    // headers), which is the one the one trusted proxy in front of us appended. When that entry
    // is not an IP address the peer address is kept. Only enable behind a proxy that sets the
    // header; otherwise every client chooses its own address.
    bool trust_proxy = false;
    // Open client connections at most; 0 means no limit. A connection accepted past it is
    // answered 503 (Connection: close, Retry-After) without reading its request, then closed;
    // new connections are served again as soon as others close.
    std::size_t max_connections = 1024;
    // Server-sent-events streams (Response::event_stream): bytes queued but not yet written past
    // which the stream is dropped (a client that stopped reading), and the idle time after which
    // a heartbeat comment is sent (so proxies and clients see a live connection).
    std::size_t event_stream_buffer_bytes = 256 * 1024;
    std::chrono::milliseconds event_stream_heartbeat{15'000};
};

// Called after each response is written (or the connection failed while writing it), on a server
// thread; `duration` runs from the request's first byte to the end of the write. Also called for
// errors the server answers itself (400, 413, 431, 501), with the Request filled in as far as
// it was parsed. Must be thread-safe and must not throw.
using RequestObserver =
    std::function<void(const Request&, const Response&, std::chrono::nanoseconds duration)>;

// Called when the handler threw, before the 500 is sent, with what() (or "unknown exception"), so
// the app can log it under the request id; the client only sees a generic message.
using ExceptionObserver = std::function<void(const Request&, std::string_view what)>;

// Called once per response, after it is final and before its first byte is written, on a server
// thread: what is counted here is visible to a client as soon as it has read the response.
// Must be thread-safe and must not throw.
using ResponseObserver = std::function<void(const Request&, const Response&)>;

struct ServerHooks {
    ErrorRenderer render_error = DefaultErrorResponse;
    ResponseObserver on_response_ready;      // optional: request counters
    RequestObserver on_request_complete;     // optional: access log, latency
    ExceptionObserver on_handler_exception;  // optional: error log
};

// Serves `handler` over HTTP/1.1 with keep-alive and pipelining on `threads` threads running one
// io_context. Each connection is one coroutine on its own strand; the handler runs synchronously
// on that strand's thread, so up to `threads` handlers run at once and a blocking handler holds a
// thread. Exceptions from the handler are answered 500 (generic message) and the connection keeps
// serving.
//
// Before the handler runs, the server rejects: malformed HTTP (400, then closes), a request target
// that fails ParseTarget (400 invalid_path), Transfer-Encoding other than chunked (501) or with
// Content-Length (400), headers over max_header_bytes (431) and bodies over max_body_bytes (413);
// a connection past max_connections is answered 503 and closed before any request is read.
// Every response carries X-Request-Id (the client's when it is 1-64 of [A-Za-z0-9._:-], else a new
// ULID), Content-Type, Content-Length (or chunked), and Connection: close when closing.
class Server {
public:
    Server(ServerOptions options, Handler handler, ServerHooks hooks = {});
    // Calls Stop().
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens, then starts the threads; returns once connections are accepted.
    // Errors: kInvalidArgument (host is not an address or resolvable name), kUnavailable (the
    // address cannot be bound, e.g. in use). Call at most once.
    [[nodiscard]] Status Start();

    // Graceful stop: stops accepting (new connections are refused), closes idle keep-alive
    // connections and ones still sending a request, lets requests already being handled finish
    // and write their responses (with Connection: close), then joins the threads. Connections
    // still busy after drain_timeout are closed; a handler that never returns still blocks.
    // Thread-safe and idempotent; callable from a signal-handling thread.
    // REQUIRES: not called from a handler (it would wait for itself).
    void Stop();

    // The bound port (the chosen one when options.port was 0); 0 before Start().
    std::uint16_t port() const;
    // Requests read completely whose responses are not yet written.
    std::size_t in_flight() const;
    // Open client connections.
    std::size_t open_connections() const;
    // Server-sent-events streams open now, and those dropped so far because their client did not
    // read fast enough.
    std::size_t open_event_streams() const;
    std::size_t dropped_event_streams() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Blocks until SIGINT or SIGTERM arrives, and returns the signal number. For the app's main
// thread: `server.Start(); WaitForShutdownSignal(); server.Stop();`. When `on_hangup` is given,
// each SIGHUP calls it (on this thread) and the wait goes on.
int WaitForShutdownSignal(const std::function<void()>& on_hangup = {});

}  // namespace ea::http
