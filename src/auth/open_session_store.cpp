// OpenSessionStore: the only file that knows every SessionStore backend.
#include <cctype>
#include <string>

#include "auth/redis_session_store.hpp"
#include "auth/session_store.hpp"
#include "auth/sqlite_session_store.hpp"

namespace ea::auth {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite://";

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

Result<SessionStorePtr> OpenSessionStore(std::string_view url,
                                         const std::filesystem::path& default_sqlite_file) {
    if (url.empty()) {
        auto store = SqliteSessionStore::Open(default_sqlite_file);
        if (!store) {
            return store.error();
        }
        return SessionStorePtr(std::move(*store));
    }
    if (StartsWithNoCase(url, kSqlitePrefix)) {
        const std::string_view path = url.substr(kSqlitePrefix.size());
        if (path.empty()) {
            return InvalidArgument(
                "sessions URL sqlite:// needs a file path, as in "
                "sqlite:///var/lib/events-api/sessions.db");
        }
        auto store = SqliteSessionStore::Open(std::filesystem::path(path));
        if (!store) {
            return store.error();
        }
        return SessionStorePtr(std::move(*store));
    }
    if (StartsWithNoCase(url, "redis:")) {
        auto endpoint = ParseRedisUrl(url);
        if (!endpoint) {
            return endpoint.error();
        }
        auto store = RedisSessionStore::Open(*std::move(endpoint));
        if (!store) {
            return store.error();
        }
        return SessionStorePtr(std::move(*store));
    }
    // The URL is not echoed: a mistyped redis URL may still hold a password.
    return InvalidArgument(
        "sessions URL must be empty (embedded), sqlite://PATH or "
        "redis://[:PASSWORD@]HOST[:PORT][/DB]");
}

}  // namespace ea::auth
