// The Events API envelopes: {"data", "pagination"?, "notifications", "status"} for success and the
// same shape with "status":"error" for every failure (see error_response.hpp).
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "http/http_types.hpp"
#include "query/query.hpp"
#include "store/document_store.hpp"

namespace ea::rest {

inline constexpr const char* kJsonContentType = "application/json";

// {"data": data, "notifications": {}, "status": "success"} with `status_code`.
http::Response DataResponse(boost::json::value data, int status_code = 200);

// The list envelope with pagination, any warnings the store produced (notifications.warnings:
// {"account": ["Account x (referenced by accountId) no longer exists"]}) and what the request
// asked for that was ignored (notifications.request_warnings: [{"field": "view", "message": ...}]).
// Each key appears only when it has something to say.
// Takes the result by value: its rows move into the body instead of being copied.
http::Response ListResponse(store::ListResult result,
                            const std::vector<query::RequestWarning>& request_warnings = {});

// One record read with a view: {"data": record, "notifications": {...}} as ListResponse has them.
http::Response RecordResponse(store::GetResult result,
                              const std::vector<query::RequestWarning>& request_warnings);

// Any JSON body (login answers and other shapes the original API defined).
http::Response JsonResponse(const boost::json::value& body, int status_code = 200);
// The same for an object: written from the object itself, not from a copy made into a value.
http::Response JsonResponse(const boost::json::object& body, int status_code = 200);

}  // namespace ea::rest
