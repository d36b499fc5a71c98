// Dates and datetimes in their one canonical text form, so they compare correctly as strings on
// every backend: Date "YYYY-MM-DD", Datetime "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, always milliseconds).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ea {

// Accepts "YYYY-MM-DD" only (a real calendar date, years 0001-9999). nullopt otherwise.
std::optional<std::string> CanonicalDate(std::string_view text);

// Accepts ISO 8601 / RFC 3339: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with "T" or a
// space, followed by "Z", "+HH:MM", "-HH:MM" or nothing (UTC). Converts to UTC, truncates the
// fraction to milliseconds. A date alone means its midnight UTC. nullopt otherwise.
std::optional<std::string> CanonicalDatetime(std::string_view text);

// The instant a datetime names, accepted as CanonicalDatetime accepts it. nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> ParseDatetime(std::string_view text);

// The canonical Datetime for a point in time.
std::string FormatDatetime(std::chrono::system_clock::time_point time);

}  // namespace ea
