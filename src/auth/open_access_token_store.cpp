// OpenAccessTokenStore: the only file that knows every AccessTokenStore backend. Tokens follow
// the session store URL, so one setting says where all login state lives.
#include "auth/access_token_store.hpp"
#include "auth/redis_access_token_store.hpp"
#include "auth/sessions_url.hpp"
#include "auth/sqlite_access_token_store.hpp"

namespace ea::auth {

Result<AccessTokenStorePtr> OpenAccessTokenStore(std::string_view url,
                                                 const std::filesystem::path& default_sqlite_file) {
    return OpenAtSessionsUrl<AccessTokenStorePtr, SqliteAccessTokenStore, RedisAccessTokenStore>(
        url, default_sqlite_file);
}

}  // namespace ea::auth
