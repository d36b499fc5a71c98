// CORS for browser front-ends served from other origins (the original's Angular UI on
// http://localhost:4200): preflights answered for every path, and the response headers that let an
// allowed origin read responses with its cookies. Credentials are allowed, so an origin is only
// ever echoed when it is on the configured list: never "*", never an arbitrary reflection.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "http/http_types.hpp"

namespace ea::http {

struct CorsOptions {
    // Serialized origins ("scheme://host[:port]") as NormalizeOrigin returns them; empty turns
    // CORS off (no header is ever added, preflights reach the router like any OPTIONS).
    std::vector<std::string> allowed_origins;
    std::chrono::seconds max_age{3600};  // Access-Control-Max-Age of a preflight answer
};

// "HTTP://LocalHost:4200/" -> "http://localhost:4200"; a default port (80, 443) is dropped, as
// browsers do. kInvalidArgument naming the problem for anything that is not an http(s) origin:
// "*" and "null" (which credentials forbid or anyone can send), a path, a query, userinfo.
[[nodiscard]] Result<std::string> NormalizeOrigin(std::string_view text);

// Wraps `next` with the CORS policy. For a request whose Origin is allowed:
//  - a preflight (OPTIONS with Access-Control-Request-Method) is answered 204 without calling
//    `next`: Access-Control-Allow-Origin (that origin), -Allow-Credentials: true, -Allow-Methods
//    (GET, POST, PUT, PATCH, DELETE, OPTIONS), -Allow-Headers (those requested: any header),
//    -Max-Age; a requested method outside that list is 403;
//  - any other request goes to `next`, and its response gets Access-Control-Allow-Origin,
//    -Allow-Credentials and -Expose-Headers (X-Request-Id, ETag, Location, Retry-After, and for
//    MCP clients in a browser Mcp-Session-Id and WWW-Authenticate).
// A preflight from an origin not on the list is 403 without any CORS header; other requests from
// it are served without any (the browser then keeps the response from the page). While CORS is
// on, every response carries Vary: Origin, so a cache never hands one origin's answer to another.
Handler WithCors(CorsOptions options, ErrorRenderer render_error, Handler next);

}  // namespace ea::http
