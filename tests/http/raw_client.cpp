#include "http/raw_client.hpp"

#include <utility>

namespace ea::http::testing {

std::optional<RawResponse> RawConnection::Read(std::chrono::milliseconds timeout,
                                               bool head_request) {
    RawResponse response = HttpConnection::Read(timeout, head_request);
    if (response.status == 0) {
        return std::nullopt;
    }
    return response;
}

std::optional<RawResponse> RoundTrip(std::uint16_t port, std::string_view request) {
    RawConnection connection(port);
    if (!connection.connected() || !connection.Send(request)) {
        return std::nullopt;
    }
    return connection.Read();
}

}  // namespace ea::http::testing
