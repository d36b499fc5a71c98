// Turns a filter value from a request into the canonical value filter.hpp documents for a field's
// type, or an error naming the field and what is wrong with the value. Used by the filter parser;
// the REST adapter reaches it through ParseFilter with CoerceFrom::kText.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// Where a value came from, which decides how strictly its JSON type is read.
enum class CoerceFrom {
    // Typed JSON (a JSON filter, an MCP tool call): a Boolean needs a real bool, an Integer a JSON
    // number, and so on. "true" is not a Boolean.
    kJson,
    // A URL query string, where every value arrives as a string: booleans accept true/1/yes and
    // false/0/no (any case), numbers are parsed strictly from the text. Non-string JSON values are
    // still accepted as in kJson.
    kText,
};

// Longest string value a filter may carry (bytes). Longer values cannot match any field the
// schema allows and only cost memory and index time.
constexpr std::size_t kMaxFilterStringBytes = 4096;

// Coerces one comparison value for `field`. For Array fields the value is coerced against the
// element type (filters on arrays test elements). Canonical results:
//   String: the string (valid UTF-8, at most kMaxFilterStringBytes); an enum String matches its
//     values case-insensitively and yields the schema's spelling;
//   Integer: int64 (integral JSON doubles such as 2.0 are accepted; 1.5 and out-of-range are not);
//   Number: finite double; Currency: double with at most two decimals;
//   Boolean: bool; Date: "YYYY-MM-DD" (a datetime yields its date as written, before any offset
//     is applied); Datetime: "YYYY-MM-DDTHH:MM:SS.mmmZ" (a date alone is its midnight UTC);
//   ObjectId: lower-cased, and it must pass IsValidId.
// JSON fields cannot be compared (only $exists applies; the parser handles that). null is never
// coerced: the parser gives it its "is null" meaning before calling this.
// Errors: kInvalidArgument whose message names the field and the problem, with one
// FieldError{field.name, message}. Values are quoted in messages shortened and escaped.
[[nodiscard]] Result<boost::json::value> CoerceValue(const schema::Field& field,
                                                     const boost::json::value& value,
                                                     CoerceFrom from = CoerceFrom::kJson);

// A value as a message may show it: JSON-encoded, control characters escaped, and cut to a
// readable length so a huge or hostile value never floods a response or a log line.
std::string DescribeValue(const boost::json::value& value);

// The query-string spelling of a boolean: true/1/yes or false/0/no, any case; nullopt otherwise.
std::optional<bool> ParseBoolText(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace ea::query
