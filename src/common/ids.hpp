// Record ids: lower-case ULIDs (26 Crockford base32 characters, time-ordered), as in the original
// service. Client-supplied ids are accepted when they pass IsValidId and are stored lower-case.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ea {

// Returns a new lower-case ULID. Ids made in the same millisecond by one process increase
// monotonically. Thread-safe.
std::string NewId();

// Returns the ULID for a given time and 80 random bits (tests and demo data use this).
std::string MakeUlid(std::uint64_t unix_ms, std::uint64_t random_hi16, std::uint64_t random_lo64);

// Client ids: 1-64 characters of [A-Za-z0-9_.:-]. Anything else is rejected so an id is always
// safe in a URL path, a log line and a cookie-free header.
bool IsValidId(std::string_view id);

// Lower-cases ASCII in place; ids are case-insensitive.
std::string NormalizeId(std::string_view id);

}  // namespace ea
