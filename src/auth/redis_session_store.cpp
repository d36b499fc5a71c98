#include "auth/redis_session_store.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include "auth/redis_hash.hpp"
#include "auth/session_common.hpp"

namespace ea::auth {
namespace {

using detail::ForEachHashField;
using detail::FromMillis;
using detail::ParseRedisInteger;
using detail::TimePoint;
using detail::ToMillis;
using detail::Unauthenticated;

// The scripts run atomically in Redis, so a session and its user's index never disagree and a
// concurrent Delete cannot be undone by a Touch half-way through.
//
// Shared tail of Put and Touch: keep the user's index set alive as long as its longest-lived
// session (ARGV expiry in ms), using the server's own clock to read the set's remaining life.
constexpr std::string_view kExtendUserSet = R"lua(
local function extend_user_set(set_key, expires_ms)
  local t = redis.call('TIME')
  local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local wanted = tonumber(expires_ms) - now_ms
  if wanted <= 0 then return end
  local ttl = redis.call('PTTL', set_key)
  if ttl < wanted then redis.call('PEXPIREAT', set_key, expires_ms) end
end
)lua";

// KEYS: session key, user set key. ARGV: token_hash, user_id, username, role, account_id,
// created_ms, expires_ms, session key prefix, user set key prefix.
constexpr std::string_view kPutScript = R"lua(
local old_user = redis.call('HGET', KEYS[1], 'user_id')
if old_user and old_user ~= ARGV[2] then redis.call('SREM', ARGV[9] .. old_user, ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'user_id', ARGV[2], 'username', ARGV[3], 'role', ARGV[4],
           'account_id', ARGV[5], 'created_at', ARGV[6], 'expires_at', ARGV[7])
redis.call('PEXPIREAT', KEYS[1], ARGV[7])
-- Forget sessions Redis has expired, so the set stays as small as the user's live sessions.
for _, hash in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[8] .. hash) == 0 then redis.call('SREM', KEYS[2], hash) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  extend_user_set(KEYS[2], ARGV[7])
end
return 1
)lua";

// KEYS: session key. ARGV: now_ms, new expires_ms, user set key prefix, token_hash.
// Returns the session's fields (HGETALL), or nil when unknown or expired at now_ms.
constexpr std::string_view kTouchScript = R"lua(
local fields = redis.call('HMGET', KEYS[1], 'expires_at', 'user_id')
if not fields[1] then return false end
if tonumber(fields[1]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  if fields[2] then redis.call('SREM', ARGV[3] .. fields[2], ARGV[4]) end
  return false
end
redis.call('HSET', KEYS[1], 'expires_at', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
if fields[2] then extend_user_set(ARGV[3] .. fields[2], ARGV[2]) end
return redis.call('HGETALL', KEYS[1])
)lua";

// KEYS: session key. ARGV: user set key prefix, token_hash.
constexpr std::string_view kDeleteScript = R"lua(
local user_id = redis.call('HGET', KEYS[1], 'user_id')
redis.call('DEL', KEYS[1])
if user_id then redis.call('SREM', ARGV[1] .. user_id, ARGV[2]) end
return 1
)lua";

// KEYS: user set key. ARGV: session key prefix.
constexpr std::string_view kDeleteUserScript = R"lua(
local hashes = redis.call('SMEMBERS', KEYS[1])
for _, hash in ipairs(hashes) do redis.call('DEL', ARGV[1] .. hash) end
redis.call('DEL', KEYS[1])
return #hashes
)lua";

std::string WithHelpers(std::string_view script) {
    return std::string(kExtendUserSet) + std::string(script);
}

// `text` with Redis glob metacharacters escaped, for a MATCH pattern.
std::string GlobEscaped(std::string_view text) {
    std::string escaped;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
            escaped += '\\';
        }
        escaped += c;
    }
    return escaped;
}

}  // namespace

Result<std::unique_ptr<RedisSessionStore>> RedisSessionStore::Open(
    RedisEndpoint endpoint, RedisSessionStoreOptions options) {
    RedisClientOptions client_options;
    client_options.connect_timeout = options.connect_timeout;
    client_options.command_timeout = options.command_timeout;
    client_options.max_idle_connections = options.max_idle_connections;
    // "session store unavailable; try again later", as every SessionStore backend says it.
    auto client = RedisClient::Open(std::move(endpoint), "session store", client_options);
    if (!client) {
        return client.error();
    }
    return std::unique_ptr<RedisSessionStore>(
        new RedisSessionStore(*std::move(client), std::move(options.key_prefix)));
}

RedisSessionStore::~RedisSessionStore() = default;

std::string RedisSessionStore::SessionKey(std::string_view token_hash) const {
    return key_prefix_ + "session:" + std::string(token_hash);
}

