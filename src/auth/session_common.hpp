// Helpers every SessionStore backend shares: times as epoch milliseconds (the precision stores
// keep) and the one "no such session" error. Internal to auth/.
#pragma once

#include <chrono>
#include <cstdint>

#include "common/error.hpp"

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

}  // namespace ea::auth::detail
