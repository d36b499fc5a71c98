// The only Beast/Asio translation unit: sessions, framing, limits and shutdown (see server.hpp).
#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "common/ids.hpp"
#include "http/target.hpp"

namespace ea::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 4096;
// After an error response the client may still be sending; reading (and discarding) a little of
// it before closing keeps the kernel from answering with a RST that destroys our response.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::chrono::milliseconds kAcceptBackoff{50};
constexpr std::chrono::milliseconds kForcedCloseGrace{1000};
// Connections past max_connections being answered 503 at once; past this many more they are
// closed without an answer, so a flood cannot make the refusals themselves unbounded.
constexpr std::size_t kMaxRefusing = 64;

// Where a connection is; read and written only on the connection's strand. Stop() closes
// connections in kIdle, kReading and kStreaming at once and lets kBusy ones finish.
enum class Phase { kIdle, kReading, kBusy, kStreaming };

struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    std::string remote_address;
    Phase phase = Phase::kIdle;
};

enum class Next { kContinue, kClose, kLingerAndClose };

// The handle of one server-sent-events response (see EventStream in http_types.hpp). The queue is
// shared with the writing coroutine under `mutex`; `wake` and `socket` belong to the connection's
// strand and are only touched there (by posted lambdas). When the coroutine ends, or its frame is
// destroyed with the io_context, Detach() drops them and the strand itself, so a handle the
// application keeps after the connection (or the whole server) is gone posts nothing and holds
// nothing of the io_context.
class SseStream final : public EventStream, public std::enable_shared_from_this<SseStream> {
public:
    SseStream(asio::any_io_executor strand, std::size_t limit)
        : limit_(limit), strand_(std::move(strand)) {}

    bool Send(std::string event) override {
        std::lock_guard lock(mutex_);
        if (ended_ || failed_ || closing_) {
            return false;
        }
        if (queued_bytes_ + event.size() > limit_) {
            failed_ = true;
            overflowed_ = true;
            PokeLocked();
            return false;
        }
        queued_bytes_ += event.size();
        queue_.push_back(std::move(event));
        PokeLocked();
        return true;
    }

    void Close() override {
        std::lock_guard lock(mutex_);
        if (ended_ || closing_) {
            return;
        }
        closing_ = true;
        PokeLocked();
    }

    bool closed() const override {
        std::lock_guard lock(mutex_);
        return ended_ || failed_ || closing_;
    }

    // The coroutine's side, on the strand.
    enum class Take { kWrite, kWait, kFinish, kFail };
    Take TakeBatch(std::string* out) {
        std::lock_guard lock(mutex_);
        if (failed_) {
            return Take::kFail;
        }
        if (queue_.empty()) {
            return closing_ ? Take::kFinish : Take::kWait;
        }
        out->clear();
        for (auto& event : queue_) {
            out->append(event);
        }
        queue_.clear();
        return Take::kWrite;
    }
    void Written(std::size_t bytes) {
        std::lock_guard lock(mutex_);
        queued_bytes_ -= bytes;
    }
    void Fail() {
        std::lock_guard lock(mutex_);
        failed_ = true;
    }
    // Ends the stream for good; whether it ended because its buffer overflowed.
    bool End() {
        std::lock_guard lock(mutex_);
        ended_ = true;
        failed_ = true;
        return overflowed_;
    }
    void Attach(asio::steady_timer* wake, tcp::socket* socket) {
        wake_ = wake;
        socket_ = socket;
    }
    // The connection is done with this stream for good: later Sends refuse, nothing is posted.
    void Detach() {
        std::lock_guard lock(mutex_);
        ended_ = true;
        failed_ = true;
        wake_ = nullptr;
        socket_ = nullptr;
        strand_.reset();
    }

    bool reader_done = false;  // strand only

private:
    // Wakes the coroutine (and on overflow aborts a write a stuck client holds up).
    void PokeLocked() {
        if (!strand_) {
            return;  // detached: the connection is gone
        }
        asio::post(*strand_, [self = shared_from_this()] {
            if (self->wake_ != nullptr) {
                self->wake_->cancel();
            }
            bool failed = false;
            {
                std::lock_guard lock(self->mutex_);
                failed = self->failed_;
            }
            if (failed && self->socket_ != nullptr) {
                beast::error_code ignored;
                self->socket_->cancel(ignored);
            }
        });
    }

    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::optional<asio::any_io_executor> strand_;  // under mutex_; reset by Detach
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;  // queued or being written
    bool closing_ = false;
    bool failed_ = false;
    bool overflowed_ = false;
    bool ended_ = false;
    asio::steady_timer* wake_ = nullptr;  // strand only
    tcp::socket* socket_ = nullptr;       // strand only
};

