// RedisEndpoint: where a Redis server is, parsed from a redis:// URL (config.sessions). Every
// Redis user (sessions, access tokens, rate limits, the change feed) starts from one.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace ea::auth {

// Where a Redis server is, parsed from "redis://[[user]:password@]host[:port][/db]".
struct RedisEndpoint {
    std::string host;  // name or IP address (IPv6 without brackets)
    int port = 6379;
    std::string username;  // empty: AUTH with the password only (the "default" user)
    std::string password;  // empty: no AUTH. Never put in messages or logs; see Describe().
    int db = 0;

    // "redis://host:port/db" with any credentials left out: safe for messages and logs.
    std::string Describe() const;
};

// kInvalidArgument naming what is wrong (never echoing the URL, which may hold a password) when
// the scheme is not redis (rediss:// TLS is not supported), the host is missing, the port is not
// 1-65535, the db is not a non-negative integer, a user is given without a password, or the URL
// has a query or fragment. User and password are percent-decoded.
[[nodiscard]] Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace ea::auth
