#include "rest/rest_api.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "http/target.hpp"
#include "query/aggregate.hpp"
#include "rest/docs_page.hpp"
#include "rest/envelope.hpp"
#include "rest/error_response.hpp"
#include "rest/list_params.hpp"
#include "rest/openapi.hpp"
#include "rest/preconditions.hpp"
#include "service/aggregate_json.hpp"
#include "service/schema_description.hpp"

namespace ea::rest {
namespace {

constexpr const char* kSessionCookie = "sessionId";
constexpr std::size_t kMaxJsonDepth = 32;

http::Response Fail(const Error& error, const http::Request& request) {
    return ErrorResponse(error, request.request_id);
}

// The session token from the sessionId cookie or an "Authorization: Bearer" header.
std::optional<std::string_view> TokenOf(const http::Request& request) {
    if (auto header = request.Header("Authorization")) {
        constexpr std::string_view kBearer = "Bearer ";
        if (header->size() > kBearer.size() &&
            http::EqualsIgnoreCase(header->substr(0, kBearer.size()), kBearer)) {
            return header->substr(kBearer.size());
        }
    }
    return request.Cookie(kSessionCookie);
}

bool IsJsonContentType(const http::Request& request) {
    auto type = request.Header("Content-Type");
    if (!type) {
        return false;
    }
    auto media = type->substr(0, type->find(';'));
    while (!media.empty() && media.back() == ' ') {
        media.remove_suffix(1);
    }
    return http::EqualsIgnoreCase(media, "application/json");
}

// The request body as JSON: 415 unless JSON, 400 when empty, malformed or too deep.
Result<boost::json::value> JsonBody(const http::Request& request) {
    if (!IsJsonContentType(request)) {
        return Error{ErrorCode::kInvalidArgument, "unsupported_media_type"};
    }
    if (request.body.empty()) {
        return InvalidArgument("the request body is empty; send a JSON object");
    }
    boost::json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    boost::system::error_code ec;
    auto value = boost::json::parse(request.body, ec, {}, options);
    if (ec) {
        return InvalidArgument("the request body is not valid JSON: " + ec.message());
    }
    return value;
}

http::Response BodyError(const Error& error, const http::Request& request) {
    if (error.message == "unsupported_media_type") {
        return ProtocolErrorResponse(415, "unsupported_media_type",
                                     "Content-Type must be application/json");
    }
    return Fail(error, request);
}

Result<Record> JsonObjectBody(const http::Request& request) {
    auto value = JsonBody(request);
    if (!value) {
        return value.error();
    }
    if (!value->is_object()) {
        return InvalidArgument("the request body must be a JSON object");
    }
    return std::move(value->get_object());
}

// The list parameters of a get-by-id, POST or PUT are checked but not used (the original did so).
Status CheckListParams(const schema::Entity& entity, const http::Request& request) {
    auto params = http::ParseQueryString(request.query);
    if (!params) {
        return params.error();
    }
    auto parsed = ParseListParams(entity, *params);
    if (!parsed) {
        return parsed.error();
    }
    return Ok();
}

std::string AllowFor(const schema::Entity& entity, bool item) {
    std::string allow;
    auto add = [&](const char* method) {
        allow += allow.empty() ? "" : ", ";
        allow += method;
    };
    if (entity.Allows(schema::kRead)) {
        add("GET");
        add("HEAD");
    }
    if (!item && entity.Allows(schema::kCreate)) {
        add("POST");
    }
    if (item && entity.Allows(schema::kUpdate)) {
        add("PUT");
        add("PATCH");
    }
    if (item && entity.Allows(schema::kDelete)) {
        add("DELETE");
    }
    return allow;
}

http::Response EntityError(const Error& error, const http::Request& request,
                           const schema::Entity& entity, bool item) {
    auto response = Fail(error, request);
    if (error.code == ErrorCode::kMethodNotAllowed) {
        response.headers.Set("Allow", AllowFor(entity, item));
    }
    return response;
}

std::string FormValue(std::string_view body, std::string_view name) {
    auto params = http::ParseQueryString(body);
    if (!params) {
        return "";
    }
    std::string value;
    for (const auto& [key, v] : *params) {
        if (key == name) {
            value = v;
        }
    }
    return value;
}

// The scheme-less authority ("host:port") of an absolute http(s) URL, or "" when it is not one.
std::string_view AuthorityOf(std::string_view url) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (url.size() > scheme.size() &&
            http::EqualsIgnoreCase(url.substr(0, scheme.size()), scheme)) {
            auto rest = url.substr(scheme.size());
            return rest.substr(0, rest.find_first_of("/?#"));
        }
    }
    return {};
}

