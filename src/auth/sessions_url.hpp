// SessionsUrl: where the sessions URL (config.sessions) puts login state. Sessions and access
// tokens follow the same URL, so OpenSessionStore and OpenAccessTokenStore read it here, once,
// and differ only in the store each backend opens.
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>
#include <variant>

#include "auth/redis_endpoint.hpp"
#include "common/result.hpp"

namespace ea::auth {

// An SQLite file, or a Redis server.
using SessionsLocation = std::variant<std::filesystem::path, RedisEndpoint>;

// "" -> `default_sqlite_file`; "sqlite://PATH" -> the file PATH; "redis://..." -> that Redis
// (ParseRedisUrl). Schemes are matched in any case. kInvalidArgument for "sqlite://" without a
// path, any other scheme, or a malformed redis URL; the message never echoes the URL (a mistyped
// redis URL may still hold a password).
[[nodiscard]] Result<SessionsLocation> ParseSessionsUrl(
    std::string_view url, const std::filesystem::path& default_sqlite_file);

// The store `url` names, opened with SqliteStore::Open(path) or RedisStore::Open(endpoint), as
// its interface pointer `StorePtr`. The errors are ParseSessionsUrl's and the backend's Open's.
template <class StorePtr, class SqliteStore, class RedisStore>
[[nodiscard]] Result<StorePtr> OpenAtSessionsUrl(std::string_view url,
                                                 const std::filesystem::path& default_sqlite_file) {
    auto location = ParseSessionsUrl(url, default_sqlite_file);
    if (!location) {
        return location.error();
    }
    if (auto* endpoint = std::get_if<RedisEndpoint>(&*location)) {
        auto store = RedisStore::Open(std::move(*endpoint));
        if (!store) {
            return store.error();
        }
        return StorePtr(*std::move(store));
    }
    auto store = SqliteStore::Open(std::get<std::filesystem::path>(*location));
    if (!store) {
        return store.error();
    }
    return StorePtr(*std::move(store));
}

}  // namespace ea::auth
