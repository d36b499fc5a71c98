// Internal to validate/: strict per-type checks of one non-null JSON value ("true" is not a
// Boolean, 1.5 is not an Integer, dates and currency amounts in their canonical form). Other layers
// use validator.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "schema/schema.hpp"

namespace ea::validate::detail {

// A check's outcome: the canonical value, or a message for the client (never containing the value).
struct Checked {
    std::optional<boost::json::value> value;
    std::string message;

    bool ok() const { return value.has_value(); }
    static Checked Ok(boost::json::value v) { return Checked{std::move(v), {}}; }
    static Checked Fail(std::string m) { return Checked{std::nullopt, std::move(m)}; }
};

// Checks a non-null `value` of scalar type `type` against `field`'s value rules (pattern, enum,
// ge/le; min/max_length too when `apply_length` — false for array elements, whose field's lengths
// count elements). REQUIRES: type is a scalar type (IsScalar) and value is not null.
Checked CheckScalar(const schema::Field& field, schema::FieldType type,
                    const boost::json::value& value, bool apply_length);

// Checks a JSON-typed field's value: an object within kMaxJsonDepth and kMaxJsonBytes whose keys
// and strings are valid UTF-8.
Checked CheckJsonObject(const boost::json::value& value);

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Number of code points in valid UTF-8 `bytes`.
std::size_t CodePointCount(std::string_view bytes);

// `name` made safe to echo in an error: invalid UTF-8 replaced by U+FFFD, at most 64 code points.
std::string DisplayName(std::string_view name);

// A bound as a client reads it: "10000000" for integral bounds, "0.5" otherwise.
std::string FormatBound(double bound);

}  // namespace ea::validate::detail
