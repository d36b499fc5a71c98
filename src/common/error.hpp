// The one protocol-agnostic error vocabulary. Every layer reports expected failures as an Error;
// rest/error_response.cpp and mcp/error_result.cpp map ErrorCode to their wire formats.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace boost {
struct source_location;
}

namespace ea {

enum class ErrorCode {
    kInvalidArgument,   // malformed request: unknown field/operator, page=0, bad JSON
    kValidationFailed,  // well-formed record that breaks schema rules; `fields` lists all of them
    kUnauthenticated,   // no or expired session
    kForbidden,         // authenticated, not allowed
    kNotFound,
    kMethodNotAllowed,  // the entity's `operations` do not allow this operation
    kConflict,          // unique violation, on_delete: restrict
    kPreconditionFailed,  // the record changed since the caller read it (If-Match, a version)
    kTooLarge,            // over a configured size limit (records per batch); the message names it
    kRateLimited,
    kUnavailable,  // backend down; the caller may retry
    kInternal,     // a bug; the message is logged, never sent to the client
};
// When adding a code, map it in rest/error_response.cpp (and mcp/error_result.cpp).

std::string_view ToString(ErrorCode code);

struct FieldError {
    std::string field;
    std::string message;  // the schema's custom message when one is given
    bool operator==(const FieldError&) const = default;
};

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;  // safe to show a client: no SQL, no secrets
    std::vector<FieldError> fields = {};
    int retry_after_seconds = 0;  // kRateLimited: when the caller may try again
    // What an operator needs to diagnose a kUnavailable or kInternal (a backend's own message).
    // Logged under the request id, never sent to a client; it still never holds a secret.
    std::string detail = {};
};

Error InvalidArgument(std::string message);
Error NotFound(std::string message);
Error Conflict(std::string message, std::vector<FieldError> fields = {});
Error Internal(std::string message);
Error Unavailable(std::string message);
Error PreconditionFailed(std::string message);

// The most field errors one Error carries (validation of a hostile body or a large batch must not
// produce an unbounded list). CapFieldErrors keeps the first kMaxFieldErrors and appends one
// entry {"", "... and N more errors"} when it drops any.
inline constexpr std::size_t kMaxFieldErrors = 100;
void CapFieldErrors(std::vector<FieldError>& errors);

// boost::system::result calls this (found by ADL) when value() is used on an error.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace ea
