// A raw TCP HTTP/1.1 client for the server tests: plain POSIX sockets so a test can send exactly
// the bytes it wants (malformed, slow, pipelined) and read exactly what came back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ea::http::testing {

struct RawResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string raw_head;  // status line and headers exactly as received

    // First header value named `name` (case-insensitive), or "" when absent.
    std::string Header(std::string_view name) const;
    bool HasHeader(std::string_view name) const;
};

class RawConnection {
public:
    // Connects to 127.0.0.1:port; connected() says whether it worked.
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool Send(std::string_view bytes);
    // Reads one response (Content-Length, chunked, or close-delimited when neither); nullopt on
    // timeout or when the connection closed first. `head_request` means no body follows.
    std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                    bool head_request = false);
    // True when the server closes the connection (EOF or reset) within `timeout`; any bytes
    // received meanwhile are discarded.
    bool WaitForClose(std::chrono::milliseconds timeout);
    // Reads until what arrived (unparsed: head, chunk framing and all) holds `needle`; all of it so
    // far, or nullopt on timeout or close first.
    std::optional<std::string> ReadUntil(std::string_view needle,
                                         std::chrono::milliseconds timeout);
    // Closes our sending side only (a half-closed client).
    void ShutdownWrite();

private:
    // Appends whatever arrives within the deadline; false on timeout, EOF or error.
    bool Fill(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    bool eof_ = false;
    std::string buffer_;
};

// Sends `request` on a new connection and reads one response.
std::optional<RawResponse> RoundTrip(std::uint16_t port, std::string_view request);

}  // namespace ea::http::testing