// CSRF: a browser sends cookies (and open mode needs none) with a cross-site HTML form post,
// which is never JSON. Such a request acts only when it provably comes from one of our own
// pages: its Origin (or, without one, its Referer) names the host it was sent to. A bearer token
// is never sent by a browser on its own, so it needs no such proof.
Status CheckFormOrigin(const http::Request& request) {
    if (IsJsonContentType(request)) {
        return Ok();
    }
    if (auto header = request.Header("Authorization");
        header && header->size() > 7 && http::EqualsIgnoreCase(header->substr(0, 7), "Bearer ")) {
        return Ok();
    }
    const auto host = request.Header("Host");
    const auto origin = request.Header("Origin");
    const auto referer = request.Header("Referer");
    std::string_view authority;
    if (origin && *origin != "null") {
        authority = AuthorityOf(*origin);
    } else if (referer) {
        authority = AuthorityOf(*referer);
    }
    if (host && !host->empty() && !authority.empty() && http::EqualsIgnoreCase(authority, *host)) {
        return Ok();
    }
    return Error{ErrorCode::kForbidden,
                 "cross-site request refused: a form post with a cookie session needs an Origin "
                 "or Referer header of this server (or send a bearer token)"};
}

}  // namespace

RestApi::RestApi(const schema::Schema& schema, service::DocumentService& documents,
                 service::AuthService& auth, service::AdminService& admin, RestOptions options)
    : schema_(schema),
      documents_(documents),
      auth_(auth),
      admin_(admin),
      options_(std::move(options)) {}