// Reads (and discards) whatever the client of an event stream sends, so a disconnect is seen at
// once rather than at the next heartbeat; any error ends the stream.
void WatchForDisconnect(const std::shared_ptr<SseStream>& stream, tcp::socket& socket,
                        asio::steady_timer& wake, std::shared_ptr<std::array<char, 512>> buffer) {
    socket.async_read_some(asio::buffer(*buffer),
                           [stream, &socket, &wake, buffer](beast::error_code ec, std::size_t) {
                               if (!ec) {
                                   WatchForDisconnect(stream, socket, wake, buffer);
                                   return;
                               }
                               stream->Fail();
                               stream->reader_done = true;
                               wake.cancel();
                           });
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// RFC 9110 token characters, the only ones allowed in a header name.
bool IsToken(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

// A header value may not hold CR, LF or NUL: they would end the header or split the response.
bool IsSafeHeaderValue(std::string_view value) {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers the server owns; a handler's copies are ignored.
bool IsFramingHeader(std::string_view name) {
    return EqualsIgnoreCase(name, "Content-Length") ||
           EqualsIgnoreCase(name, "Transfer-Encoding") || EqualsIgnoreCase(name, "Connection") ||
           EqualsIgnoreCase(name, "X-Request-Id") || EqualsIgnoreCase(name, "Content-Type");
}

bool HasCloseToken(std::string_view connection) {
    while (!connection.empty()) {
        const auto comma = connection.find(',');
        if (EqualsIgnoreCase(Trim(connection.substr(0, comma)), "close")) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        connection.remove_prefix(comma + 1);
    }
    return false;
}

// Errors that mean the peer went away or was cut off: no response is possible or useful.
bool IsDisconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
           ec == beast::error::timeout || ec == asio::error::eof ||
           ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::not_connected ||
           ec == asio::error::bad_descriptor;
}

// Copies what the parser has so far: after a header error (413 by Content-Length, 431) the start
// line and earlier fields are still there, and logs and metrics want them.
void FillFromHeader(const bhttp::request_parser<bhttp::string_body>& parser, Request& request) {
    const auto& header = parser.get();
    request.method_text = std::string(header.method_string());
    request.method = ParseMethod(request.method_text);
    request.target = std::string(header.target());
    for (const auto& field : header) {
        request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
}

}  // namespace

struct Server::Impl {
    Impl(ServerOptions server_options, Handler server_handler, ServerHooks server_hooks)
        : options(std::move(server_options)),
          handler(std::move(server_handler)),
          hooks(std::move(server_hooks)),
          ioc(std::make_unique<asio::io_context>()) {
        if (!hooks.render_error) {
            hooks.render_error = DefaultErrorResponse;
        }
    }

    asio::awaitable<void> Accept();
    asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
    asio::awaitable<void> Refuse(std::shared_ptr<Connection> conn);
    asio::awaitable<Next> ServeOne(Connection& conn, beast::flat_buffer& buffer);
    asio::awaitable<Next> FailRead(Connection& conn, const beast::error_code& ec,
                                   const Request& request, Clock::time_point started);
    asio::awaitable<bool> Write(Connection& conn, const Request& request, Response& response,
                                unsigned version, bool keep_alive, Clock::time_point started);
    asio::awaitable<void> Linger(Connection& conn, beast::flat_buffer& buffer);
    asio::awaitable<bool> WriteEventStream(Connection& conn, const EventStreamOpener& opener);
    Response Invoke(const Request& request);
    Response RenderError(int status, std::string code, std::string message);
    void AssignIdentity(Request& request, const Connection& conn) const;
    void Forget(Connection* conn);

    const ServerOptions options;
    const Handler handler;
    ServerHooks hooks;

    std::mutex stop_mutex;      // serializes Start() and Stop()
    bool start_called = false;  // guarded by stop_mutex
    bool stop_called = false;   // guarded by stop_mutex
    std::atomic<bool> stopping{false};
    std::atomic<std::uint16_t> port{0};
    std::atomic<std::size_t> in_flight{0};
    std::atomic<std::size_t> refusing{0};  // connections being answered 503 by Refuse()
    std::atomic<std::size_t> open_streams{0};
    std::atomic<std::size_t> dropped_streams{0};

    std::mutex mutex;  // guards connections
    std::condition_variable drained;
    std::unordered_map<Connection*, std::shared_ptr<Connection>> connections;

    // Destroyed explicitly in Stop(), after the threads are joined and before the members above,
    // because destroying it destroys suspended coroutine frames, which call Forget().
    std::unique_ptr<asio::io_context> ioc;
    std::optional<tcp::acceptor> acceptor;  // used on its own strand
    std::vector<std::thread> threads;
};

Response Server::Impl::RenderError(int status, std::string code, std::string message) {
    return hooks.render_error(status, std::move(code), std::move(message));
}

void Server::Impl::Forget(Connection* conn) {
    std::lock_guard lock(mutex);
    connections.erase(conn);
    if (connections.empty()) {
        drained.notify_all();
    }
}

void Server::Impl::AssignIdentity(Request& request, const Connection& conn) const {
    auto incoming = request.headers.Find("X-Request-Id");
    request.request_id = incoming && IsValidId(*incoming) ? std::string(*incoming) : NewId();
    request.remote_address = conn.remote_address;
    if (options.trust_proxy) {
        // The right-most entry of the last header: a client may send its own X-Forwarded-For
        // headers, but what our proxy appended always comes after them.
        if (const auto all = request.headers.FindAll("X-Forwarded-For"); !all.empty()) {
            const std::string_view forwarded = all.back();
            const auto comma = forwarded.rfind(',');
            const std::string_view last =
                Trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
            beast::error_code ec;
            const auto address = asio::ip::make_address(std::string(last), ec);
            if (!ec) {
                request.remote_address = address.to_string();
            }
        }
    }
}

// The session loop's one catch-all: a throwing handler costs its request a 500, never the
// connection or the process.
Response Server::Impl::Invoke(const Request& request) {
    std::string what;
    try {
        return handler(request);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "unknown exception";
    }
    if (hooks.on_handler_exception) {
        hooks.on_handler_exception(request, what);
    }
    return RenderError(500, "internal",
                       "internal error; see the server log for request id " + request.request_id);
}

asio::awaitable<void> Server::Impl::Accept() {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(*ioc), kUseTuple);
        if (stopping.load()) {
            co_return;
        }
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) {
                co_return;
            }
            // Out of descriptors or similar: back off rather than spin on a failing accept.
            asio::steady_timer timer(co_await asio::this_coro::executor, kAcceptBackoff);
            co_await timer.async_wait(kUseTuple);
            continue;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto conn = std::make_shared<Connection>(std::move(socket));
        const auto endpoint = conn->stream.socket().remote_endpoint(ignored);
        conn->remote_address = endpoint.address().to_string();
        bool full = false;
        {
            std::lock_guard lock(mutex);
            full = options.max_connections > 0 && connections.size() >= options.max_connections;
            if (!full) {
                connections.emplace(conn.get(), conn);
            }
        }
        if (!full) {
            asio::co_spawn(conn->stream.get_executor(), Serve(conn), [](std::exception_ptr) {});
        } else if (refusing.fetch_add(1) < kMaxRefusing) {
            asio::co_spawn(conn->stream.get_executor(), Refuse(conn), [](std::exception_ptr) {});
        } else {
            refusing.fetch_sub(1);
            conn->stream.socket().close(ignored);
        }
    }
}

