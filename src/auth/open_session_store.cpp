// OpenSessionStore: the only file that knows every SessionStore backend.
#include "auth/redis_session_store.hpp"
#include "auth/session_store.hpp"
#include "auth/sessions_url.hpp"
#include "auth/sqlite_session_store.hpp"

namespace ea::auth {

Result<SessionStorePtr> OpenSessionStore(std::string_view url,
                                         const std::filesystem::path& default_sqlite_file) {
    return OpenAtSessionsUrl<SessionStorePtr, SqliteSessionStore, RedisSessionStore>(
        url, default_sqlite_file);
}

}  // namespace ea::auth
