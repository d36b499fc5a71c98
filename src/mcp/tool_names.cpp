#include "mcp/tool_names.hpp"

#include <cctype>

namespace ea::mcp {
namespace {

bool IsUpper(char c) {
    return std::isupper(static_cast<unsigned char>(c)) != 0;
}
bool IsLower(char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0;
}
bool IsDigit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool IsVowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

}  // namespace

std::string SnakeCase(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 4);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (IsUpper(c)) {
            const bool after_word = i > 0 && (IsLower(name[i - 1]) || IsDigit(name[i - 1]));
            const bool acronym_end =
                i > 0 && IsUpper(name[i - 1]) && i + 1 < name.size() && IsLower(name[i + 1]);
            if ((after_word || acronym_end) && !out.empty() && out.back() != '_') {
                out += '_';
            }
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (c == '-' || c == ' ') {
            out += '_';
        } else {
            out += c;
        }
    }
    return out;
}

std::string Plural(std::string_view snake_name) {
    std::string out(snake_name);
    if (out.empty()) {
        return out;
    }
    const auto ends_with = [&](std::string_view suffix) { return out.ends_with(suffix); };
    const char last = out.back();
    const char before = out.size() > 1 ? out[out.size() - 2] : '\0';
    if (last == 'y' && before != '\0' && !IsVowel(before)) {
        out.pop_back();
        out += "ies";
    } else if (ends_with("s") || ends_with("x") || ends_with("z") || ends_with("ch") ||
               ends_with("sh")) {
        out += "es";
    } else {
        out += 's';
    }
    return out;
}

}  // namespace ea::mcp
