// Loopback checks for open mode (auth.required: false): the listen address must be a loopback
// address, and in open mode every request's Host header must name one, so a web page whose DNS
// name was rebound to 127.0.0.1 cannot reach the unauthenticated API from a browser.
#pragma once

#include <string_view>

namespace ea::app {

// True for an IPv4 address in 127.0.0.0/8, the IPv6 address ::1 (also IPv4-mapped
// ::ffff:127.x.y.z), and the name "localhost" (any ASCII case; RFC 6761 reserves it for
// loopback). Addresses are parsed, never matched by prefix: "127.example.com" is a name, not
// loopback; "0.0.0.0", "::" and every other name are not loopback either.
[[nodiscard]] bool IsLoopbackHost(std::string_view host);

// True when a Host header value ("127.0.0.1:8080", "[::1]:8080", "localhost") names a loopback
// host by IsLoopbackHost, with or without a port. False for an empty or malformed value.
[[nodiscard]] bool IsLoopbackHostHeader(std::string_view host_header);

}  // namespace ea::app
