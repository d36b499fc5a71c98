// SessionCache: the sessions a SqliteSessionStore has read lately, so an authenticated request
// costs a hash lookup instead of an SQLite read transaction. Internal to auth/.
//
// Each entry is tagged with the shared revision (shared_revision.hpp) loaded before it was read;
// it is served only while the revision still has that value, so any change to the sessions by
// any events-api process (login, logout, refresh, revocation) empties every process's cache
// before its next lookup. It is also served only before the session expires and for at most
// kMaxAge after it was read (by the caller's clock), which bounds how long a direct SQL edit of
// `_sessions`, which bumps no revision, can go unseen.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/session_store.hpp"

namespace ea::auth::detail {

class SessionCache {
public:
    static constexpr std::chrono::seconds kMaxAge{1};
    // Entries in all; a shard that fills is emptied (the sessions are read again), so a flood
    // of distinct tokens costs memory no larger than this.
    static constexpr std::size_t kCapacity = 16384;

    // The session cached for `token_hash` under `revision`, still valid and younger than
    // kMaxAge at `now`; nullopt otherwise.
    [[nodiscard]] std::optional<Session> Find(std::string_view token_hash, std::uint64_t revision,
                                              std::chrono::system_clock::time_point now);
    // Keeps `session`, read at `now` after loading `revision`. Entries of an older revision are
    // dropped first; a session read under a revision that has since moved on is not kept.
    void Remember(const Session& session, std::uint64_t revision,
                  std::chrono::system_clock::time_point now);

    // Entries held (for tests).
    [[nodiscard]] std::size_t SizeForTest();

private:
    struct Entry {
        Session session;
        std::chrono::system_clock::time_point read_at;
    };
    // std::hash<std::string_view> for both key kinds, so Find looks up without a string.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const noexcept {
            return std::hash<std::string_view>{}(key);
        }
    };
    // Shards, so request threads seldom wait on one another's lookups.
    struct Shard {
        std::mutex mutex;
        std::uint64_t revision = 0;  // the revision every entry below was read under
        std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries;
    };
    static constexpr std::size_t kShards = 16;

    Shard& ShardOf(std::string_view token_hash);
    // REQUIRES: shard.mutex held. Empties the shard when `revision` is newer than its own.
    static void Advance(Shard& shard, std::uint64_t revision);

    std::array<Shard, kShards> shards_;
};

}  // namespace ea::auth::detail