// A connection over max_connections: one 503 without reading the request, then close. It is
// not in `connections` (it does not count against the limit); its timeouts bound its life.
asio::awaitable<void> Server::Impl::Refuse(std::shared_ptr<Connection> conn) {
    struct Release {
        std::atomic<std::size_t>& count;
        ~Release() { count.fetch_sub(1); }
    } release{refusing};
    Request request;
    request.method = Method::kOther;
    request.remote_address = conn->remote_address;
    request.request_id = NewId();
    Response response = RenderError(503, "unavailable",
                                    "the server has reached its limit of " +
                                        std::to_string(options.max_connections) +
                                        " open connections (limits.max_connections); retry later");
    response.headers.Set("Retry-After", "1");
    response.route = "(connection limit)";
    co_await Write(*conn, request, response, 11, false, Clock::now());
    beast::error_code ignored;
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::flat_buffer buffer;
    co_await Linger(*conn, buffer);  // so an unread request does not turn our close into a RST
    conn->stream.socket().close(ignored);
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> conn) {
    // Runs when the coroutine ends or its frame is destroyed by a forced stop.
    struct Deregister {
        Impl* impl;
        Connection* conn;
        ~Deregister() { impl->Forget(conn); }
    } deregister{this, conn.get()};

    beast::flat_buffer buffer;
    Next next = Next::kClose;
    while (!stopping.load()) {
        if (buffer.size() == 0) {
            conn->phase = Phase::kIdle;
            conn->stream.expires_after(options.idle_timeout);
            auto [ec, n] =
                co_await conn->stream.async_read_some(buffer.prepare(kReadChunk), kUseTuple);
            if (ec) {
                break;
            }
            buffer.commit(n);
        }
        conn->phase = Phase::kReading;
        next = co_await ServeOne(*conn, buffer);
        if (next != Next::kContinue) {
            break;
        }
    }
    beast::error_code ignored;
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (next == Next::kLingerAndClose && !stopping.load()) {
        co_await Linger(*conn, buffer);
    }
    conn->stream.socket().close(ignored);
}

