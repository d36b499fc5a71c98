// Method + path routing for the http layer: patterns with {param} segments, 404 versus 405 (with
// Allow), HEAD served by GET routes, a trailing slash served like the path without it.
// No Beast here; adapters register their routes and hand Router::AsHandler() to the Server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "http/http_types.hpp"

namespace ea::http {

// What a matched route gives its handler. Param values are percent-decoded path segments (the
// Request's path is already decoded and validated).
struct RouteMatch {
    std::string_view pattern;  // the registered pattern, e.g. "/api/{entity}/{id}"
    std::vector<std::pair<std::string_view, std::string_view>> params;  // views into pattern/path

    // The value of `{name}`, or "" when the pattern has no such param.
    std::string_view Param(std::string_view name) const;
};

using RouteHandler = std::function<Response(const Request&, const RouteMatch&)>;

struct RouterOptions {
    // Literal segments match ignoring ASCII case ("/API/Metadata" hits "/api/metadata").
    // Param values keep the case the client sent either way.
    bool case_insensitive_literals = false;
};

// Routes requests to handlers. Configure with Add() before serving; afterwards Route() is const
// and safe to call from many threads at once.
class Router {
public:
    explicit Router(RouterOptions options = {}, ErrorRenderer render_error = DefaultErrorResponse);

    // Registers `handler` for `method` on `pattern`: '/'-separated segments, each a literal or a
    // whole-segment "{name}". When several patterns match a path, the one whose first differing
    // segment is a literal wins ("/api/metadata" over "/api/{entity}").
    // Errors (kInvalidArgument): pattern not starting with '/', a malformed or repeated {param},
    // method kOther, or the same method on an equivalent pattern twice.
    [[nodiscard]] Status Add(Method method, std::string_view pattern, RouteHandler handler);

    // Registers `handler` to refuse `method` on `pattern` with a 405 of its own, for an Allow that
    // depends on the path's params (what one entity's operations allow). Errors as Add(). It runs
    // like a route, except that its method is never listed in the router's own 405 Allow, and
    // where a more specific pattern matches the path ("/api/metadata" for "/api/{entity}") the
    // router answers that path's 405 itself.
    [[nodiscard]] Status AddRefusal(Method method, std::string_view pattern, RouteHandler handler);

    // Dispatches `request` by its method and decoded path. A trailing '/' is ignored (except for
    // "/" itself). HEAD uses the GET route when no HEAD route exists (the server drops the body).
    // No path match: 404 not_found. Path matches but not the method: 405 method_not_allowed with
    // an Allow header listing the path's methods (GET implies HEAD). The response's `route` is
    // the matched pattern. Exceptions from handlers propagate (the server answers 500).
    Response Route(const Request& request) const;

    // A Handler that calls Route(); the Router must outlive it.
    Handler AsHandler() const;

private:
    struct Segment {
        std::string text;  // literal text, or the param name
        bool is_param = false;
    };
    struct RouteEntry {
        Method method;
        std::string pattern;
        std::vector<Segment> segments;
        RouteHandler handler;
        bool listed = true;  // false for AddRefusal: not a method the path allows
    };

    // True when `route` matches `path_segments`; fills `match` params.
    bool Matches(const RouteEntry& route, const std::vector<std::string_view>& path_segments,
                 RouteMatch& match) const;
    static bool MoreSpecific(const RouteEntry& a, const RouteEntry& b);

    RouterOptions options_;
    ErrorRenderer render_error_;
    std::vector<RouteEntry> routes_;
};

}  // namespace ea::http
