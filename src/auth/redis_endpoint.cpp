#include "auth/redis_endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

#include <boost/url/parse.hpp>

namespace ea::auth {
namespace {

bool IsDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string RedisEndpoint::Describe() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return "redis://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
           std::to_string(db);
}

Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
    // Messages below describe the problem only: the URL may carry a password.
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return InvalidArgument("session store URL is not a valid URL");
    }
    const boost::urls::url_view& u = *parsed;
    std::string scheme(u.scheme());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "redis") {
        return InvalidArgument(
            "session store URL scheme must be redis:// here (rediss:// "
            "and unix sockets are not supported)");
    }
    RedisEndpoint endpoint;
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::name:
            endpoint.host = u.host_address();
            break;
        case boost::urls::host_type::ipv6:
            endpoint.host = u.host_ipv6_address().to_string();
            break;
        case boost::urls::host_type::ipvfuture:
        case boost::urls::host_type::none:
            break;
    }
    if (endpoint.host.empty()) {
        return InvalidArgument("redis URL needs a host, as in redis://localhost:6379");
    }
    if (u.has_port()) {
        if (!IsDigits(u.port()) || u.port_number() == 0) {
            return InvalidArgument("redis URL port must be a number from 1 to 65535");
        }
        endpoint.port = u.port_number();
    }
    if (u.has_userinfo()) {
        endpoint.username = u.user();
        if (!u.has_password()) {
            return InvalidArgument(
                "redis URL gives a user but no password; write redis://:PASSWORD@host "
                "or redis://USER:PASSWORD@host");
        }
        endpoint.password = u.password();
        if (endpoint.password.empty()) {
            return InvalidArgument("redis URL has an empty password");
        }
    }
    const std::string path = u.path();
    if (!path.empty() && path != "/") {
        const std::string_view db = std::string_view(path).substr(1);
        const auto number = IsDigits(db) ? ParseInt(db) : std::nullopt;
        if (path[0] != '/' || !number || *number > 1'000'000) {
            return InvalidArgument(
                "redis URL path must be a database number, as in "
                "redis://localhost:6379/0");
        }
        endpoint.db = static_cast<int>(*number);
    }
    if (u.has_query() || u.has_fragment()) {
        return InvalidArgument("redis URL must not have a query or fragment");
    }
    return endpoint;
}

}  // namespace ea::auth