Status RestApi::Register(http::Router& router) {
    using http::Method;
    struct Route {
        Method method;
        const char* pattern;
        AuthedHandler handler;
    };
    const Route routes[] = {
        {Method::kGet, "/api/metadata", &RestApi::Metadata},
        {Method::kGet, "/api/db/report", &RestApi::DbReport},
        {Method::kGet, "/api/db/init", &RestApi::DbInitPage},
        {Method::kPost, "/api/db/init/confirmed", &RestApi::DbInitConfirmed},
        {Method::kGet, "/api/{entity}", &RestApi::List},
        {Method::kPost, "/api/{entity}", &RestApi::Create},
        {Method::kGet, "/api/{entity}/{id}", &RestApi::Get},
        {Method::kGet, "/api/{entity}/_aggregate", &RestApi::Aggregate},
        {Method::kPut, "/api/{entity}/{id}", &RestApi::Replace},
        {Method::kPatch, "/api/{entity}/{id}", &RestApi::Patch},
        {Method::kDelete, "/api/{entity}/{id}", &RestApi::Delete},
    };
    for (const auto& route : routes) {
        if (auto status = Add(router, route.method, route.pattern, Member(route.handler));
            !status) {
            return status;
        }
    }
    // The methods an entity route never takes are refused here, not by the router, so that
    // `Allow` lists what this entity's operations allow (the router's 405 would list every method
    // registered for the path, POST on Crawl's collection included).
    Status not_allowed[] = {
        router.AddRefusal(Method::kPut, "/api/{entity}",
                          Authenticated(Member(&RestApi::NotAllowed))),
        router.AddRefusal(Method::kPatch, "/api/{entity}",
                          Authenticated(Member(&RestApi::NotAllowed))),
        router.AddRefusal(Method::kDelete, "/api/{entity}",
                          Authenticated(Member(&RestApi::NotAllowed))),
        router.AddRefusal(Method::kPost, "/api/{entity}/{id}",
                          Authenticated(Member(&RestApi::NotAllowed))),
    };
    for (const auto& status : not_allowed) {
        if (!status) {
            return status;
        }
    }
    // What the caller may do, one document per role made once (openapi.hpp). No session needed:
    // without one (or with one that ended) it describes the public routes, so the docs page
    // still loads and shows how to log in.
    auto openapi = std::make_shared<OpenApiDocuments>(
        schema_, OpenApiOptions{.auth_required = auth_.options().auth_required});
    if (auto status =
            AddPublic(router, Method::kGet, "/openapi.json",
                      [this, openapi](const http::Request& request, const http::RouteMatch&) {
                          const auto ctx = Authenticate(request);
                          const Principal anonymous;
                          const auto document = openapi->For(ctx ? ctx->principal : anonymous);
                          auto response = http::MakeResponse(200, *document, kJsonContentType);
                          response.headers.Set("Cache-Control", "no-cache");
                          response.headers.Set("Vary", "Cookie, Authorization");
                          if (ctx) {
                              response.principal = ctx->principal.username;
                          }
                          return response;
                      });
        !status) {
        return status;
    }
    for (const auto& asset : DocsAssets()) {
        auto status = AddPublic(router, Method::kGet, asset.path,
                                [path = asset.path](const http::Request&, const http::RouteMatch&) {
                                    return *DocsResponse(path);
                                });
        if (!status) {
            return status;
        }
    }
    for (const auto& entity_ptr : schema_.entities()) {
        const schema::Entity* entity = entity_ptr.get();
        if (!entity->auth()) {
            continue;
        }
        std::string lower = entity->name();
        for (auto& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        // The original served auth without the /api prefix; both spellings stay. Login is the
        // one public auth route; logout, refresh and me authenticate like every other route.
        for (const std::string& prefix : {"/" + lower, "/api/" + lower}) {
            Status auth_routes[] = {
                AddPublic(router, Method::kPost, prefix + "/auth/login",
                          [this, entity](const http::Request& r, const http::RouteMatch&) {
                              return Login(r, *entity);
                          }),
                Add(router, Method::kPost, prefix + "/auth/logout",
                    [this](const http::Request& r, const http::RouteMatch&,
                           const service::RequestContext& ctx) { return Logout(r, ctx); }),
                Add(router, Method::kPost, prefix + "/auth/refresh",
                    [this, entity](const http::Request& r, const http::RouteMatch&,
                                   const service::RequestContext&) { return Refresh(r, *entity); }),
                Add(router, Method::kGet, prefix + "/auth/me",
                    [this, entity](const http::Request& r, const http::RouteMatch&,
                                   const service::RequestContext& ctx) {
                        return Me(r, *entity, ctx);
                    }),
            };
            for (const auto& status : auth_routes) {
                if (!status) {
                    return status;
                }
            }
        }
    }
    return Ok();
}

Result<service::RequestContext> RestApi::Authenticate(const http::Request& request) const {
    auto principal = auth_.Authenticate(TokenOf(request), std::chrono::system_clock::now());
    if (!principal) {
        return principal.error();
    }
    return service::RequestContext{*std::move(principal), request.request_id,
                                   service::Channel::kRest, std::chrono::system_clock::now()};
}

Status RestApi::Add(http::Router& router, http::Method method, std::string_view pattern,
                    AuthedRoute handler) {
    return router.Add(method, pattern, Authenticated(std::move(handler)));
}

http::RouteHandler RestApi::Authenticated(AuthedRoute handler) {
    return [this, handler = std::move(handler)](const http::Request& request,
                                                const http::RouteMatch& match) {
        auto ctx = Authenticate(request);
        if (!ctx) {
            return Fail(ctx.error(), request);
        }
        auto response = Guarded(request, [&] { return handler(request, match, *ctx); });
        response.principal = ctx->principal.username;
        return response;
    };
}

Status RestApi::AddPublic(http::Router& router, http::Method method, std::string_view pattern,
                          http::RouteHandler handler) {
    auto guarded = [handler = std::move(handler)](const http::Request& request,
                                                  const http::RouteMatch& match) {
        return Guarded(request, [&] { return handler(request, match); });
    };
    if (auto status = router.Add(method, pattern, std::move(guarded)); !status) {
        return status;
    }
    public_routes_.push_back(std::string(http::ToString(method)) + " " + std::string(pattern));
    return Ok();
}

http::Response RestApi::Guarded(const http::Request& request,
                                const std::function<http::Response()>& handler) {
    // Exceptions stop at the adapter: the client gets a 500 naming the request id, the log the
    // exception's text (Response::log_detail).
    std::string what;
    try {
        return handler();
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "unknown exception";
    }
    Error error = Internal("handler exception");
    error.detail = std::move(what);
    return Fail(error, request);
}

RestApi::AuthedRoute RestApi::Member(AuthedHandler handler) {
    return [this, handler](const http::Request& request, const http::RouteMatch& match,
                           const service::RequestContext& ctx) {
        return (this->*handler)(request, match, ctx);
    };
}

Result<const schema::Entity*> RestApi::EntityFor(std::string_view name) const {
    return schema_.LookupEntity(name);
}

http::Response RestApi::NotAllowed(const http::Request& request, const http::RouteMatch& match,
                                   const service::RequestContext&) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    const bool item = !match.Param("id").empty();
    return EntityError(Error{ErrorCode::kMethodNotAllowed,
                             (*entity)->name() + " does not allow " + request.method_text +
                                 (item ? " on a record" : " on the collection")},
                       request, **entity, item);
}

