#include "validate/type_checks.hpp"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <re2/re2.h>

#include "common/datetime.hpp"
#include "common/ids.hpp"
#include "validate/validator.hpp"

namespace ea::validate::detail {
namespace {

using boost::json::value;
using schema::Field;
using schema::FieldType;

constexpr std::size_t kMaxDisplayCodePoints = 64;
// Dates and datetimes are short; anything longer cannot be one, so it is not parsed at all.
constexpr std::size_t kMaxDateTextBytes = 64;
// Currency amounts are checked in whole cents as doubles; above this |amount| a cent is no longer
// exactly representable (2^53 cents is about 9e13), so larger amounts are refused.
constexpr double kMaxCurrencyAmount = 1e13;
// Every JSON scalar (number, bool, null) counts this many bytes towards kMaxJsonBytes.
constexpr std::size_t kJsonScalarBytes = 8;
// 2^63 as a double: the first integral double outside int64.
constexpr double kTwoPow63 = 9223372036854775808.0;

// Length in bytes of the well-formed UTF-8 sequence starting at bytes[i], or 0 when it is not one
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view bytes, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    const unsigned char b0 = byte(i);
    const std::size_t left = bytes.size() - i;
    const auto cont = [&](std::size_t k) { return (byte(i + k) & 0xC0) == 0x80; };
    if (b0 < 0x80) {
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        return left >= 2 && cont(1) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (left < 3 || !cont(1) || !cont(2)) {
            return 0;
        }
        const unsigned char b1 = byte(i + 1);
        if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) {
            return 0;  // overlong, or a UTF-16 surrogate
        }
        return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (left < 4 || !cont(1) || !cont(2) || !cont(3)) {
            return 0;
        }
        const unsigned char b1 = byte(i + 1);
        if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) {
            return 0;  // overlong, or above U+10FFFF
        }
        return 4;
    }
    return 0;
}

char AsciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (AsciiLower(a[i]) != AsciiLower(b[i])) {
            return false;
        }
    }
    return true;
}

// A JSON number as int64 when it is integral and in range: 1, 1.0 and 1e3 are; 1.5 and 2^63 are
// not.
enum class IntegerParse { kOk, kNotInteger, kOutOfRange };
IntegerParse ToInt64(const value& v, std::int64_t& out) {
    if (v.is_int64()) {
        out = v.get_int64();
        return IntegerParse::kOk;
    }
    if (v.is_uint64()) {
        if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return IntegerParse::kOutOfRange;
        }
        out = static_cast<std::int64_t>(v.get_uint64());
        return IntegerParse::kOk;
    }
    if (v.is_double()) {
        const double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) {
            return IntegerParse::kNotInteger;
        }
        if (d < -kTwoPow63 || d >= kTwoPow63) {
            return IntegerParse::kOutOfRange;
        }
        out = static_cast<std::int64_t>(d);
        return IntegerParse::kOk;
    }
    return IntegerParse::kNotInteger;
}

double ToDouble(const value& v) {
    if (v.is_int64()) {
        return static_cast<double>(v.get_int64());
    }
    if (v.is_uint64()) {
        return static_cast<double>(v.get_uint64());
    }
    return v.get_double();
}

// An integral bound that int64 can hold, so integers are compared exactly rather than as doubles.
bool BoundAsInt64(double bound, std::int64_t& out) {
    if (std::trunc(bound) != bound || bound < -kTwoPow63 || bound >= kTwoPow63) {
        return false;
    }
    out = static_cast<std::int64_t>(bound);
    return true;
}

// "" when `number` is within the field's ge/le, else the message.
std::string CheckBounds(const Field& field, const value& number) {
    std::int64_t as_int = 0;
    const bool is_int =
        (number.is_int64() || number.is_uint64()) && ToInt64(number, as_int) == IntegerParse::kOk;
    const auto below = [&](double bound) {
        std::int64_t int_bound = 0;
        if (is_int && BoundAsInt64(bound, int_bound)) {
            return as_int < int_bound;
        }
        return ToDouble(number) < bound;
    };
    const auto above = [&](double bound) {
        std::int64_t int_bound = 0;
        if (is_int && BoundAsInt64(bound, int_bound)) {
            return as_int > int_bound;
        }
        return ToDouble(number) > bound;
    };
    if (field.ge && below(*field.ge)) {
        return "must be >= " + FormatBound(*field.ge);
    }
    if (field.le && above(*field.le)) {
        return "must be <= " + FormatBound(*field.le);
    }
    return {};
}

