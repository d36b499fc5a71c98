// The Events API envelopes: {"data", "pagination"?, "notifications", "status"} for success and the
// same shape with "status":"error" for every failure (see error_response.hpp).
#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "common/record.hpp"
#include "http/http_types.hpp"
#include "store/document_store.hpp"

namespace ea::rest {

inline constexpr const char* kJsonContentType = "application/json";

// {"data": data, "notifications": {}, "status": "success"} with `status_code`.
http::Response DataResponse(boost::json::value data, int status_code = 200);

// The list envelope with pagination and any warnings the store produced.
http::Response ListResponse(const store::ListResult& result);

// Any JSON body (login answers and other shapes the original API defined).
http::Response JsonResponse(const boost::json::value& body, int status_code = 200);

}  // namespace ea::rest