http::Response RestApi::List(const http::Request& request, const http::RouteMatch& match,
                             const service::RequestContext& ctx) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    auto params = http::ParseQueryString(request.query);
    if (!params) {
        return Fail(params.error(), request);
    }
    auto query = ParseListParams(**entity, *params);
    if (!query) {
        return Fail(query.error(), request);
    }
    auto result = documents_.List(ctx, **entity, *query);
    if (!result) {
        return EntityError(result.error(), request, **entity, false);
    }
    return ListResponse(*std::move(result), query->warnings);
}

http::Response RestApi::Get(const http::Request& request, const http::RouteMatch& match,
                            const service::RequestContext& ctx) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    // The list parameters are checked; of them only view and fields apply to one record.
    auto params = http::ParseQueryString(request.query);
    if (!params) {
        return Fail(params.error(), request);
    }
    auto query = ParseListParams(**entity, *params);
    if (!query) {
        return Fail(query.error(), request);
    }
    auto got = documents_.Get(ctx, **entity, match.Param("id"), query->view, query->fields);
    if (!got) {
        return EntityError(got.error(), request, **entity, true);
    }
    const std::string etag = ETagFor(got->record);
    auto response = RecordResponse(*std::move(got), query->warnings);
    if (!etag.empty()) {
        response.headers.Set("ETag", etag);
    }
    return response;
}

http::Response RestApi::Create(const http::Request& request, const http::RouteMatch& match,
                               const service::RequestContext& ctx) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    if (!(*entity)->Allows(schema::kCreate)) {
        return EntityError(
            Error{ErrorCode::kMethodNotAllowed, (*entity)->name() + " does not allow create"},
            request, **entity, false);
    }
    if (auto checked = CheckListParams(**entity, request); !checked) {
        return Fail(checked.error(), request);
    }
    auto body = JsonBody(request);
    if (!body) {
        return BodyError(body.error(), request);
    }
    if (body->is_array()) {  // a batch: all records or none
        std::vector<Record> records;
        for (const auto& item : body->get_array()) {
            if (!item.is_object()) {
                return Fail(InvalidArgument("every item of a batch must be a JSON object"),
                            request);
            }
            records.push_back(item.get_object());
        }
        auto created = documents_.CreateMany(ctx, **entity, records);
        if (!created) {
            return EntityError(created.error(), request, **entity, false);
        }
        boost::json::array data;
        for (auto& record : *created) {
            data.emplace_back(std::move(record));
        }
        return DataResponse(std::move(data), 201);
    }
    if (!body->is_object()) {
        return Fail(InvalidArgument("the request body must be a JSON object (or an array of them)"),
                    request);
    }
    auto created = documents_.Create(ctx, **entity, body->get_object());
    if (!created) {
        return EntityError(created.error(), request, **entity, false);
    }
    const std::string etag = ETagFor(*created);
    auto response = DataResponse(*std::move(created), 201);
    if (!etag.empty()) {
        response.headers.Set("ETag", etag);
    }
    return response;
}

http::Response RestApi::Replace(const http::Request& request, const http::RouteMatch& match,
                                const service::RequestContext& ctx) {
    return Update(request, match, ctx, &service::DocumentService::Replace);
}

http::Response RestApi::Patch(const http::Request& request, const http::RouteMatch& match,
                              const service::RequestContext& ctx) {
    return Update(request, match, ctx, &service::DocumentService::Patch);
}

http::Response RestApi::Update(const http::Request& request, const http::RouteMatch& match,
                               const service::RequestContext& ctx, UpdateCall call) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    if (auto checked = CheckListParams(**entity, request); !checked) {
        return Fail(checked.error(), request);
    }
    auto body = JsonObjectBody(request);
    if (!body) {
        return BodyError(body.error(), request);
    }
    auto expected = ParseIfMatch(request);
    if (!expected) {
        return Fail(expected.error(), request);
    }
    auto updated = (documents_.*call)(ctx, **entity, match.Param("id"), *body, *expected);
    if (!updated) {
        return EntityError(updated.error(), request, **entity, true);
    }
    const std::string etag = ETagFor(*updated);
    auto response = DataResponse(*std::move(updated));
    if (!etag.empty()) {
        response.headers.Set("ETag", etag);
    }
    return response;
}

