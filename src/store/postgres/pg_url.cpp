#include "store/postgres/pg_url.hpp"

#include <cstdlib>
#include <string>
#include <utility>

namespace ea::store::postgres {

namespace {
// [begin, end) of the password in a postgresql:// URL's authority, or npos.
std::pair<std::size_t, std::size_t> PasswordSpan(std::string_view url) {
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return {std::string_view::npos, 0};
    }
    const std::size_t start = scheme + 3;
    std::size_t end = url.find_first_of("/?#", start);
    if (end == std::string_view::npos) {
        end = url.size();
    }
    const std::size_t at = url.rfind('@', end);
    if (at == std::string_view::npos || at < start) {
        return {std::string_view::npos, 0};
    }
    const std::size_t colon = url.find(':', start);
    if (colon == std::string_view::npos || colon > at) {
        return {std::string_view::npos, 0};
    }
    return {colon + 1, at};
}

std::string PercentDecoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(
                std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}
}  // namespace

std::string RedactUrl(std::string_view url) {
    std::string out(url);
    if (auto [begin, end] = PasswordSpan(url); begin != std::string_view::npos) {
        out.replace(begin, end - begin, "***");
    }
    // A password given as a query parameter (?password=...) is masked too.
    for (std::size_t at = out.find("password="); at != std::string::npos;
         at = out.find("password=", at + 1)) {
        const std::size_t value_start = at + 9;
        const std::size_t value_end = out.find('&', value_start);
        out.replace(value_start,
                    (value_end == std::string::npos ? out.size() : value_end) - value_start, "***");
    }
    return out;
}

std::string UrlPassword(std::string_view url) {
    auto [begin, end] = PasswordSpan(url);
    if (begin != std::string_view::npos) {
        return PercentDecoded(url.substr(begin, end - begin));
    }
    if (const std::size_t at = url.find("password="); at != std::string_view::npos) {
        const std::size_t value_end = url.find('&', at + 9);
        return PercentDecoded(url.substr(at + 9, value_end == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : value_end - at - 9));
    }
    return {};
}

}  // namespace ea::store::postgres
