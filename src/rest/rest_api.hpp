// The REST face: registers the Events API routes on an http::Router. Handlers only translate HTTP
// to service calls and back; every rule lives in service/. See docs/rest.md for the contract.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "http/router.hpp"
#include "schema/schema.hpp"
#include "service/admin_service.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"

namespace ea::rest {

struct RestOptions {
    // Secure cookies unless the server listens on plain loopback (see docs/security.md).
    bool secure_cookies = true;
    std::string project_name = "events-api";
};

class RestApi {
public:
    // Every reference must outlive the RestApi and the router it registers on.
    RestApi(const schema::Schema& schema, service::DocumentService& documents,
            service::AuthService& auth, service::AdminService& admin, RestOptions options);

    // Adds every route: /api/{entity}[/{id}], auth routes for entities with the auth service,
    // /api/metadata and the admin /api/db routes, the OpenAPI document and the docs page.
    // Every route needs a session (or open mode's anonymous administrator) except those added
    // through AddPublic: login, /openapi.json and the docs page.
    [[nodiscard]] Status Register(http::Router& router);

    // A handler behind authentication: the wrapper authenticates first (401 without a valid
    // session) and passes the caller's context.
    using AuthedRoute = std::function<http::Response(const http::Request&, const http::RouteMatch&,
                                                     const service::RequestContext&)>;

    // Registers a route that requires a session. This is the default way to add a route.
    [[nodiscard]] Status Add(http::Router& router, http::Method method, std::string_view pattern,
                             AuthedRoute handler);
    // Registers a route anyone may call without a session, and records it in public_routes().
    // Use only for routes that reveal nothing about the data (login, health, docs).
    [[nodiscard]] Status AddPublic(http::Router& router, http::Method method,
                                   std::string_view pattern, http::RouteHandler handler);

    // "METHOD /pattern" of every route registered through AddPublic, in registration order.
    const std::vector<std::string>& public_routes() const { return public_routes_; }

private:
    Result<service::RequestContext> Authenticate(const http::Request& request) const;
    Result<const schema::Entity*> EntityFor(std::string_view name) const;

    // Handlers behind authentication get the caller's context from the route wrapper.
    using AuthedHandler = http::Response (RestApi::*)(const http::Request&, const http::RouteMatch&,
                                                      const service::RequestContext&);
    AuthedRoute Member(AuthedHandler handler);
    // `handler` behind the session check every route but the public ones passes.
    http::RouteHandler Authenticated(AuthedRoute handler);
    // Runs `handler`; an exception becomes a 500 (internal) whose log detail is its text.
    static http::Response Guarded(const http::Request& request,
                                  const std::function<http::Response()>& handler);

    http::Response List(const http::Request& request, const http::RouteMatch& match,
                        const service::RequestContext& ctx);
    http::Response Get(const http::Request& request, const http::RouteMatch& match,
                       const service::RequestContext& ctx);
    http::Response Create(const http::Request& request, const http::RouteMatch& match,
                          const service::RequestContext& ctx);
    http::Response Replace(const http::Request& request, const http::RouteMatch& match,
                           const service::RequestContext& ctx);
    http::Response Patch(const http::Request& request, const http::RouteMatch& match,
                         const service::RequestContext& ctx);
    http::Response Delete(const http::Request& request, const http::RouteMatch& match,
                          const service::RequestContext& ctx);
    // GET /api/{entity}/_aggregate: DocumentService::Aggregate (docs/rest.md, "Aggregates").
    http::Response Aggregate(const http::Request& request, const http::RouteMatch& match,
                             const service::RequestContext& ctx);
    // PUT and PATCH differ only in the service call.
    using UpdateCall = Result<Record> (service::DocumentService::*)(
        const service::RequestContext&, const schema::Entity&, std::string_view, const Record&,
        const std::optional<service::Precondition>&);
    http::Response Update(const http::Request& request, const http::RouteMatch& match,
                          const service::RequestContext& ctx, UpdateCall call);
    // 405 for a method no entity route takes (DELETE on a collection, POST on a record), with the
    // entity's own Allow.
    http::Response NotAllowed(const http::Request& request, const http::RouteMatch& match,
                              const service::RequestContext& ctx);
    http::Response Metadata(const http::Request& request, const http::RouteMatch& match,
                            const service::RequestContext& ctx);
    http::Response DbReport(const http::Request& request, const http::RouteMatch& match,
                            const service::RequestContext& ctx);
    http::Response DbInitPage(const http::Request& request, const http::RouteMatch& match,
                              const service::RequestContext& ctx);
    http::Response DbInitConfirmed(const http::Request& request, const http::RouteMatch& match,
                                   const service::RequestContext& ctx);

    http::Response Login(const http::Request& request, const schema::Entity& entity);
    http::Response Logout(const http::Request& request, const service::RequestContext& ctx);
    http::Response Refresh(const http::Request& request, const schema::Entity& entity);
    http::Response Me(const http::Request& request, const schema::Entity& entity,
                      const service::RequestContext& ctx);

    std::string SessionCookie(const std::string& token, long max_age_seconds) const;

    const schema::Schema& schema_;
    service::DocumentService& documents_;
    service::AuthService& auth_;
    service::AdminService& admin_;
    RestOptions options_;
    std::vector<std::string> public_routes_;
};

}  // namespace ea::rest
