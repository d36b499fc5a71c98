#include "common/error.hpp"

#include <stdexcept>
#include <utility>

namespace ea {

std::string_view ToString(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return "invalid_argument";
        case ErrorCode::kValidationFailed: return "validation_failed";
        case ErrorCode::kUnauthenticated: return "unauthenticated";
        case ErrorCode::kForbidden: return "forbidden";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
        case ErrorCode::kConflict: return "conflict";
        case ErrorCode::kPreconditionFailed: return "precondition_failed";
        case ErrorCode::kTooLarge: return "too_large";
        case ErrorCode::kRateLimited: return "rate_limited";
        case ErrorCode::kUnavailable: return "unavailable";
        case ErrorCode::kInternal: return "internal";
    }
    return "internal";
}

Error InvalidArgument(std::string message) {
    return Error{ErrorCode::kInvalidArgument, std::move(message)};
}
Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message)}; }
Error Conflict(std::string message, std::vector<FieldError> fields) {
    return Error{ErrorCode::kConflict, std::move(message), std::move(fields)};
}
Error Internal(std::string message) { return Error{ErrorCode::kInternal, std::move(message)}; }
Error Unavailable(std::string message) {
    return Error{ErrorCode::kUnavailable, std::move(message)};
}

Error PreconditionFailed(std::string message) {
    return Error{ErrorCode::kPreconditionFailed, std::move(message)};
}

void CapFieldErrors(std::vector<FieldError>& errors) {
    if (errors.size() <= kMaxFieldErrors) {
        return;
    }
    const std::size_t dropped = errors.size() - kMaxFieldErrors;
    errors.resize(kMaxFieldErrors);
    errors.push_back({"", "... and " + std::to_string(dropped) + " more errors (only the first " +
                              std::to_string(kMaxFieldErrors) + " are listed)"});
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
    throw std::runtime_error(std::string(ToString(error.code)) + ": " + error.message);
}

}  // namespace ea
