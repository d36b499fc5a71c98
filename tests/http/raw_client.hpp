// The server tests' raw TCP HTTP/1.1 client: ea::testing::HttpConnection (plain POSIX sockets, so
// a test sends exactly the bytes it wants, malformed, slow or pipelined, and reads exactly what
// came back), with a response that did not arrive as nullopt, so a test can ASSERT_TRUE(response)
// before it reads response->status.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "testing/http_client.hpp"

namespace ea::http::testing {

using RawResponse = ea::testing::HttpResponse;

class RawConnection : public ea::testing::HttpConnection {
public:
    using HttpConnection::HttpConnection;

    // HttpConnection::Read; nullopt on timeout, when the connection closed first, or for a reply
    // that is not HTTP/1.x. `head_request` means no body follows.
    std::optional<RawResponse> Read(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                    bool head_request = false);
};

// Sends `request` on a new connection and reads one response.
std::optional<RawResponse> RoundTrip(std::uint16_t port, std::string_view request);

}  // namespace ea::http::testing