Checked CheckString(const Field& field, const value& v, bool apply_length) {
    if (!v.is_string()) {
        return Checked::Fail("must be a string");
    }
    const std::string_view text = v.get_string();
    if (text.size() > kMaxStringBytes) {
        return Checked::Fail("must be at most " + std::to_string(kMaxStringBytes) + " bytes");
    }
    if (!IsValidUtf8(text)) {
        return Checked::Fail("must be valid UTF-8");
    }
    if (apply_length && (field.min_length || field.max_length)) {
        const auto length = static_cast<std::int64_t>(CodePointCount(text));
        if (field.min_length && length < *field.min_length) {
            return Checked::Fail("must be at least " + std::to_string(*field.min_length) +
                                 " characters");
        }
        if (field.max_length && length > *field.max_length) {
            return Checked::Fail("must be at most " + std::to_string(*field.max_length) +
                                 " characters");
        }
    }
    if (field.pattern) {
        // The loader compiles every pattern; a missing one is a loader bug, not bad input.
        assert(field.pattern->compiled);
        if (field.pattern->compiled &&
            !re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()),
                                 *field.pattern->compiled)) {
            return Checked::Fail(field.pattern->message);
        }
    }
    if (field.enum_rule) {
        const auto& allowed = field.enum_rule->values;
        for (const auto& candidate : allowed) {
            if (candidate == text) {
                return Checked::Ok(value(candidate));
            }
        }
        // Enums match ASCII case-insensitively (the REST contract's gender:MALE) and are stored in
        // the schema's spelling, so reads and filters see one form.
        for (const auto& candidate : allowed) {
            if (EqualsIgnoreAsciiCase(candidate, text)) {
                return Checked::Ok(value(candidate));
            }
        }
        return Checked::Fail(field.enum_rule->message);
    }
    return Checked::Ok(v);
}

Checked CheckInteger(const Field& field, const value& v) {
    std::int64_t number = 0;
    switch (ToInt64(v, number)) {
        case IntegerParse::kOk:
            break;
        case IntegerParse::kNotInteger:
            return Checked::Fail("must be an integer");
        case IntegerParse::kOutOfRange:
            return Checked::Fail(
                "must be an integer between -9223372036854775808 and "
                "9223372036854775807");
    }
    value canonical(number);
    if (auto message = CheckBounds(field, canonical); !message.empty()) {
        return Checked::Fail(std::move(message));
    }
    return Checked::Ok(std::move(canonical));
}

Checked CheckNumber(const Field& field, const value& v) {
    if (!v.is_number()) {
        return Checked::Fail("must be a number");
    }
    if (v.is_double() && !std::isfinite(v.get_double())) {
        return Checked::Fail("must be a finite number");
    }
    if (auto message = CheckBounds(field, v); !message.empty()) {
        return Checked::Fail(std::move(message));
    }
    return Checked::Ok(v);
}

Checked CheckCurrency(const Field& field, const value& v) {
    if (!v.is_number()) {
        return Checked::Fail("must be a number");
    }
    if (v.is_double() && !std::isfinite(v.get_double())) {
        return Checked::Fail("must be a finite number");
    }
    if (auto message = CheckBounds(field, v); !message.empty()) {
        return Checked::Fail(std::move(message));
    }
    const double amount = ToDouble(v);
    if (std::fabs(amount) > kMaxCurrencyAmount) {
        return Checked::Fail("must be between -" + FormatBound(kMaxCurrencyAmount) + " and " +
                             FormatBound(kMaxCurrencyAmount));
    }
    if (v.is_double()) {
        // A decimal with at most two places parses to the double nearest cents/100; anything else
        // (1.005, 0.001) parses to a different double. Exact, with no epsilon to tune.
        const double cents = std::round(amount * 100.0);
        if (cents / 100.0 != amount) {
            return Checked::Fail("must have at most two decimal places");
        }
    }
    return Checked::Ok(v);
}

Checked CheckDate(const value& v) {
    constexpr const char* kMessage = "must be a date (YYYY-MM-DD)";
    if (!v.is_string() || v.get_string().size() > kMaxDateTextBytes) {
        return Checked::Fail(kMessage);
    }
    auto canonical = CanonicalDate(v.get_string());
    if (!canonical) {
        return Checked::Fail(kMessage);
    }
    return Checked::Ok(value(*canonical));
}

