// The one table from ErrorCode to HTTP status, and the error envelope every failure uses:
// {"data":null,"notifications":{"errors":[{code,message,field?}],"warnings":{},"request_warnings":[]},
//  "status":"error"}. kInternal never shows its message: the log has it under the request id.
#pragma once

#include <string>

#include "common/error.hpp"
#include "http/http_types.hpp"

namespace ea::rest {

int HttpStatusFor(ErrorCode code);

// The envelope for `error`; 429 carries Retry-After. `request_id` is quoted in 500 answers.
http::Response ErrorResponse(const Error& error, const std::string& request_id = "");

// The envelope for errors the transport finds itself (the http::ErrorRenderer).
http::Response ProtocolErrorResponse(int status, std::string code, std::string message);

}  // namespace ea::rest
