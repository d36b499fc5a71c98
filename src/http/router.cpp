#include "http/router.hpp"

#include <array>

namespace ea::http {
namespace {

// Splits "/a/b/" into {"a","b"}: the leading '/' and any trailing '/'s are not segments, so
// "/api/User//" routes like "/api/User" (the original API redirected it). An empty segment
// inside the path ("/api//x") stays one and matches no parameter.
std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> segments;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    if (path.empty()) {
        return segments;
    }
    while (true) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return segments;
}

constexpr std::array kAllowOrder = {Method::kGet,   Method::kHead,   Method::kPost,   Method::kPut,
                                    Method::kPatch, Method::kDelete, Method::kOptions};

}  // namespace

std::string_view RouteMatch::Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

Router::Router(RouterOptions options, ErrorRenderer render_error)
    : options_(options), render_error_(std::move(render_error)) {}

Status Router::Add(Method method, std::string_view pattern, RouteHandler handler) {
    if (method == Method::kOther) {
        return InvalidArgument("route " + std::string(pattern) + ": method must be a known one");
    }
    if (pattern.empty() || pattern.front() != '/') {
        return InvalidArgument("route " + std::string(pattern) + ": pattern must start with '/'");
    }
    RouteEntry entry{method, std::string(pattern), {}, std::move(handler)};
    for (std::string_view text : SplitPath(pattern)) {
        Segment segment;
        if (!text.empty() && text.front() == '{') {
            if (text.size() < 3 || text.back() != '}' ||
                text.substr(1, text.size() - 2).find_first_of("{}/") != std::string_view::npos) {
                return InvalidArgument("route " + entry.pattern + ": malformed parameter '" +
                                       std::string(text) + "'");
            }
            segment.text = std::string(text.substr(1, text.size() - 2));
            segment.is_param = true;
            for (const auto& other : entry.segments) {
                if (other.is_param && other.text == segment.text) {
                    return InvalidArgument("route " + entry.pattern + ": parameter '" +
                                           segment.text + "' appears twice");
                }
            }
        } else if (text.find_first_of("{}") != std::string_view::npos) {
            return InvalidArgument("route " + entry.pattern +
                                   ": a parameter must be a whole segment");
        } else {
            segment.text = std::string(text);
        }
        entry.segments.push_back(std::move(segment));
    }
    for (const auto& existing : routes_) {
        if (existing.method != method || existing.segments.size() != entry.segments.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t i = 0; i < entry.segments.size() && same; ++i) {
            const auto& a = existing.segments[i];
            const auto& b = entry.segments[i];
            same = a.is_param == b.is_param &&
                   (a.is_param ||
                    (options_.case_insensitive_literals ? EqualsIgnoreCase(a.text, b.text)
                                                        : a.text == b.text));
        }
        if (same) {
            return InvalidArgument("route " + std::string(ToString(method)) + " " + entry.pattern +
                                   " duplicates " + existing.pattern);
        }
    }
    routes_.push_back(std::move(entry));
    return Ok();
}

Status Router::AddRefusal(Method method, std::string_view pattern, RouteHandler handler) {
    auto added = Add(method, pattern, std::move(handler));
    if (added) {
        routes_.back().listed = false;
    }
    return added;
}

bool Router::Matches(const RouteEntry& route, const std::vector<std::string_view>& path_segments,
                     RouteMatch& match) const {
    if (route.segments.size() != path_segments.size()) {
        return false;
    }
    match.params.clear();
    for (std::size_t i = 0; i < path_segments.size(); ++i) {
        const auto& segment = route.segments[i];
        if (segment.is_param) {
            if (path_segments[i].empty()) {
                return false;
            }
            match.params.emplace_back(segment.text, path_segments[i]);
        } else if (options_.case_insensitive_literals
                       ? !EqualsIgnoreCase(segment.text, path_segments[i])
                       : segment.text != path_segments[i]) {
            return false;
        }
    }
    match.pattern = route.pattern;
    return true;
}

bool Router::MoreSpecific(const RouteEntry& a, const RouteEntry& b) {
    for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        if (a.segments[i].is_param != b.segments[i].is_param) {
            return !a.segments[i].is_param;
        }
    }
    return false;
}

Response Router::Route(const Request& request) const {
    const auto segments = SplitPath(request.path);
    const RouteEntry* best = nullptr;
    const RouteEntry* best_get = nullptr;       // HEAD falls back to GET
    const RouteEntry* most_specific = nullptr;  // of the listed routes matching the path
    bool path_known = false;
    std::array<bool, kAllowOrder.size()> allowed{};
    RouteMatch scratch;
    for (const auto& route : routes_) {
        if (!Matches(route, segments, scratch)) {
            continue;
        }
        path_known = true;
        if (route.listed) {
            for (std::size_t i = 0; i < kAllowOrder.size(); ++i) {
                if (kAllowOrder[i] == route.method ||
                    (kAllowOrder[i] == Method::kHead && route.method == Method::kGet)) {
                    allowed[i] = true;
                }
            }
            if (!most_specific || MoreSpecific(route, *most_specific)) {
                most_specific = &route;
            }
        }
        if (route.method == request.method && (!best || MoreSpecific(route, *best))) {
            best = &route;
        }
        if (route.method == Method::kGet && (!best_get || MoreSpecific(route, *best_get))) {
            best_get = &route;
        }
    }
    if (best && !best->listed && most_specific && MoreSpecific(*most_specific, *best)) {
        best = nullptr;  // a refusal speaks only for its own pattern
    }
    if (!best && request.method == Method::kHead) {
        best = best_get;
    }
    if (best) {
        RouteMatch match;
        Matches(*best, segments, match);
        Response response = best->handler(request, match);
        if (response.route.empty()) {
            response.route = best->pattern;
        }
        return response;
    }
    if (!path_known) {
        return render_error_(404, "not_found", "no route for " + request.path);
    }
    std::string allow;
    for (std::size_t i = 0; i < kAllowOrder.size(); ++i) {
        if (allowed[i]) {
            if (!allow.empty()) {
                allow += ", ";
            }
            allow += ToString(kAllowOrder[i]);
        }
    }
    Response response = render_error_(405, "method_not_allowed",
                                      "method " + request.method_text + " is not allowed on " +
                                          request.path + "; allowed: " + allow);
    response.headers.Set("Allow", allow);
    return response;
}

Handler Router::AsHandler() const {
    return [this](const Request& request) { return Route(request); };
}

}  // namespace ea::http
