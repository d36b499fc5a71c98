#include "http/target.hpp"

#include <cstdint>

#include <boost/url/parse.hpp>

namespace ea::http {
namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Percent-decodes `in` (and '+' as space when `plus_is_space`). Returns false on a '%' not
// followed by two hex digits.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) {
                return false;
            }
            const int hi = HexValue(in[i + 1]);
            const int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) {
                return false;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

bool HasControlCharacter(std::string_view text) {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            return true;
        }
    }
    return false;
}

Error BadTarget(std::string message) {
    return InvalidArgument(std::move(message));
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t code_point = 0;
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            code_point = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code_point = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code_point = c & 0x07;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto cont = static_cast<unsigned char>(text[i + k]);
            if ((cont & 0xC0) != 0x80) {
                return false;
            }
            code_point = (code_point << 6) | (cont & 0x3F);
        }
        constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < kMinForLength[length] || code_point > 0x10FFFF ||
            (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

Result<Target> ParseTarget(std::string_view target) {
    if (target.empty() || target.front() != '/') {
        return BadTarget("the request target must be a path starting with '/'");
    }
    const auto question = target.find('?');
    const std::string_view raw_path = target.substr(0, question);
    // Boost.URL checks the RFC 3986 grammar of the path: allowed characters, well-formed '%XX'.
    // Only the path: browsers and curl send '|', '{', '"' and the like raw in a query, and
    // ParseQueryString checks the query's escapes and UTF-8 itself.
    if (auto parsed = boost::urls::parse_origin_form(raw_path); !parsed) {
        return BadTarget("the request target is not a valid URL path");
    }
    Target out;
    if (question != std::string_view::npos) {
        out.query = std::string(target.substr(question + 1));
    }

    // Check each raw segment before decoding, so an encoded '/' cannot forge a segment boundary.
    std::string decoded_segment;
    out.path.reserve(raw_path.size());
    std::size_t pos = 1;
    while (true) {
        const auto slash = raw_path.find('/', pos);
        const std::string_view raw_segment = raw_path.substr(pos, slash - pos);
        if (!PercentDecode(raw_segment, false, decoded_segment)) {
            return BadTarget("the path has an invalid percent-encoding");
        }
        if (decoded_segment == "." || decoded_segment == "..") {
            return BadTarget("the path must not contain '.' or '..' segments");
        }
        if (decoded_segment.find('/') != std::string::npos ||
            decoded_segment.find('\\') != std::string::npos) {
            return BadTarget("the path must not contain an encoded '/' or '\\'");
        }
        if (decoded_segment.find('\0') != std::string::npos) {
            return BadTarget("the path must not contain NUL");
        }
        if (HasControlCharacter(decoded_segment)) {
            return BadTarget("the path must not contain control characters");
        }
        out.path.push_back('/');
        out.path += decoded_segment;
        if (slash == std::string_view::npos) {
            break;
        }
        pos = slash + 1;
    }
    if (!IsValidUtf8(out.path)) {
        return BadTarget("the path is not valid UTF-8");
    }
    return out;
}

Result<QueryParams> ParseQueryString(std::string_view raw_query) {
    QueryParams params;
    std::string name;
    std::string value;
    while (!raw_query.empty()) {
        const auto amp = raw_query.find('&');
        const std::string_view piece = raw_query.substr(0, amp);
        raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
        if (piece.empty()) {
            continue;
        }
        const auto eq = piece.find('=');
        const std::string_view raw_name = piece.substr(0, eq);
        const std::string_view raw_value =
            eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
        if (!PercentDecode(raw_name, true, name) || !PercentDecode(raw_value, true, value)) {
            return InvalidArgument("the query string has an invalid percent-encoding");
        }
        if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) {
            return InvalidArgument("the query string must not contain NUL");
        }
        if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
            return InvalidArgument("the query string is not valid UTF-8");
        }
        params.emplace_back(name, value);
    }
    return params;
}

}  // namespace ea::http