http::Response RestApi::Delete(const http::Request& request, const http::RouteMatch& match,
                               const service::RequestContext& ctx) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    auto expected = ParseIfMatch(request);
    if (!expected) {
        return Fail(expected.error(), request);
    }
    // With If-Match a missing record is 412 (the service says so), not the idempotent 200.
    auto deleted = documents_.Delete(ctx, **entity, match.Param("id"), *expected);
    if (!deleted) {
        if (deleted.error().code == ErrorCode::kNotFound) {
            return DataResponse(boost::json::object());  // idempotent: nothing left to delete
        }
        return EntityError(deleted.error(), request, **entity, true);
    }
    return DataResponse(*std::move(deleted));
}

http::Response RestApi::Login(const http::Request& request, const schema::Entity& entity) {
    auto body = JsonObjectBody(request);
    if (!body) {
        return BodyError(body.error(), request);
    }
    const auto* username = body->if_contains("username");
    const auto* password = body->if_contains("password");
    if (username == nullptr || !username->is_string() || password == nullptr ||
        !password->is_string()) {
        Error error = InvalidArgument("send {\"username\": \"...\", \"password\": \"...\"}");
        return Fail(error, request);
    }
    const service::RequestContext ctx{Principal{}, request.request_id, service::Channel::kRest,
                                      std::chrono::system_clock::now()};
    auto login = auth_.Login(ctx, entity, username->get_string(), password->get_string(),
                             request.remote_address);
    if (!login) {
        return Fail(login.error(), request);
    }
    auto response = JsonResponse(boost::json::object{
        {"success", true}, {"message", "Login successful"}, {"token", login->token}});
    response.headers.Add("Set-Cookie",
                         SessionCookie(login->token, auth_.options().session_ttl.count()));
    return response;
}

http::Response RestApi::Logout(const http::Request& request, const service::RequestContext& ctx) {
    auto token = TokenOf(request);
    if (!token) {  // open mode's anonymous administrator has no session to end
        return Fail(Error{ErrorCode::kUnauthenticated, "no session: log in first"}, request);
    }
    if (auto out = auth_.Logout(ctx, *token); !out) {
        return Fail(out.error(), request);
    }
    auto response =
        JsonResponse(boost::json::object{{"success", true}, {"message", "Logout successful"}});
    response.headers.Add("Set-Cookie", SessionCookie("", 0));
    return response;
}

http::Response RestApi::Refresh(const http::Request& request, const schema::Entity& entity) {
    auto token = TokenOf(request);
    if (!token) {
        return Fail(Error{ErrorCode::kUnauthenticated, "no session: log in first"}, request);
    }
    auto session = auth_.Refresh(entity, *token, std::chrono::system_clock::now());
    if (!session) {
        return Fail(session.error(), request);
    }
    const auto ttl = auth_.options().session_ttl.count();
    auto response = JsonResponse(boost::json::object{
        {"success", true}, {"message", "Session refreshed"}, {"expiresIn", ttl}});
    response.headers.Add("Set-Cookie", SessionCookie(std::string(*token), ttl));
    return response;
}

http::Response RestApi::Me(const http::Request& request, const schema::Entity& entity,
                           const service::RequestContext& ctx) {
    auto me = auth_.Me(entity, ctx.principal);
    return me ? DataResponse(*std::move(me)) : Fail(me.error(), request);
}

http::Response RestApi::Metadata(const http::Request&, const http::RouteMatch&,
                                 const service::RequestContext& ctx) {
    return JsonResponse(service::DescribeSchemaFor(schema_, ctx.principal, documents_.backend()));
}

http::Response RestApi::DbReport(const http::Request& request, const http::RouteMatch&,
                                 const service::RequestContext& ctx) {
    auto report = admin_.Report(ctx);
    if (!report) {
        return Fail(report.error(), request);
    }
    return JsonResponse(*report);
}

