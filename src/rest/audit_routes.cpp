#include "rest/audit_routes.hpp"

#include "http/target.hpp"
#include "rest/envelope.hpp"
#include "rest/error_response.hpp"
#include "rest/list_params.hpp"

namespace ea::rest {

Status RegisterAuditRoutes(RestApi& rest, http::Router& router, service::AuditLog& audit) {
    return rest.Add(router, http::Method::kGet, kAuditRoute,
                    [&audit](const http::Request& request, const http::RouteMatch&,
                             const service::RequestContext& ctx) {
                        // Refused before the query is parsed: a non-admin learns nothing about
                        // the table's fields from the error.
                        if (!service::AuditLog::MayRead(ctx)) {
                            return ErrorResponse(audit.List(ctx, query::Query{}).error(),
                                                 request.request_id);
                        }
                        auto params = http::ParseQueryString(request.query);
                        if (!params) {
                            return ErrorResponse(params.error(), request.request_id);
                        }
                        auto query = ParseListParams(audit.entity(), *params);
                        if (!query) {
                            return ErrorResponse(query.error(), request.request_id);
                        }
                        auto warnings = query->warnings;
                        auto events = audit.List(ctx, *std::move(query));
                        if (!events) {
                            return ErrorResponse(events.error(), request.request_id);
                        }
                        return ListResponse(*std::move(events), warnings);
                    });
}

}  // namespace ea::rest
