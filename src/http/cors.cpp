#include "http/cors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <utility>

namespace ea::http {
namespace {

constexpr std::string_view kAllowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kExposedHeaders =
    "X-Request-Id, ETag, Location, Retry-After, Mcp-Session-Id, WWW-Authenticate";
constexpr std::string_view kPreflightRoute = "(cors preflight)";

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool IsHostChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
           c == '[' || c == ']' || c == ':';
}

// HEAD is not in the list a preflight answers with, but it is CORS-safelisted: browsers allow it
// whatever the list says, and preflight it when it carries a header such as Authorization.
bool IsAllowedMethod(std::string_view method) {
    return ParseMethod(method) != Method::kOther;
}

struct Policy {
    CorsOptions options;
    ErrorRenderer render_error;
    Handler next;
    std::string max_age;

    bool Allows(std::string_view origin) const {
        return std::any_of(options.allowed_origins.begin(), options.allowed_origins.end(),
                           [&](const std::string& allowed) { return allowed == origin; });
    }

    Response Preflight(const Request& request, std::string_view origin,
                       std::string_view method) const {
        if (!Allows(origin)) {
            Response refused =
                render_error(403, "forbidden",
                             "this origin is not allowed to call the API (cors.allowed_origins)");
            refused.route = kPreflightRoute;
            return refused;
        }
        if (!IsAllowedMethod(method)) {
            Response refused =
                render_error(403, "forbidden",
                             "method '" + std::string(method) +
                                 "' is not allowed in cross-origin requests; allowed: " +
                                 std::string(kAllowedMethods));
            refused.route = kPreflightRoute;
            return refused;
        }
        Response response;
        response.status = 204;
        response.route = kPreflightRoute;
        response.headers.Add("Access-Control-Allow-Origin", std::string(origin));
        response.headers.Add("Access-Control-Allow-Credentials", "true");
        response.headers.Add("Access-Control-Allow-Methods", std::string(kAllowedMethods));
        // "*" means "any header" only without credentials, so the requested list is echoed.
        if (auto headers = request.Header("Access-Control-Request-Headers");
            headers && !headers->empty()) {
            response.headers.Add("Access-Control-Allow-Headers", std::string(*headers));
        }
        response.headers.Add("Access-Control-Max-Age", max_age);
        return response;
    }

    Response operator()(const Request& request) const {
        const auto origin = request.Header("Origin");
        Response response;
        if (origin && request.method == Method::kOptions) {
            if (auto method = request.Header("Access-Control-Request-Method")) {
                response = Preflight(request, *origin, *method);
                response.headers.Add("Vary",
                                     "Origin, Access-Control-Request-Method, "
                                     "Access-Control-Request-Headers");
                return response;
            }
        }
        response = next(request);
        if (origin && Allows(*origin)) {
            response.headers.Set("Access-Control-Allow-Origin", std::string(*origin));
            response.headers.Set("Access-Control-Allow-Credentials", "true");
            response.headers.Set("Access-Control-Expose-Headers", std::string(kExposedHeaders));
        }
        response.headers.Add("Vary", "Origin");
        return response;
    }
};

}  // namespace

Result<std::string> NormalizeOrigin(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    if (text == "*") {
        return InvalidArgument(
            "origin '*' is not allowed: responses carry credentials (cookies), which browsers "
            "never accept with a wildcard; list each origin");
    }
    std::string origin = Lower(text);
    if (origin == "null") {
        return InvalidArgument(
            "origin 'null' is not allowed: sandboxed pages and local files all send it");
    }
    std::string_view scheme;
    std::string_view rest = origin;
    for (std::string_view candidate : {"http://", "https://"}) {
        if (rest.starts_with(candidate)) {
            scheme = candidate;
            rest.remove_prefix(candidate.size());
        }
    }
    if (scheme.empty()) {
        return InvalidArgument("origin " + quoted + " must start with http:// or https://");
    }
    if (rest.ends_with('/')) {
        rest.remove_suffix(1);  // "http://localhost:4200/" is how people often write it
    }
    if (rest.empty() || !std::all_of(rest.begin(), rest.end(), IsHostChar)) {
        return InvalidArgument("origin " + quoted +
                               " must be scheme://host[:port], without a path, query or user");
    }
    std::string_view host = rest;
    std::string_view port;
    if (const auto colon = rest.rfind(':');
        colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
        unsigned value = 0;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value == 0 ||
            value > 65535) {
            return InvalidArgument("origin " + quoted + " has an invalid port");
        }
    }
    if (host.empty()) {
        return InvalidArgument("origin " + quoted + " has no host");
    }
    const bool default_port =
        (scheme == "http://" && port == "80") || (scheme == "https://" && port == "443");
    std::string out = std::string(scheme) + std::string(host);
    if (!port.empty() && !default_port) {
        out += ":" + std::string(port);
    }
    return out;
}

Handler WithCors(CorsOptions options, ErrorRenderer render_error, Handler next) {
    if (options.allowed_origins.empty()) {
        return next;
    }
    if (!render_error) {
        render_error = DefaultErrorResponse;
    }
    auto policy =
        std::make_shared<const Policy>(Policy{options, std::move(render_error), std::move(next),
                                              std::to_string(options.max_age.count())});
    return [policy](const Request& request) { return (*policy)(request); };
}

}  // namespace ea::http
