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
        AppendJsonString(member.key(), out);
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
        case boost::json::kind::string: AppendJsonString(value.get_string(), out); return;
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

void AppendJsonString(std::string_view text, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        out += '\\';
        switch (c) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '\b': out += 'b'; break;
            case '\t': out += 't'; break;
            case '\n': out += 'n'; break;
            case '\f': out += 'f'; break;
            case '\r': out += 'r'; break;
            default:
                out += "u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

void AppendJsonStrings(const std::vector<std::string>& texts, std::string& out) {
    out += '[';
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        AppendJsonString(texts[i], out);
    }
    out += ']';
}

void AppendJsonNumber(double number, std::string& out) { AppendDouble(number, out); }

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
