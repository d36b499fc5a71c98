#include "schema/ecma_pattern.hpp"

#include <cctype>
#include <cstring>
#include <vector>

namespace ea::schema {
namespace {

// ---- RE2 -> ECMA-262 ---------------------------------------------------------------------------

bool IsAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char OtherCase(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A')
                                : static_cast<char>(c - 'A' + 'a');
}

// ECMA's unicode mode allows `\` before these only (plus '-' inside a class).
bool IsEcmaSyntaxChar(char c) {
    return c != '\0' && std::strchr("^$\\.*+?()[]{}|/", c) != nullptr;
}

bool IsHex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// Appends the escape at text[i] ('\\' then at least one char) to `out`, advancing i. false when it
// has no faithful ECMA spelling.
bool TranslateEscape(std::string_view text, std::size_t& i, bool in_class, std::string& out) {
    if (i + 1 >= text.size()) {
        return false;
    }
    const char e = text[i + 1];
    i += 2;
    if (std::strchr("dDsSwWntrfv", e) != nullptr || (!in_class && (e == 'b' || e == 'B'))) {
        out += '\\';
        out += e;
        return true;
    }
    if (!in_class && (e == 'A' || e == 'z')) {
        out += e == 'A' ? '^' : '$';
        return true;
    }
    if (e == 'x') {
        if (i + 1 < text.size() && IsHex(text[i]) && IsHex(text[i + 1])) {
            out += "\\x";
            out += text.substr(i, 2);
            i += 2;
            return true;
        }
        return false;
    }
    if (std::isalnum(static_cast<unsigned char>(e)) != 0) {
        return false;  // \pN, \Q, \C, octal, ...
    }
    if (IsEcmaSyntaxChar(e) || (in_class && e == '-')) {
        out += '\\';
    }
    out += e;
    return true;
}

// Translates the character class starting at text[i] == '['.
bool TranslateClass(std::string_view text, std::size_t& i, bool case_insensitive,
                    std::string& out) {
    out += '[';
    ++i;
    if (i < text.size() && text[i] == '^') {
        out += '^';
        ++i;
    }
    if (i < text.size() && text[i] == ']') {
        out += "\\]";
        ++i;
    }
    std::string extra;  // other-case letters and ranges under (?i)
    while (i < text.size() && text[i] != ']') {
        const char c = text[i];
        if (c == '[') {
            if (i + 1 < text.size() && text[i + 1] == ':') {
                return false;  // POSIX class
            }
            out += "\\[";
            ++i;
            continue;
        }
        if (c == '\\') {
            if (!TranslateEscape(text, i, true, out)) {
                return false;
            }
            continue;
        }
        const bool is_range = i + 2 < text.size() && text[i + 1] == '-' && text[i + 2] != ']' &&
                              text[i + 2] != '\\' && text[i + 2] != '[';
        if (is_range) {
            const char high = text[i + 2];
            out += c;
            out += '-';
            out += high;
            if (case_insensitive && IsAsciiLetter(c) && IsAsciiLetter(high) &&
                std::islower(static_cast<unsigned char>(c)) ==
                    std::islower(static_cast<unsigned char>(high))) {
                extra += OtherCase(c);
                extra += '-';
                extra += OtherCase(high);
            }
            i += 3;
            continue;
        }
        out += c;
        if (case_insensitive && IsAsciiLetter(c)) {
            extra += OtherCase(c);
        }
        ++i;
    }
    if (i >= text.size()) {
        return false;  // unterminated
    }
    out += extra;
    out += ']';
    ++i;
    return true;
}

// A `{n}`, `{n,}` or `{n,m}` quantifier at text[i]; its length, or 0 when '{' is a literal.
std::size_t QuantifierLength(std::string_view text, std::size_t i) {
    std::size_t j = i + 1;
    std::size_t digits = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) {
        ++j;
        ++digits;
    }
    if (digits == 0) {
        return 0;
    }
    if (j < text.size() && text[j] == ',') {
        ++j;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) {
            ++j;
        }
    }
    return j < text.size() && text[j] == '}' ? j + 1 - i : 0;
}

}  // namespace

std::optional<std::string> EcmaPattern(std::string_view text) {
    std::string out = "^(?:";
    std::vector<bool> groups;  // the case-insensitivity to restore when each open group closes
    bool case_insensitive = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\\') {
            if (!TranslateEscape(text, i, false, out)) {
                return std::nullopt;
            }
            continue;
        }
        if (c == '[') {
            if (!TranslateClass(text, i, case_insensitive, out)) {
                return std::nullopt;
            }
            continue;
        }
        if (c == '(') {
            if (i + 1 < text.size() && text[i + 1] == '?') {
                std::size_t j = i + 2;
                if (j < text.size() && (text[j] == '<' || (text[j] == 'P' && j + 1 < text.size() &&
                                                           text[j + 1] == '<'))) {
                    // Named group: the name is copied verbatim, never case-expanded.
                    j += text[j] == 'P' ? 2 : 1;
                    const std::size_t close = text.find('>', j);
                    if (close == std::string_view::npos) {
                        return std::nullopt;
                    }
                    out += "(?<";
                    out += text.substr(j, close + 1 - j);
                    groups.push_back(case_insensitive);
                    i = close + 1;
                    continue;
                }
                bool negate = false;
                bool flag = case_insensitive;
                while (j < text.size() && (text[j] == 'i' || text[j] == '-')) {
                    if (text[j] == '-') {
                        negate = true;
                    } else {
                        flag = !negate;
                    }
                    ++j;
                }
                if (j >= text.size()) {
                    return std::nullopt;
                }
                if (text[j] == ':') {
                    groups.push_back(case_insensitive);
                    case_insensitive = flag;
                    out += "(?:";
                } else if (text[j] == ')') {
                    case_insensitive = flag;  // to the end of the enclosing group
                } else {
                    return std::nullopt;  // s, m, U flags: no ECMA equivalent without flags
                }
                i = j + 1;
                continue;
            }
            groups.push_back(case_insensitive);
            out += '(';
            ++i;
            continue;
        }
        if (c == ')') {
            if (groups.empty()) {
                return std::nullopt;
            }
            case_insensitive = groups.back();
            groups.pop_back();
            out += ')';
            ++i;
            continue;
        }
        if (c == '{') {
            if (const std::size_t length = QuantifierLength(text, i); length > 0) {
                out += text.substr(i, length);
                i += length;
            } else {
                out += "\\{";
                ++i;
            }
            continue;
        }
        if (c == '}' || c == ']') {
            out += '\\';
            out += c;
            ++i;
            continue;
        }
        if (case_insensitive && IsAsciiLetter(c)) {
            out += '[';
            out += c;
            out += OtherCase(c);
            out += ']';
        } else {
            out += c;
        }
        ++i;
    }
    if (!groups.empty()) {
        return std::nullopt;
    }
    out += ")$";
    return out;
}

}  // namespace ea::schema