asio::awaitable<void> Server::Impl::Linger(Connection& conn, beast::flat_buffer& buffer) {
    conn.phase = Phase::kReading;
    conn.stream.expires_after(
        std::min<std::chrono::milliseconds>(options.request_timeout, kMaxLinger));
    std::size_t discarded = 0;
    while (discarded < kMaxLingerBytes) {
        buffer.clear();
        auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(kReadChunk), kUseTuple);
        if (ec) {
            break;
        }
        discarded += n;
    }
}

asio::awaitable<Next> Server::Impl::ServeOne(Connection& conn, beast::flat_buffer& buffer) {
    const auto started = Clock::now();
    auto& stream = conn.stream;
    stream.expires_after(options.request_timeout);

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    parser.body_limit(static_cast<std::uint64_t>(options.max_body_bytes));

    Request request;
    {
        auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
        FillFromHeader(parser, request);
        AssignIdentity(request, conn);
        if (ec) {
            co_return co_await FailRead(conn, ec, request, started);
        }
    }
    const auto& header = parser.get();
    const unsigned version = header.version();

    // Only chunked is decoded; anything else would hand the handler an encoded body. A
    // Content-Length beside it is the classic request-smuggling ambiguity.
    const auto codings = request.headers.FindAll("Transfer-Encoding");
    if (!codings.empty()) {
        if (codings.size() != 1 || !EqualsIgnoreCase(Trim(codings.front()), "chunked")) {
            Response response = RenderError(
                501, "not_implemented", "Transfer-Encoding other than chunked is not supported");
            co_await Write(conn, request, response, version, false, started);
            co_return Next::kLingerAndClose;
        }
        if (request.headers.Contains("Content-Length")) {
            Response response =
                RenderError(400, "bad_request",
                            "a request must not have both Transfer-Encoding and Content-Length");
            co_await Write(conn, request, response, version, false, started);
            co_return Next::kLingerAndClose;
        }
    }

    auto target = ParseTarget(request.target);
    if (!target) {
        Response response = RenderError(400, "invalid_path", target.error().message);
        co_await Write(conn, request, response, version, false, started);
        co_return Next::kLingerAndClose;
    }
    request.path = std::move(target->path);
    request.query = std::move(target->query);

    if (!parser.is_done()) {
        if (auto expect = request.headers.Find("Expect");
            expect && version >= 11 && EqualsIgnoreCase(Trim(*expect), "100-continue")) {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
            auto [ec, n] = co_await bhttp::async_write(stream, go_on, kUseTuple);
            if (ec) {
                co_return Next::kClose;
            }
        }
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
        if (ec) {
            co_return co_await FailRead(conn, ec, request, started);
        }
    }
    request.body = std::move(parser.get().body());
    const bool client_keep_alive = parser.get().keep_alive();

    conn.phase = Phase::kBusy;
    stream.expires_never();
    in_flight.fetch_add(1);
    struct InFlight {
        std::atomic<std::size_t>& count;
        ~InFlight() { count.fetch_sub(1); }
    } in_flight_guard{in_flight};

    Response response = Invoke(request);
    const auto connection = response.headers.Find("Connection");
    const bool keep_alive =
        client_keep_alive && !stopping.load() && !(connection && HasCloseToken(*connection));
    const bool written = co_await Write(conn, request, response, version, keep_alive, started);
    co_return (written && keep_alive) ? Next::kContinue : Next::kClose;
}

