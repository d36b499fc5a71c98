#include "mcp/error_result.hpp"

#include <utility>

#include <boost/json/array.hpp>

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;

std::string FieldList(const Error& error) {
    std::string out;
    for (const auto& field : error.fields) {
        if (!out.empty()) {
            out += "; ";
        }
        out += field.field.empty() ? field.message : field.field + ": " + field.message;
    }
    return out;
}

// "Prefix: details": details are the field list when there is one, otherwise the message.
std::string WithDetails(std::string_view prefix, const Error& error) {
    std::string details = error.fields.empty() ? error.message : FieldList(error);
    return std::string(prefix) + ": " + details;
}

}  // namespace

std::string ToolErrorMessage(const Error& error) {
    switch (error.code) {
        case ErrorCode::kValidationFailed:
            return WithDetails("Validation failed", error);
        case ErrorCode::kInvalidArgument:
            return WithDetails("Invalid arguments", error);
        case ErrorCode::kNotFound:
            return error.message;
        case ErrorCode::kConflict:
            return WithDetails("Conflict", error);
        case ErrorCode::kForbidden:
            return "Permission denied: " + error.message;
        case ErrorCode::kMethodNotAllowed:
            return "Not allowed: " + error.message;
        case ErrorCode::kPreconditionFailed:
            return "Precondition failed: " + error.message + "; read the record again";
        case ErrorCode::kTooLarge:
            return "Too large: " + error.message;
        case ErrorCode::kUnauthenticated:
            return "Not authenticated: " + error.message;
        case ErrorCode::kRateLimited:
            return "Rate limit exceeded: retry in " +
                   std::to_string(error.retry_after_seconds > 0 ? error.retry_after_seconds : 1) +
                   " s";
        case ErrorCode::kUnavailable:
            return "Service unavailable: " + error.message + "; retry later";
        case ErrorCode::kInternal:
            return "Internal error";
    }
    return "Internal error";
}

object ToolErrorResult(const Error& error) {
    const std::string message = ToolErrorMessage(error);
    object detail{{"code", ToString(error.code)}, {"message", message}};
    if (!error.fields.empty()) {
        array fields;
        for (const auto& field : error.fields) {
            fields.push_back(object{{"field", field.field}, {"message", field.message}});
        }
        detail["fields"] = std::move(fields);
    }
    if (error.code == ErrorCode::kRateLimited) {
        detail["retryAfterSeconds"] = error.retry_after_seconds > 0 ? error.retry_after_seconds : 1;
    }
    return object{{"content", array{object{{"type", "text"}, {"text", message}}}},
                  {"structuredContent", object{{"error", std::move(detail)}}},
                  {"isError", true}};
}

ToolFailure MapToolError(const Error& error, std::string_view request_id) {
    if (error.code == ErrorCode::kInternal) {
        return RpcError{
            rpc_code::kInternalError,
            "Internal error; quote request id " + std::string(request_id) + " to the operator",
            {}};
    }
    return ToolErrorResult(error);
}

}  // namespace ea::mcp
