#include "auth/sessions_url.hpp"

#include <cctype>
#include <string>

namespace ea::auth {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

Result<SessionsLocation> ParseSessionsUrl(std::string_view url,
                                          const std::filesystem::path& default_sqlite_file) {
    constexpr std::string_view kSqlitePrefix = "sqlite://";
    if (url.empty()) {
        return SessionsLocation(default_sqlite_file);
    }
    if (StartsWithNoCase(url, kSqlitePrefix)) {
        const std::string_view path = url.substr(kSqlitePrefix.size());
        if (path.empty()) {
            return InvalidArgument(
                "sessions URL sqlite:// needs a file path, as in "
                "sqlite:///var/lib/events-api/sessions.db");
        }
        return SessionsLocation(std::filesystem::path(std::string(path)));
    }
    if (StartsWithNoCase(url, "redis:")) {
        auto endpoint = ParseRedisUrl(url);
        if (!endpoint) {
            return endpoint.error();
        }
        return SessionsLocation(*std::move(endpoint));
    }
    return InvalidArgument(
        "sessions URL must be empty (embedded), sqlite://PATH or "
        "redis://[:PASSWORD@]HOST[:PORT][/DB]");
}

}  // namespace ea::auth
