#include "query/value_coercion.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

#include "common/datetime.hpp"
#include "common/ids.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using schema::Field;
using schema::FieldType;

constexpr std::size_t kMaxDescribedBytes = 60;

Error ValueError(const Field& field, const std::string& problem) {
    std::string message = "field '" + field.name + "': " + problem;
    return Error{ErrorCode::kInvalidArgument, message, {FieldError{field.name, problem}}};
}

Error Expected(const Field& field, std::string_view what, const json::value& got) {
    return ValueError(field, "expected " + std::string(what) + ", got " + DescribeValue(got));
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
}

// The whole of `text` as an int64: optional '-', digits, nothing else (no '+', no spaces).
enum class IntParse { kOk, kNotAnInteger, kOutOfRange };
IntParse ParseIntText(std::string_view text, std::int64_t& out) {
    if (text.empty()) return IntParse::kNotAnInteger;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (ec == std::errc::result_out_of_range) return IntParse::kOutOfRange;
    if (ec != std::errc() || ptr != end) return IntParse::kNotAnInteger;
    return IntParse::kOk;
}

// The whole of `text` as a finite double in plain decimal or exponent form (no hex, inf or nan).
std::optional<double> ParseNumberText(std::string_view text) {
    if (text.empty()) return std::nullopt;
    for (char c : text) {
        const bool ok = (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 'e' || c == 'E' ||
                        c == '+';
        if (!ok) return std::nullopt;
    }
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

// A JSON number as a double, or nullopt for any other JSON type.
std::optional<double> JsonNumber(const json::value& value) {
    if (value.is_int64()) return static_cast<double>(value.get_int64());
    if (value.is_uint64()) return static_cast<double>(value.get_uint64());
    if (value.is_double()) return value.get_double();
    return std::nullopt;
}

Result<json::value> CoerceString(const Field& field, const json::value& value) {
    if (!value.is_string()) return Expected(field, "a string", value);
    const json::string& text = value.get_string();
    if (text.size() > kMaxFilterStringBytes) {
        return ValueError(field, "value is " + std::to_string(text.size()) +
                                     " bytes long; the limit is " +
                                     std::to_string(kMaxFilterStringBytes));
    }
    if (!IsValidUtf8(text)) return ValueError(field, "value is not valid UTF-8");
    if (field.enum_rule) {
        for (const auto& allowed : field.enum_rule->values) {
            if (EqualsIgnoreCase(text, allowed)) return json::value(allowed);
        }
        std::string list;
        for (const auto& allowed : field.enum_rule->values) {
            if (!list.empty()) list += ", ";
            list += allowed;
        }
        return ValueError(field, DescribeValue(value) + " is not one of the allowed values (" +
                                     list + ")");
    }
    return value;
}

Result<json::value> CoerceInteger(const Field& field, const json::value& value, CoerceFrom from) {
    if (value.is_int64()) return value;
    if (value.is_uint64()) {
        if (value.get_uint64() > static_cast<std::uint64_t>(
                                     std::numeric_limits<std::int64_t>::max())) {
            return ValueError(field, DescribeValue(value) + " is out of the 64-bit integer range");
        }
        return json::value(static_cast<std::int64_t>(value.get_uint64()));
    }
    if (value.is_double()) {
        const double d = value.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) return Expected(field, "an integer", value);
        // 2^63 is exactly representable; anything at or above it does not fit.
        if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
            return ValueError(field, DescribeValue(value) + " is out of the 64-bit integer range");
        }
        return json::value(static_cast<std::int64_t>(d));
    }
    if (from == CoerceFrom::kText && value.is_string()) {
        std::int64_t parsed = 0;
        switch (ParseIntText(value.get_string(), parsed)) {
            case IntParse::kOk: return json::value(parsed);
            case IntParse::kOutOfRange:
                return ValueError(field,
                                  DescribeValue(value) + " is out of the 64-bit integer range");
            case IntParse::kNotAnInteger: break;
        }
    }
    return Expected(field, "an integer", value);
}

Result<double> ToFiniteNumber(const Field& field, const json::value& value, CoerceFrom from,
                              std::string_view what) {
    if (auto number = JsonNumber(value)) {
        if (!std::isfinite(*number)) return Expected(field, what, value);
        return *number;
    }
    if (from == CoerceFrom::kText && value.is_string()) {
        if (auto number = ParseNumberText(value.get_string())) return *number;
    }
    return Expected(field, what, value);
}

Result<json::value> CoerceCurrency(const Field& field, const json::value& value, CoerceFrom from) {
    auto number = ToFiniteNumber(field, value, from, "a money amount");
    if (!number) return number.error();
    // Cents must be exact in a double (|cents| <= 2^53), which also bounds the amount sensibly.
    const double cents = *number * 100.0;
    if (std::fabs(cents) > 9007199254740992.0) {
        return ValueError(field, DescribeValue(value) + " is too large for a money amount");
    }
    const double rounded = std::round(cents);
    // 19.99 * 100 is 1998.9999999999998 in binary; allow that representation error, nothing more.
    if (std::fabs(cents - rounded) > 1e-6 * std::max(1.0, std::fabs(cents))) {
        return ValueError(field, DescribeValue(value) + " has more than two decimal places");
    }
    return json::value(rounded / 100.0);
}

