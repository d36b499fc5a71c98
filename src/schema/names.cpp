#include "schema/names.hpp"

#include <array>
#include <functional>
#include <utility>

namespace ea::schema {
namespace {

bool IsUpper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool IsLower(char c) {
    return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
char Lower(char c) {
    return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

bool IsVowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// Words whose plural is not made by a suffix rule.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kIrregular = {{
    {"person", "people"},
    {"child", "children"},
    {"man", "men"},
    {"woman", "women"},
    {"mouse", "mice"},
    {"goose", "geese"},
    {"foot", "feet"},
    {"tooth", "teeth"},
    {"datum", "data"},
    {"criterion", "criteria"},
}};

// Words that are their own plural.
constexpr std::array<std::string_view, 12> kUncountable = {
    "data",    "metadata", "information", "equipment", "news",  "series",
    "species", "feedback", "software",    "sheep",     "staff", "media"};

std::string PluralWord(std::string_view word) {
    for (const auto& [singular, plural] : kIrregular) {
        if (word == singular) {
            return std::string(plural);
        }
    }
    for (const auto uncountable : kUncountable) {
        if (word == uncountable) {
            return std::string(word);
        }
    }
    std::string out(word);
    const auto ends_with = [&](std::string_view suffix) { return word.ends_with(suffix); };
    if (word.size() >= 2 && word.back() == 'y' && !IsVowel(word[word.size() - 2])) {
        out.back() = 'i';
        return out + "es";  // affinity -> affinities
    }
    if (ends_with("sis")) {
        out.replace(out.size() - 2, 2, "es");  // analysis -> analyses
        return out;
    }
    if (ends_with("s") || ends_with("x") || ends_with("z") || ends_with("ch") || ends_with("sh")) {
        return out + "es";  // address -> addresses, box -> boxes, match -> matches
    }
    return out + "s";
}

}  // namespace

std::string SnakeCase(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 4);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (IsUpper(c) && i > 0 && name[i - 1] != '_') {
            const char before = name[i - 1];
            const bool next_lower = i + 1 < name.size() && IsLower(name[i + 1]);
            // A word starts at an upper-case letter after a lower-case one or a digit
            // ("userEvent"), or at the last capital of an acronym ("HTTPRequest").
            if (IsLower(before) || IsDigit(before) || (IsUpper(before) && next_lower)) {
                out.push_back('_');
            }
        }
        out.push_back(Lower(c));
    }
    return out;
}

std::string PluralSnakeCase(std::string_view name) {
    const std::string snake = SnakeCase(name);
    const auto last = snake.rfind('_');
    const std::size_t start = last == std::string::npos ? 0 : last + 1;
    return snake.substr(0, start) + PluralWord(std::string_view(snake).substr(start));
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (Lower(a[i]) != Lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::size_t IgnoringCaseHash::operator()(std::string_view name) const {
    std::size_t hash = 0xcbf29ce484222325ULL;  // FNV-1a over the lower-cased bytes
    for (const char c : name) {
        hash ^= static_cast<unsigned char>(Lower(c));
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::size_t ExactHash::operator()(std::string_view name) const {
    return std::hash<std::string_view>{}(name);
}

}  // namespace ea::schema