asio::awaitable<Next> Server::Impl::FailRead(Connection& conn, const beast::error_code& ec,
                                             const Request& request, Clock::time_point started) {
    if (IsDisconnect(ec) ||
        ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category()) {
        co_return Next::kClose;
    }
    Response response;
    if (ec == bhttp::error::header_limit) {
        response = RenderError(
            431, "header_too_large",
            "request headers exceed " + std::to_string(options.max_header_bytes) + " bytes");
    } else if (ec == bhttp::error::body_limit) {
        response = RenderError(
            413, "payload_too_large",
            "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
    } else {
        response = RenderError(400, "bad_request", "malformed HTTP request: " + ec.message());
    }
    co_await Write(conn, request, response, 11, false, started);
    co_return Next::kLingerAndClose;
}

asio::awaitable<bool> Server::Impl::Write(Connection& conn, const Request& request,
                                          Response& response, unsigned version, bool keep_alive,
                                          Clock::time_point started) {
    bool valid = response.status >= 200 && response.status <= 599 &&
                 IsSafeHeaderValue(response.content_type);
    for (const auto& [name, value] : response.headers) {
        valid = valid && IsToken(name) && IsSafeHeaderValue(value);
    }
    if (!valid) {
        // A handler produced a header that could split the response, or an impossible status.
        if (hooks.on_handler_exception) {
            hooks.on_handler_exception(request, "handler returned an invalid status or header");
        }
        response =
            RenderError(500, "internal",
                        "internal error; see the server log for request id " + request.request_id);
    }

    std::string content_type = response.content_type;
    if (content_type.empty()) {
        auto from_headers = response.headers.Find("Content-Type");
        content_type = from_headers ? std::string(*from_headers) : "text/plain; charset=utf-8";
    }
    const bool head = request.method == Method::kHead;
    const bool bodiless_status = response.status == 204 || response.status == 304;
    if (hooks.on_response_ready) {
        hooks.on_response_ready(request, response);
    }

    auto fill = [&](auto& message) {
        message.version(version);
        message.result(static_cast<unsigned>(response.status));
        for (const auto& [name, value] : response.headers) {
            if (!IsFramingHeader(name)) {
                message.insert(name, value);
            }
        }
        message.set(bhttp::field::content_type, content_type);
        message.set("X-Request-Id", request.request_id);
        message.keep_alive(keep_alive);
    };

    conn.stream.expires_after(options.request_timeout);
    bool ok = true;
    if (response.event_stream && !head && response.status == 200) {
        bhttp::response<bhttp::empty_body> message;
        fill(message);
        message.set(bhttp::field::content_type, "text/event-stream");
        message.set(bhttp::field::cache_control, "no-cache");
        message.set("X-Accel-Buffering", "no");  // proxies must pass events on at once
        message.keep_alive(false);
        message.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> serializer{message};
        auto [ec, n] = co_await bhttp::async_write_header(conn.stream, serializer, kUseTuple);
        if (!ec) {
            co_await WriteEventStream(conn, response.event_stream);
        }
        ok = false;  // the connection ends with its stream
    } else if (response.stream && !head && !bodiless_status) {
        bhttp::response<bhttp::empty_body> message;
        fill(message);
        message.chunked(true);
        bhttp::response_serializer<bhttp::empty_body> serializer{message};
        auto [ec, n] = co_await bhttp::async_write_header(conn.stream, serializer, kUseTuple);
        ok = !ec;
        while (ok) {
            std::optional<std::string> chunk;
            try {
                chunk = response.stream();
            } catch (...) {
                // Headers are out: the only honest signal left is to end without the last chunk.
                if (hooks.on_handler_exception) {
                    hooks.on_handler_exception(request, "stream producer threw");
                }
                ok = false;
                break;
            }
            if (!chunk) {
                auto [last_ec, last_n] =
                    co_await asio::async_write(conn.stream, bhttp::make_chunk_last(), kUseTuple);
                ok = !last_ec;
                break;
            }
            if (chunk->empty()) {
                continue;
            }
            conn.stream.expires_after(options.request_timeout);
            auto [chunk_ec, chunk_n] = co_await asio::async_write(
                conn.stream, bhttp::make_chunk(asio::buffer(*chunk)), kUseTuple);
            ok = !chunk_ec;
        }
    } else {
        bhttp::response<bhttp::string_body> message;
        fill(message);
        if (!bodiless_status) {
            message.content_length(response.body.size());
        }
        if (!head && !bodiless_status) {
            message.body() = std::move(response.body);
        }
        auto [ec, n] = co_await bhttp::async_write(conn.stream, message, kUseTuple);
        ok = !ec;
        if (!head && !bodiless_status) {
            response.body = std::move(message.body());  // back for the observer
        }
    }
    if (hooks.on_request_complete) {
        hooks.on_request_complete(request, response, Clock::now() - started);
    }
    co_return ok;
}

asio::awaitable<bool> Server::Impl::WriteEventStream(Connection& conn,
                                                     const EventStreamOpener& opener) {
    conn.phase = Phase::kStreaming;  // Stop() closes it at once: a stream never "finishes"
    conn.stream.expires_never();
    auto executor = co_await asio::this_coro::executor;
    auto stream = std::make_shared<SseStream>(executor, options.event_stream_buffer_bytes);
    asio::steady_timer wake(executor);
    tcp::socket& socket = conn.stream.socket();
    stream->Attach(&wake, &socket);
    // However this frame ends (returning, or destroyed when the io_context shuts down), the
    // handle lets go of the strand, the timer and the socket before they go.
    struct DetachOnExit {
        std::shared_ptr<SseStream> stream;
        ~DetachOnExit() { stream->Detach(); }
    } detach_on_exit{stream};
    open_streams.fetch_add(1);
    WatchForDisconnect(stream, socket, wake, std::make_shared<std::array<char, 512>>());
    // On another thread, so a long opener (a tool call sending progress) does not hold the writes.
    asio::post(*ioc, [opener, stream] {
        try {
            opener(stream);
        } catch (...) {
            stream->Fail();  // the opener's bug ends its own stream only
        }
    });

    bool clean = false;
    std::string batch;
    while (true) {
        const auto take = stream->TakeBatch(&batch);
        if (take == SseStream::Take::kFail) {
            break;
        }
        if (take == SseStream::Take::kFinish) {
            conn.stream.expires_after(options.request_timeout);
            auto [ec, n] =
                co_await asio::async_write(conn.stream, bhttp::make_chunk_last(), kUseTuple);
            clean = !ec;
            break;
        }
        if (take == SseStream::Take::kWait) {
            conn.stream.expires_never();
            wake.expires_after(options.event_stream_heartbeat);
            auto [ec] = co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                continue;  // woken: something was queued, or the stream is ending
            }
            batch = ": heartbeat\n\n";
        }
        conn.stream.expires_after(options.request_timeout);
        auto [ec, n] = co_await asio::async_write(
            conn.stream, bhttp::make_chunk(asio::buffer(batch)), kUseTuple);
        if (take == SseStream::Take::kWrite) {
            stream->Written(batch.size());
        }
        if (ec) {
            stream->Fail();
            break;
        }
    }
    if (stream->End()) {
        dropped_streams.fetch_add(1);
    }
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.cancel(ignored);
    while (!stream->reader_done) {
        wake.expires_after(std::chrono::seconds(1));
        co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    open_streams.fetch_sub(1);
    co_return clean;
}

Server::Server(ServerOptions options, Handler handler, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(hooks))) {}