namespace {

// An HGETALL-shaped reply (field, value, field, value...) to a Session. nullopt when a field is
// missing or malformed (a key someone else wrote).
std::optional<Session> SessionFromFields(const redisReply& reply, std::string_view token_hash) {
    Session session;
    session.token_hash = token_hash;
    std::optional<std::int64_t> created_ms;
    std::optional<std::int64_t> expires_ms;
    bool has_user = false;
    const bool pairs = ForEachHashField(reply, [&](std::string_view field, std::string_view text) {
        if (field == "user_id") {
            session.user_id = text;
            has_user = true;
        } else if (field == "username") {
            session.username = text;
        } else if (field == "role") {
            session.role = text;
        } else if (field == "account_id") {
            session.account_id = text;
        } else if (field == "created_at") {
            created_ms = ParseRedisInteger(text);
        } else if (field == "expires_at") {
            expires_ms = ParseRedisInteger(text);
        }
    });
    if (!pairs || !has_user || !created_ms || !expires_ms) {
        return std::nullopt;
    }
    session.created_at = FromMillis(*created_ms);
    session.expires_at = FromMillis(*expires_ms);
    return session;
}

}  // namespace

Status RedisSessionStore::Put(const Session& session) {
    if (auto valid = detail::CheckNewSession(session); !valid) {
        return valid;
    }
    const std::int64_t created_ms = ToMillis(session.created_at);
    const std::int64_t expires_ms = ToMillis(session.expires_at);
    const std::string user_prefix = key_prefix_ + "user-sessions:";
    return client_->Run({"EVAL", WithHelpers(kPutScript), "2", SessionKey(session.token_hash),
                         user_prefix + session.user_id, session.token_hash, session.user_id,
                         session.username, session.role, session.account_id,
                         std::to_string(created_ms), std::to_string(expires_ms),
                         key_prefix_ + "session:", user_prefix});
}

Result<Session> RedisSessionStore::Get(std::string_view token_hash, TimePoint now) {
    auto reply = client_->Command({"HGETALL", SessionKey(token_hash)});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_ARRAY && (*reply)->elements == 0) {
        return Unauthenticated();
    }
    auto session = SessionFromFields(**reply, token_hash);
    if (!session) {
        return client_->Failure("malformed session record");
    }
    if (ToMillis(now) >= ToMillis(session->expires_at)) {
        // Redis expires it on its own clock too; deleting now keeps `now` authoritative.
        static_cast<void>(Delete(token_hash));
        return Unauthenticated();
    }
    return *std::move(session);
}

Result<Session> RedisSessionStore::Touch(std::string_view token_hash, std::chrono::seconds ttl,
                                         TimePoint now) {
    if (ttl <= std::chrono::seconds::zero() || ttl > kMaxSessionTtl) {
        return InvalidArgument("session ttl must be positive and at most 366 days");
    }
    const std::int64_t expires_ms = ToMillis(now + ttl);
    auto reply = client_->Command({"EVAL", WithHelpers(kTouchScript), "1", SessionKey(token_hash),
                                   std::to_string(ToMillis(now)), std::to_string(expires_ms),
                                   key_prefix_ + "user-sessions:", std::string(token_hash)});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_NIL) {
        return Unauthenticated();
    }
    auto session = SessionFromFields(**reply, token_hash);
    if (!session) {
        return client_->Failure("malformed session record");
    }
    return *std::move(session);
}

Status RedisSessionStore::Delete(std::string_view token_hash) {
    return client_->Run({"EVAL", std::string(kDeleteScript), "1", SessionKey(token_hash),
                         key_prefix_ + "user-sessions:", std::string(token_hash)});
}

Status RedisSessionStore::DeleteUser(std::string_view user_id) {
    return client_->Run({"EVAL", std::string(kDeleteUserScript), "1",
                         key_prefix_ + "user-sessions:" + std::string(user_id),
                         key_prefix_ + "session:"});
}

Status RedisSessionStore::DeleteAll() {
    // SCAN, not KEYS: a large keyspace is walked in steps without blocking Redis. Only this
    // store's two key families are matched, so other data under the same prefix stays.
    for (const std::string family : {"session:", "user-sessions:"}) {
        const std::string pattern = GlobEscaped(key_prefix_ + family) + "*";
        std::string cursor = "0";
        do {
            auto reply = client_->Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
            if (!reply) {
                return reply.error();
            }
            const redisReply& scan = **reply;
            if (scan.type != REDIS_REPLY_ARRAY || scan.elements != 2 ||
                scan.element[0]->type != REDIS_REPLY_STRING ||
                scan.element[1]->type != REDIS_REPLY_ARRAY) {
                return client_->Failure("malformed SCAN reply");
            }
            cursor.assign(scan.element[0]->str, scan.element[0]->len);
            std::vector<std::string> del = {"DEL"};
            for (std::size_t i = 0; i < scan.element[1]->elements; ++i) {
                const redisReply* key = scan.element[1]->element[i];
                del.emplace_back(key->str, key->len);
            }
            if (del.size() > 1) {
                if (auto deleted = client_->Command(del); !deleted) {
                    return deleted.error();
                }
            }
        } while (cursor != "0");
    }
    return Ok();
}

Status RedisSessionStore::Ping() {
    return client_->Run({"PING"});
}

}  // namespace ea::auth
