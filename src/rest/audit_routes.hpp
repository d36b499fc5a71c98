// GET /api/_audit: the audit trail (service::AuditLog) with the usual list query (filter, sort,
// page, pageSize, count; docs/rest.md), for the admin role only (403 for any other).
#pragma once

#include "common/result.hpp"
#include "http/router.hpp"
#include "rest/rest_api.hpp"
#include "service/audit/audit_table.hpp"

namespace ea::rest {

inline constexpr const char* kAuditRoute = "/api/_audit";

// Registers the route behind the session check of `rest`. `audit` must outlive the router.
[[nodiscard]] Status RegisterAuditRoutes(RestApi& rest, http::Router& router,
                                         service::AuditLog& audit);

}  // namespace ea::rest
