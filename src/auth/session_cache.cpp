#include "auth/session_cache.hpp"

namespace ea::auth::detail {

SessionCache::Shard& SessionCache::ShardOf(std::string_view token_hash) {
    // The key is already a hash of a random token: its last byte spreads the shards evenly.
    const auto last = token_hash.empty() ? 0U : static_cast<unsigned char>(token_hash.back());
    return shards_[last % kShards];
}

void SessionCache::Advance(Shard& shard, std::uint64_t revision) {
    if (revision > shard.revision) {
        shard.entries.clear();
        shard.revision = revision;
    }
}

std::optional<Session> SessionCache::Find(std::string_view token_hash, std::uint64_t revision,
                                          std::chrono::system_clock::time_point now) {
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
    // The store compares expiry in whole milliseconds; so does the cache, to answer alike.
    const auto millis = [](std::chrono::system_clock::time_point t) {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
    };
    if (millis(now) >= millis(entry.session.expires_at) || now < entry.read_at ||
        now - entry.read_at >= kMaxAge) {
        shard.entries.erase(it);  // read it again: the store decides, and deletes if expired
        return std::nullopt;
    }
    return entry.session;
}

void SessionCache::Remember(const Session& session, std::uint64_t revision,
                            std::chrono::system_clock::time_point now) {
    Shard& shard = ShardOf(session.token_hash);
    std::lock_guard lock(shard.mutex);
    Advance(shard, revision);
    if (revision != shard.revision) {
        return;  // read under a revision that has moved on: it may already be stale
    }
    if (shard.entries.size() >= kCapacity / kShards) {
        shard.entries.clear();
    }
    shard.entries.insert_or_assign(session.token_hash, Entry{session, now});
}

std::size_t SessionCache::SizeForTest() {
    std::size_t size = 0;
    for (Shard& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        size += shard.entries.size();
    }
    return size;
}

}  // namespace ea::auth::detail
