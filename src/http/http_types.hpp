// The plain HTTP vocabulary the transport hands to adapters (rest/, mcp/): Request, Response,
// Headers, Handler and the error-rendering hook. No Boost.Beast or Asio here, so adapters compile
// fast.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ea::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// Maps an exact (case-sensitive, as RFC 9110 says) method token; anything else is kOther.
Method ParseMethod(std::string_view text);
// "GET", "HEAD", ...; "OTHER" for kOther.
std::string_view ToString(Method method);

// True when `a` and `b` are equal ignoring ASCII case (header names, cookie-free tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// An ordered header multimap with case-insensitive names. A vector, because requests carry a
// dozen headers and a linear scan beats hashing at that size.
class Headers {
public:
    using Entry = std::pair<std::string, std::string>;

    // Appends; an existing header of the same name is kept (Set-Cookie may repeat).
    void Add(std::string name, std::string value);
    // Replaces every header named `name` with one entry.
    void Set(std::string name, std::string value);
    // Removes every header named `name`; returns how many were removed.
    std::size_t Remove(std::string_view name);
    // The first value for `name`, or nullopt. The view lives as long as this Headers is unchanged.
    std::optional<std::string_view> Find(std::string_view name) const;
    std::vector<std::string_view> FindAll(std::string_view name) const;
    bool Contains(std::string_view name) const { return Find(name).has_value(); }

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    auto begin() const { return entries_.begin(); }
    auto end() const { return entries_.end(); }

private:
    std::vector<Entry> entries_;
};

// One parsed request. The server fills every field before any handler runs; `path` has already
// been validated (see target.hpp: no dot segments, NUL, control characters, encoded '/' or invalid
// UTF-8), so handlers may use it as-is.
struct Request {
    Method method = Method::kGet;
    std::string method_text;  // the method token as sent ("GET", "PROPFIND")
    std::string target;       // the raw request target ("/api/user?page=2")
    std::string path;         // percent-decoded, validated ("/api/user")
    std::string query;        // raw, still percent-encoded ("page=2"); see ParseQueryString
    Headers headers;
    std::string body;
    std::string remote_address;  // peer IP; X-Forwarded-For's last entry when trust_proxy is set
    std::string request_id;      // also sent back as X-Request-Id

    // The first value of header `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> Header(std::string_view name) const {
        return headers.Find(name);
    }
    // The value of cookie `name` (case-sensitive, as browsers send it) from the Cookie header(s),
    // surrounding double quotes removed; nullopt when absent.
    std::optional<std::string_view> Cookie(std::string_view name) const;
};

// A server-sent-events response stream (text/event-stream) that the application writes into from
// any thread, long after its handler returned. The server owns the socket: it writes queued
// events asynchronously on the connection's strand (no thread waits for a stream), sends a
// comment as a heartbeat while the stream is idle, and ends the stream when the client
// disconnects, when the server stops, or when the bytes queued but not yet written would pass the
// stream's bound (ServerOptions::event_stream_buffer_bytes): a client that stops reading is
// dropped rather than allowed to grow the server's memory. Thread-safe.
class EventStream {
public:
    virtual ~EventStream() = default;
    // Queues one framed event (see SseEvent); false when the stream has ended or this event would
    // pass the buffer bound (then the stream ends, and the event is not sent).
    virtual bool Send(std::string event) = 0;
    // Ends the stream once what is queued has been written.
    virtual void Close() = 0;
    // True once the stream has ended or is ending (Close, disconnect, overflow, stop).
    virtual bool closed() const = 0;
};

// Called once with a new stream's handle, on a server thread that is not the connection's (it may
// block for a while, e.g. run a tool call and Send its progress, without holding up the writes).
using EventStreamOpener = std::function<void(std::shared_ptr<EventStream>)>;

// One SSE event: "id: <id>\n" (when not empty), "event: <event>\n" (when not empty), one
// "data: " line per line of `data`, then a blank line. `id` and `event` must hold no newline.
std::string SseEvent(std::string_view event, std::string_view data, std::string_view id = {});

// Produces a streamed body one chunk at a time; std::nullopt ends the body. See Response::stream.
using ChunkProducer = std::function<std::optional<std::string>()>;

// What a handler returns. The server owns framing: it sets Content-Length (or chunked),
// Connection and X-Request-Id itself and ignores those headers from a handler. A header whose name
// is not an RFC 9110 token or whose value holds CR, LF or NUL turns the response into a 500, so a
// handler bug can never split a response.
struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    // Sent as Content-Type; when empty, a Content-Type in `headers` is used, else
    // "text/plain; charset=utf-8".
    std::string content_type;
    // The matched route pattern ("/api/{entity}/{id}"), for logs and metrics only; never sent.
    // The Router fills it in; it stays empty for unmatched requests.
    std::string route;
    // Who made the request (a username), for logs only; never sent. Adapters fill it in.
    std::string principal;
    // Why a 5xx happened (a backend's own message), for the log only; never sent.
    std::string log_detail;
    // Extension point for streamed bodies (server-sent events for MCP Streamable HTTP later).
    // When set, `body` is ignored and the body is sent with Transfer-Encoding: chunked, one chunk
    // per call until the producer returns nullopt. Each call runs on a server thread and occupies
    // it while it blocks, so long-lived streams need an asynchronous producer before MCP uses it.
    // HEAD responses never call it.
    ChunkProducer stream;
    // A server-sent-events stream: when set (and the request is not HEAD), `body` and `stream`
    // are ignored, the response is sent as text/event-stream (chunked, Cache-Control: no-cache,
    // Connection: close: the connection ends with the stream), and the opener receives the
    // stream's handle. See EventStream.
    EventStreamOpener event_stream;
};

// Response with `body` and `content_type`.
Response MakeResponse(int status, std::string body, std::string content_type);

using Handler = std::function<Response(const Request&)>;

// Renders a protocol error the transport or router detected itself (the adapter never saw the
// request). Codes the http layer uses:
//   400 bad_request, invalid_path   404 not_found   405 method_not_allowed
//   413 payload_too_large   431 header_too_large   500 internal   501 not_implemented
// The REST adapter passes its own renderer so every failure carries its envelope.
using ErrorRenderer = std::function<Response(int status, std::string code, std::string message)>;

// The default renderer: the REST error envelope,
// {"data":null,"notifications":{"errors":[{"code":..,"message":..}]},"status":"error"}.
Response DefaultErrorResponse(int status, std::string code, std::string message);

}  // namespace ea::http
