// VerifiedCache: the credentials (sessions, access tokens) an SQLite auth store has read lately,
// so an authenticated request costs a hash lookup instead of an SQLite read transaction.
// Internal to auth/ (sqlite_session_store, sqlite_access_token_store).
//
// Each entry is tagged with the shared revision (shared_revision.hpp) loaded before it was read;
// it is served only while the revision still has that value, so any change to the store by any
// events-api process (login, logout, refresh, revocation) empties every process's cache before
// its next lookup. It is also served only before the credential expires and for at most kMaxAge
// after it was read (by the caller's clock), which bounds how long a direct SQL edit of the
// table, which bumps no revision, can go unseen.
//
// T has `token_hash` (the key) and `expires_at` (valid while now < expires_at, compared in whole
// milliseconds as the stores do).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/session_common.hpp"

namespace ea::auth::detail {

inline constexpr std::chrono::seconds kVerifiedCacheMaxAge{1};

template <class T>
class VerifiedCache {
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr std::chrono::seconds kMaxAge = kVerifiedCacheMaxAge;
    // Entries in all; a shard that fills is emptied (its credentials are read again), so a flood
    // of distinct tokens costs memory no larger than this.
    static constexpr std::size_t kCapacity = 16384;

    // The value cached for `token_hash` under `revision`, unexpired and younger than kMaxAge at
    // `now`; nullopt otherwise.
    [[nodiscard]] std::optional<T> Find(std::string_view token_hash, std::uint64_t revision,
                                        TimePoint now) {
        Shard& shard = ShardOf(token_hash);
        std::lock_guard lock(shard.mutex);
        Advance(shard, revision);
        if (revision != shard.revision) {
            return std::nullopt;  // loaded before another thread saw a newer revision
        }
        const auto it = shard.entries.find(token_hash);
        if (it == shard.entries.end()) {
            return std::nullopt;
        }
        const Entry& entry = it->second;
        if (ToMillis(now) >= ToMillis(entry.value.expires_at) || now < entry.read_at ||
            now - entry.read_at >= kMaxAge) {
            shard.entries.erase(it);  // read it again: the store decides, and deletes if expired
            return std::nullopt;
        }
        return entry.value;
    }

    // Keeps `value`, read at `now` after loading `revision`. Entries of an older revision are
    // dropped first; a value read under a revision that has since moved on is not kept.
    void Remember(const T& value, std::uint64_t revision, TimePoint now) {
        Shard& shard = ShardOf(value.token_hash);
        std::lock_guard lock(shard.mutex);
        Advance(shard, revision);
        if (revision != shard.revision) {
            return;  // read under a revision that has moved on: it may already be stale
        }
        if (shard.entries.size() >= kCapacity / kShards) {
            shard.entries.clear();
        }
        shard.entries.insert_or_assign(value.token_hash, Entry{value, now});
    }

    // Entries held (for tests).
    [[nodiscard]] std::size_t SizeForTest() {
        std::size_t size = 0;
        for (Shard& shard : shards_) {
            std::lock_guard lock(shard.mutex);
            size += shard.entries.size();
        }
        return size;
    }

private:
    struct Entry {
        T value;
        TimePoint read_at;
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

    Shard& ShardOf(std::string_view token_hash) {
        // The key is already a hash of a random token: its last byte spreads the shards evenly.
        const auto last = token_hash.empty() ? 0U : static_cast<unsigned char>(token_hash.back());
        return shards_[last % kShards];
    }
    // REQUIRES: shard.mutex held. Empties the shard when `revision` is newer than its own.
    static void Advance(Shard& shard, std::uint64_t revision) {
        if (revision > shard.revision) {
            shard.entries.clear();
            shard.revision = revision;
        }
    }

    std::array<Shard, kShards> shards_;
};

}  // namespace ea::auth::detail
