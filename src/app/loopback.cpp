#include "app/loopback.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <arpa/inet.h>

namespace ea::app {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool IsDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty() || host.size() > 64) {
        return false;
    }
    if (EqualsIgnoreCase(host, "localhost")) {
        return true;
    }
    const std::string text(host);
    // inet_pton takes only the dotted-quad form (no "127.1", no octal), and no trailing text.
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(v6.s6_addr, kLoopback, 16) == 0) {
            return true;
        }
        return std::memcmp(v6.s6_addr, kMappedPrefix, 12) == 0 && v6.s6_addr[12] == 127;
    }
    return false;
}

bool IsLoopbackHostHeader(std::string_view host_header) {
    std::string_view host = host_header;
    if (host.starts_with('[')) {
        const auto close = host.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        const auto rest = host.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && IsDigits(rest.substr(1)))) {
            return false;
        }
        return IsLoopbackHost(host.substr(0, close + 1));
    }
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        if (!IsDigits(host.substr(colon + 1))) {
            return false;
        }
        host = host.substr(0, colon);
    }
    return IsLoopbackHost(host);
}

}  // namespace ea::app