Server::~Server() {
    Stop();
}

Status Server::Start() {
    Impl& s = *impl_;
    std::lock_guard stop_lock(s.stop_mutex);
    if (s.start_called) {
        return InvalidArgument("the server was already started");
    }
    s.start_called = true;
    const std::string where = s.options.host + ":" + std::to_string(s.options.port);

    beast::error_code ec;
    tcp::endpoint endpoint;
    const auto address = asio::ip::make_address(s.options.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, s.options.port);
    } else {
        tcp::resolver resolver(*s.ioc);
        auto results = resolver.resolve(s.options.host, std::to_string(s.options.port), ec);
        if (ec || results.empty()) {
            return InvalidArgument("cannot resolve host '" + s.options.host + "'");
        }
        endpoint = results.begin()->endpoint();
    }

    s.acceptor.emplace(asio::make_strand(*s.ioc));
    auto fail = [&](std::string_view step) {
        s.acceptor.reset();
        return Unavailable("cannot listen on " + where + " (" + std::string(step) +
                           "): " + ec.message());
    };
    if (s.acceptor->open(endpoint.protocol(), ec); ec) {
        return fail("open");
    }
    if (s.acceptor->set_option(asio::socket_base::reuse_address(true), ec); ec) {
        return fail("reuse_address");
    }
    if (s.acceptor->bind(endpoint, ec); ec) {
        return fail("bind");
    }
    if (s.acceptor->listen(asio::socket_base::max_listen_connections, ec); ec) {
        return fail("listen");
    }
    s.port = s.acceptor->local_endpoint().port();

    asio::co_spawn(s.acceptor->get_executor(), s.Accept(), [](std::exception_ptr) {});
    const unsigned count = s.options.threads > 0
                               ? s.options.threads
                               : std::max(1U, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < count; ++i) {
        s.threads.emplace_back([&s] { s.ioc->run(); });
    }
    return Ok();
}

