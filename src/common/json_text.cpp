#include "common/json_text.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace ea {
namespace {

void AppendDouble(double number, std::string& out) {
    if (!std::isfinite(number)) {
        out += "null";  // JSON has no NaN or infinity; the validator never stores them
        return;
    }
    // Plain digits for the magnitudes people read (money, coordinates, ratings), as JavaScript
    // does; the shortest exponent form only for the very large and very small.
    const double magnitude = std::fabs(number);
    const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e16);
    char buffer[64];
    const auto [end, ec] =
        plain ? std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed)
              : std::to_chars(buffer, buffer + sizeof buffer, number);
    const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos) {
        out += ".0";  // keep it a float for clients that tell 54 from 54.0
    }
}

void Append(const boost::json::value& value, std::string& out);

void AppendObject(const boost::json::object& object, std::string& out) {
    out += '{';
    bool first = true;
    for (const auto& member : object) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += boost::json::serialize(boost::json::string_view(member.key()));
        out += ':';
        Append(member.value(), out);
    }
    out += '}';
}

void Append(const boost::json::value& value, std::string& out) {
    switch (value.kind()) {
        case boost::json::kind::null: out += "null"; return;
        case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; return;
        case boost::json::kind::int64: out += std::to_string(value.get_int64()); return;
        case boost::json::kind::uint64: out += std::to_string(value.get_uint64()); return;
        case boost::json::kind::double_: AppendDouble(value.get_double(), out); return;
        case boost::json::kind::string: out += boost::json::serialize(value.get_string()); return;
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : value.get_array()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                Append(item, out);
            }
            out += ']';
            return;
        }
        case boost::json::kind::object: AppendObject(value.get_object(), out); return;
    }
}

}  // namespace

std::string ToJsonText(const boost::json::value& value) {
    std::string out;
    out.reserve(256);
    Append(value, out);
    return out;
}

std::string ToJsonText(const boost::json::object& object) {
    std::string out;
    out.reserve(256);
    AppendObject(object, out);
    return out;
}

}  // namespace ea
