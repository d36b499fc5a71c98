// A small blocking HTTP/1.1 client over POSIX sockets for integration tests against a real server
// on loopback: plain requests with a parsed response, and raw bytes for hostile-input tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

namespace ea::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;   // 0 when no response arrived (connect failure, timeout, closed early)
    Headers headers;  // in the order received
    std::string body;
    std::string error;     // why status is 0
    std::string raw_head;  // status line and headers exactly as received (each line ends in CRLF)

    // The first header named `name` (case-insensitive), or "" when absent.
    std::string Header(std::string_view name) const;
    bool HasHeader(std::string_view name) const;
    // Every value of header `name` (Set-Cookie may repeat).
    std::vector<std::string> HeaderValues(std::string_view name) const;
    // The body parsed as JSON; null when it is not JSON (ParseError says why).
    boost::json::value Json() const;
};

// One TCP connection to 127.0.0.1:port; keeps the connection for several requests (keep-alive).
class HttpConnection {
public:
    explicit HttpConnection(std::uint16_t port);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool Send(std::string_view bytes);
    // Reads one response (Content-Length, chunked, or until close); status 0 on timeout or EOF.
    HttpResponse Read(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                      bool head_request = false);
    // True when the peer closes within `timeout` (bytes that arrive meanwhile are dropped).
    bool WaitForClose(std::chrono::milliseconds timeout);
    void ShutdownWrite();
    // Reads until what arrived so far (raw: head, chunk framing and all) holds `needle`, for
    // event streams that never end; all of it, or nullopt on timeout or close first.
    std::optional<std::string> ReadUntil(std::string_view needle,
                                         std::chrono::milliseconds timeout);
    // Forgets what was read so far (so the next ReadUntil looks at new bytes only).
    void Discard() { buffer_.clear(); }

private:
    bool Fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    bool eof_ = false;
    std::string buffer_;
};

// Builds "METHOD target HTTP/1.1" with Host (127.0.0.1 unless `headers` has one),
// Content-Length (when there is a body) and Connection: close unless `keep_alive`.
std::string FormatRequest(std::string_view method, std::string_view target, const Headers& headers,
                          std::string_view body, bool keep_alive = false);

// Sends `bytes` on a fresh connection and reads one response.
HttpResponse SendRaw(std::uint16_t port, std::string_view bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A request with headers and an optional body on a fresh connection.
HttpResponse Request(std::uint16_t port, std::string_view method, std::string_view target,
                     const Headers& headers = {}, std::string_view body = {});

// Percent-encodes everything except unreserved characters (for query values).
std::string UrlEncode(std::string_view text);

}  // namespace ea::testing