Result<json::value> CoerceBoolean(const Field& field, const json::value& value, CoerceFrom from) {
    if (value.is_bool()) return value;
    if (from == CoerceFrom::kText && value.is_string()) {
        if (auto parsed = ParseBoolText(value.get_string())) return json::value(*parsed);
        return Expected(field, "a boolean (true/1/yes or false/0/no)", value);
    }
    return Expected(field, "a boolean (true or false)", value);
}

Result<json::value> CoerceDate(const Field& field, const json::value& value) {
    if (value.is_string()) {
        const std::string_view text = value.get_string();
        if (auto date = CanonicalDate(text)) return json::value(*date);
        // A full datetime names a calendar date too: the one written, before any offset.
        if (CanonicalDatetime(text)) return json::value(text.substr(0, 10));
    }
    return Expected(field, "a date (YYYY-MM-DD)", value);
}

Result<json::value> CoerceDatetime(const Field& field, const json::value& value) {
    if (value.is_string()) {
        if (auto datetime = CanonicalDatetime(value.get_string())) return json::value(*datetime);
    }
    return Expected(field, "a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)", value);
}

Result<json::value> CoerceObjectId(const Field& field, const json::value& value) {
    if (value.is_string() && IsValidId(value.get_string())) {
        return json::value(NormalizeId(value.get_string()));
    }
    return Expected(field, "an id (1-64 characters of A-Z a-z 0-9 _ . : -)", value);
}

Result<json::value> CoerceScalar(const Field& field, FieldType type, const json::value& value,
                                 CoerceFrom from) {
    switch (type) {
        case FieldType::kString: return CoerceString(field, value);
        case FieldType::kInteger: return CoerceInteger(field, value, from);
        case FieldType::kNumber: {
            auto number = ToFiniteNumber(field, value, from, "a number");
            if (!number) return number.error();
            return json::value(*number);
        }
        case FieldType::kCurrency: return CoerceCurrency(field, value, from);
        case FieldType::kBoolean: return CoerceBoolean(field, value, from);
        case FieldType::kDate: return CoerceDate(field, value);
        case FieldType::kDatetime: return CoerceDatetime(field, value);
        case FieldType::kObjectId: return CoerceObjectId(field, value);
        case FieldType::kJson:
            return ValueError(field, "JSON fields cannot be compared; only $exists applies");
        case FieldType::kArray:
            // The schema loader refuses arrays of arrays; reaching here is a broken invariant.
            return Error{ErrorCode::kInternal, "array of arrays in field '" + field.name + "'"};
    }
    return Error{ErrorCode::kInternal, "unknown field type in field '" + field.name + "'"};
}

// Appends `text` to `out` with every byte that is not printable ASCII shown as \xNN, for values
// that are not valid UTF-8 (serialize would copy such bytes through unchanged).
std::string HexEscaped(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += ch;
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
        if (out.size() > kMaxDescribedBytes * 2) break;
    }
    out += '"';
    return out;
}

}  // namespace

Result<json::value> CoerceValue(const Field& field, const json::value& value, CoerceFrom from) {
    if (value.is_null()) return ValueError(field, "null cannot be compared here");
    const FieldType type = field.type == FieldType::kArray ? field.element_type : field.type;
    return CoerceScalar(field, type, value, from);
}

std::string DescribeValue(const json::value& value) {
    std::string text;
    if (value.is_string() && !IsValidUtf8(value.get_string())) {
        text = HexEscaped(value.get_string());
    } else if (value.is_string() && value.get_string().size() > kMaxDescribedBytes * 4) {
        // Serialize only the prefix: a 4 KiB value must not be copied whole into a message.
        std::string_view prefix(value.get_string().data(), kMaxDescribedBytes * 2);
        while (!prefix.empty() && !IsValidUtf8(prefix)) prefix.remove_suffix(1);
        text = json::serialize(json::value(prefix));
    } else if (value.is_double() && std::isfinite(value.get_double())) {
        // Shortest round-trip form ("1.234", not serialize's "1.234E0"): the way people write it.
        char buffer[32];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
        text = ec == std::errc() ? std::string(buffer, end) : json::serialize(value);
    } else {
        text = json::serialize(value);
    }
    if (text.size() <= kMaxDescribedBytes) return text;
    std::size_t cut = kMaxDescribedBytes;
    // Never split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "...";
}

std::optional<bool> ParseBoolText(std::string_view text) {
    for (std::string_view yes : {"true", "1", "yes"}) {
        if (EqualsIgnoreCase(text, yes)) return true;
    }
    for (std::string_view no : {"false", "0", "no"}) {
        if (EqualsIgnoreCase(text, no)) return false;
    }
    return std::nullopt;
}

bool IsValidUtf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t code = 0;
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code = c & 0x07;
        } else {
            return false;
        }
        if (n - i < length) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            code = (code << 6) | (cc & 0x3F);
        }
        const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                              (length == 4 && code < 0x10000);
        if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

}  // namespace ea::query