void Server::Stop() {
    Impl& s = *impl_;
    std::lock_guard stop_lock(s.stop_mutex);
    if (s.stop_called) {
        return;
    }
    s.stop_called = true;
    if (!s.start_called || !s.acceptor) {
        return;
    }
    assert(!s.ioc->get_executor().running_in_this_thread() && "Stop() called from a handler");
    s.stopping = true;

    // Each step runs on the strand that owns the object, so no socket is touched concurrently.
    asio::post(s.acceptor->get_executor(), [&s] {
        beast::error_code ignored;
        s.acceptor->close(ignored);
    });
    auto close_connections = [&s](bool force) {
        std::lock_guard lock(s.mutex);
        for (const auto& [raw, conn] : s.connections) {
            asio::post(conn->stream.get_executor(), [conn, force] {
                if (force || conn->phase != Phase::kBusy) {
                    conn->stream.cancel();
                    beast::error_code ignored;
                    conn->stream.socket().close(ignored);
                }
            });
        }
    };
    close_connections(false);
    {
        std::unique_lock lock(s.mutex);
        if (!s.drained.wait_for(lock, s.options.drain_timeout,
                                [&s] { return s.connections.empty(); })) {
            lock.unlock();
            close_connections(true);
            lock.lock();
            s.drained.wait_for(lock, kForcedCloseGrace, [&s] { return s.connections.empty(); });
        }
    }
    s.ioc->stop();
    for (auto& thread : s.threads) {
        thread.join();
    }
    s.threads.clear();
    s.acceptor.reset();
    s.ioc.reset();
}

std::uint16_t Server::port() const {
    return impl_->port.load();
}

std::size_t Server::in_flight() const {
    return impl_->in_flight.load();
}

std::size_t Server::open_connections() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->connections.size();
}

std::size_t Server::open_event_streams() const {
    return impl_->open_streams.load();
}

std::size_t Server::dropped_event_streams() const {
    return impl_->dropped_streams.load();
}

int WaitForShutdownSignal(const std::function<void()>& on_hangup) {
    boost::asio::io_context ioc;
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    if (on_hangup) {
        signals.add(SIGHUP);
    }
    int received = 0;
    std::function<void()> wait = [&] {
        signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
            if (ec) {
                return;
            }
            if (signal_number == SIGHUP) {
                on_hangup();
                wait();
                return;
            }
            received = signal_number;
        });
    };
    wait();
    ioc.run();
    return received;
}

}  // namespace ea::http
