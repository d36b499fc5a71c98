#include "rest/error_response.hpp"

#include <boost/json.hpp>

#include "rest/envelope.hpp"

namespace ea::rest {
namespace {

http::Response Envelope(int status, boost::json::array errors) {
    boost::json::object notifications;
    notifications["errors"] = std::move(errors);
    notifications["warnings"] = boost::json::object();
    notifications["request_warnings"] = boost::json::array();
    boost::json::object body;
    body["data"] = nullptr;
    body["notifications"] = std::move(notifications);
    body["status"] = "error";
    return JsonResponse(body, status);
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument:
            return 400;
        case ErrorCode::kValidationFailed:
            return 422;
        case ErrorCode::kUnauthenticated:
            return 401;
        case ErrorCode::kForbidden:
            return 403;
        case ErrorCode::kNotFound:
            return 404;
        case ErrorCode::kMethodNotAllowed:
            return 405;
        case ErrorCode::kConflict:
            return 409;
        case ErrorCode::kPreconditionFailed:
            return 412;
        case ErrorCode::kTooLarge:
            return 413;
        case ErrorCode::kRateLimited:
            return 429;
        case ErrorCode::kUnavailable:
            return 503;
        case ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

http::Response ErrorResponse(const Error& error, const std::string& request_id) {
    const auto code = std::string(ToString(error.code));
    boost::json::array errors;
    if (error.code == ErrorCode::kInternal) {
        errors.push_back(boost::json::object{
            {"code", code},
            {"message", "internal error; quote request id " + request_id + " to the operator"}});
    } else if (error.code == ErrorCode::kUnavailable && error.fields.empty()) {
        // The message is generic by contract (common/error.hpp); the detail goes to the log.
        errors.push_back(boost::json::object{
            {"code", code}, {"message", error.message + " (request id " + request_id + ")"}});
    } else if (error.fields.empty()) {
        errors.push_back(boost::json::object{{"code", code}, {"message", error.message}});
    } else {
        for (const auto& field : error.fields) {
            boost::json::object entry{{"code", code}, {"message", field.message}};
            if (!field.field.empty()) {  // e.g. the "... and N more errors" entry
                entry["field"] = field.field;
            }
            errors.push_back(std::move(entry));
        }
    }
    auto response = Envelope(HttpStatusFor(error.code), std::move(errors));
    if (error.code == ErrorCode::kInternal || error.code == ErrorCode::kUnavailable) {
        // Logged under the request id the client was given (app/server_app.cpp LogRequest).
        response.log_detail =
            error.detail.empty() ? error.message : error.message + ": " + error.detail;
    }
    if (error.code == ErrorCode::kRateLimited) {
        response.headers.Set(
            "Retry-After",
            std::to_string(error.retry_after_seconds > 0 ? error.retry_after_seconds : 1));
    }
    return response;
}

http::Response ProtocolErrorResponse(int status, std::string code, std::string message) {
    boost::json::array errors;
    errors.push_back(boost::json::object{{"code", code}, {"message", message}});
    return Envelope(status, std::move(errors));
}

}  // namespace ea::rest