Checked CheckDatetime(const value& v) {
    constexpr const char* kMessage = "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)";
    if (!v.is_string() || v.get_string().size() > kMaxDateTextBytes) {
        return Checked::Fail(kMessage);
    }
    auto canonical = CanonicalDatetime(v.get_string());
    if (!canonical) {
        return Checked::Fail(kMessage);
    }
    return Checked::Ok(value(*canonical));
}

Checked CheckObjectId(const value& v) {
    if (!v.is_string() || !IsValidId(v.get_string())) {
        return Checked::Fail("must be an id (1-64 characters: letters, digits, _ . : -)");
    }
    return Checked::Ok(value(NormalizeId(v.get_string())));
}

// Walks a JSON value checking depth, total size and UTF-8; "" when all is well.
std::string WalkJson(const value& v, int depth, std::size_t& bytes) {
    if (depth > kMaxJsonDepth) {
        return "must be nested at most " + std::to_string(kMaxJsonDepth) + " levels deep";
    }
    const auto add_string = [&](std::string_view s) -> std::string {
        bytes += s.size();
        if (bytes > kMaxJsonBytes) {
            return "must be at most " + std::to_string(kMaxJsonBytes) + " bytes";
        }
        if (!IsValidUtf8(s)) {
            return "must be valid UTF-8";
        }
        return {};
    };
    if (v.is_object()) {
        for (const auto& [key, member] : v.get_object()) {
            if (auto m = add_string(key); !m.empty()) {
                return m;
            }
            if (auto m = WalkJson(member, depth + 1, bytes); !m.empty()) {
                return m;
            }
        }
        return {};
    }
    if (v.is_array()) {
        for (const auto& element : v.get_array()) {
            if (auto m = WalkJson(element, depth + 1, bytes); !m.empty()) {
                return m;
            }
        }
        return {};
    }
    if (v.is_string()) {
        return add_string(v.get_string());
    }
    bytes += kJsonScalarBytes;
    if (bytes > kMaxJsonBytes) {
        return "must be at most " + std::to_string(kMaxJsonBytes) + " bytes";
    }
    return {};
}

}  // namespace

Checked CheckScalar(const Field& field, FieldType type, const value& v, bool apply_length) {
    assert(!v.is_null());
    switch (type) {
        case FieldType::kString:
            return CheckString(field, v, apply_length);
        case FieldType::kInteger:
            return CheckInteger(field, v);
        case FieldType::kNumber:
            return CheckNumber(field, v);
        case FieldType::kBoolean:
            return v.is_bool() ? Checked::Ok(v) : Checked::Fail("must be a boolean");
        case FieldType::kCurrency:
            return CheckCurrency(field, v);
        case FieldType::kDate:
            return CheckDate(v);
        case FieldType::kDatetime:
            return CheckDatetime(v);
        case FieldType::kObjectId:
            return CheckObjectId(v);
        case FieldType::kJson:
            return CheckJsonObject(v);
        case FieldType::kArray:
            break;
    }
    // Arrays of arrays are refused by the loader; reaching here is a bug.
    assert(false && "CheckScalar called with an array type");
    return Checked::Fail("has an unsupported type");
}

Checked CheckJsonObject(const value& v) {
    if (!v.is_object()) {
        return Checked::Fail("must be a JSON object");
    }
    std::size_t bytes = 0;
    if (auto message = WalkJson(v, 1, bytes); !message.empty()) {
        return Checked::Fail(std::move(message));
    }
    return Checked::Ok(v);
}

bool IsValidUtf8(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        // Fast path over ASCII, which is nearly all real input.
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = Utf8SequenceLength(bytes, i);
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

std::size_t CodePointCount(std::string_view bytes) {
    std::size_t count = 0;
    for (char c : bytes) {
        // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++count;
        }
    }
    return count;
}

std::string DisplayName(std::string_view name) {
    std::string out;
    std::size_t code_points = 0;
    std::size_t i = 0;
    while (i < name.size()) {
        if (code_points == kMaxDisplayCodePoints) {
            out += "\xE2\x80\xA6";  // "…"
            break;
        }
        const std::size_t length = Utf8SequenceLength(name, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
        } else {
            out.append(name.substr(i, length));
            i += length;
        }
        ++code_points;
    }
    return out;
}

std::string FormatBound(double bound) {
    std::int64_t integral = 0;
    if (BoundAsInt64(bound, integral)) {
        return std::to_string(integral);
    }
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, bound);
    if (ec != std::errc()) {
        return std::to_string(bound);
    }
    return std::string(buffer, end);
}

}  // namespace ea::validate::detail
