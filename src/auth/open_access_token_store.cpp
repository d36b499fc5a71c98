// OpenAccessTokenStore: the only file that knows every AccessTokenStore backend. Tokens follow
// the session store URL, so one setting says where all login state lives.
#include <cctype>
#include <string>

#include "auth/access_token_store.hpp"
#include "auth/redis_access_token_store.hpp"
#include "auth/sqlite_access_token_store.hpp"

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

Result<AccessTokenStorePtr> OpenAccessTokenStore(std::string_view url,
                                                 const std::filesystem::path& default_sqlite_file) {
    constexpr std::string_view kSqlitePrefix = "sqlite://";
    if (url.empty() || StartsWithNoCase(url, kSqlitePrefix)) {
        const std::filesystem::path file =
            url.empty() ? default_sqlite_file
                        : std::filesystem::path(std::string(url.substr(kSqlitePrefix.size())));
        auto store = SqliteAccessTokenStore::Open(file);
        if (!store) {
            return store.error();
        }
        return AccessTokenStorePtr(std::move(*store));
    }
    if (StartsWithNoCase(url, "redis:")) {
        auto endpoint = ParseRedisUrl(url);
        if (!endpoint) {
            return endpoint.error();
        }
        auto store = RedisAccessTokenStore::Open(*std::move(endpoint));
        if (!store) {
            return store.error();
        }
        return AccessTokenStorePtr(std::move(*store));
    }
    return InvalidArgument(
        "sessions URL must be empty (embedded), sqlite://PATH or "
        "redis://[:PASSWORD@]HOST[:PORT][/DB]");
}

}  // namespace ea::auth