http::Response RestApi::DbInitPage(const http::Request& request, const http::RouteMatch&,
                                   const service::RequestContext& ctx) {
    if (auto admin = service::AdminService::RequireAdmin(ctx); !admin) {
        return Fail(admin.error(), request);
    }
    std::string page =
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Initialise database</title>"
        "</head><body><h1>Initialise the database</h1><p>This deletes <strong>every record of "
        "every entity</strong> and re-creates empty tables. It cannot be undone.</p>"
        "<form method=\"post\" action=\"/api/db/init/confirmed\"><label>Type <code>";
    page += service::kResetConfirmation;
    page +=
        "</code> to confirm: <input name=\"confirm\" autocomplete=\"off\"></label> "
        "<button type=\"submit\">Delete everything</button></form></body></html>";
    return http::MakeResponse(200, std::move(page), "text/html; charset=utf-8");
}

http::Response RestApi::DbInitConfirmed(const http::Request& request, const http::RouteMatch&,
                                        const service::RequestContext& ctx) {
    if (auto same_origin = CheckFormOrigin(request); !same_origin) {
        return Fail(same_origin.error(), request);
    }
    std::string confirmation;
    if (IsJsonContentType(request)) {
        auto body = JsonObjectBody(request);
        if (!body) {
            return BodyError(body.error(), request);
        }
        if (const auto* confirm = body->if_contains("confirm"); confirm && confirm->is_string()) {
            confirmation = confirm->get_string();
        }
    } else {
        confirmation = FormValue(request.body, "confirm");
    }
    if (auto reset = admin_.Reset(ctx, confirmation); !reset) {
        return Fail(reset.error(), request);
    }
    return JsonResponse(boost::json::object{
        {"success", true}, {"message", "database initialised: every table is empty"}});
}

std::string RestApi::SessionCookie(const std::string& token, long max_age_seconds) const {
    std::string cookie =
        std::string(kSessionCookie) + "=" + token +
        "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_seconds);
    if (options_.secure_cookies) {
        cookie += "; Secure";
    }
    return cookie;
}

// The parameters are text: metrics=count,avg:cost, groupBy=location, filter and filter_matching
// as a list's (REST's contains default). Names ignore case; any other parameter is refused.
http::Response RestApi::Aggregate(const http::Request& request, const http::RouteMatch& match,
                                  const service::RequestContext& ctx) {
    auto entity = EntityFor(match.Param("entity"));
    if (!entity) {
        return Fail(entity.error(), request);
    }
    auto params = http::ParseQueryString(request.query);
    if (!params) {
        return Fail(params.error(), request);
    }
    query::AggregateArguments arguments;
    for (const auto& [name, text] : *params) {
        if (http::EqualsIgnoreCase(name, "metrics")) {
            arguments.metrics = boost::json::value(text);
        } else if (http::EqualsIgnoreCase(name, "groupBy")) {
            arguments.group_by = boost::json::value(text);
        } else if (http::EqualsIgnoreCase(name, "filter_matching")) {
            arguments.filter_matching =
                text.empty() ? boost::json::value() : boost::json::value(text);
        } else if (http::EqualsIgnoreCase(name, "filter")) {
            if (text.empty()) {
                arguments.filter = nullptr;
            } else if (text.front() == '{') {
                arguments.filter = boost::json::value(text);  // JSON text
                arguments.filter_values = query::CoerceFrom::kJson;
            } else {
                auto json = FilterTextToJson(text);
                if (!json) {
                    return Fail(json.error(), request);
                }
                arguments.filter = *std::move(json);
                arguments.filter_values = query::CoerceFrom::kText;
            }
        } else {
            const std::string shown(std::string_view(name).substr(0, 64));
            const std::string problem =
                "unknown parameter '" + shown +
                "'; valid parameters: metrics, groupBy, filter, filter_matching";
            return Fail(Error{ErrorCode::kInvalidArgument, problem, {{shown, problem}}}, request);
        }
    }
    auto parsed = query::BuildAggregateQuery(**entity, arguments, query::kRestListDefaults);
    if (!parsed) {
        return Fail(parsed.error(), request);
    }
    query::AggregateQuery asked;  // names the result's columns; the service rewrites its copy
    asked.metrics = parsed->metrics;
    asked.group_by = parsed->group_by;
    auto result = documents_.Aggregate(ctx, **entity, *std::move(parsed));
    if (!result) {
        return EntityError(result.error(), request, **entity, false);
    }
    return DataResponse(boost::json::object{
        {"groups", service::AggregateGroupsJson(asked, *result)}, {"truncated", result->truncated}});
}

}  // namespace ea::rest
