// Helpers every SessionStore backend shares: times as epoch milliseconds (the precision stores
// keep) and the one "no such session" error. Internal to auth/.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "auth/session_store.hpp"
#include "common/error.hpp"
#include "common/result.hpp"

namespace ea::auth::detail {

using TimePoint = std::chrono::system_clock::time_point;

inline std::int64_t ToMillis(TimePoint time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline TimePoint FromMillis(std::int64_t millis) {
    return TimePoint(std::chrono::milliseconds(millis));
}

// Unknown, expired and deleted sessions look the same to a caller.
inline Error Unauthenticated() {
    return Error{ErrorCode::kUnauthenticated, "session is unknown or expired"};
}

// A backend failure as SessionStore reports it: a generic message for clients, the backend's own
// words (`detail`, never a secret) for the log.
inline Error BackendUnavailable(std::string detail) {
    Error error = Unavailable("session store unavailable; try again later");
    error.detail = std::move(detail);
    return error;
}

// The contract of SessionStore::Put that every backend enforces before writing.
inline Status CheckNewSession(const Session& session) {
    if (session.token_hash.empty()) {
        return InvalidArgument("session token_hash is empty");
    }
    if (session.user_id.empty()) {
        return InvalidArgument("session user_id is empty");
    }
    if (ToMillis(session.expires_at) <= ToMillis(session.created_at)) {
        return InvalidArgument("session expires_at must be after created_at");
    }
    return Ok();
}

}  // namespace ea::auth::detail
