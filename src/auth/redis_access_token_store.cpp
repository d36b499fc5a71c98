#include "auth/redis_access_token_store.hpp"

#include <algorithm>
#include <optional>
#include <utility>

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

// Shared by the revoking scripts: deletes token `id` and its index entries. ARGV[1] is the key
// prefix in every script that includes it.
constexpr std::string_view kDropHelper = R"lua(
local function drop(id)
  local hash = redis.call('GET', ARGV[1] .. 'token-id:' .. id)
  redis.call('SREM', ARGV[1] .. 'tokens', id)
  if not hash then return 0 end
  local user = redis.call('HGET', ARGV[1] .. 'token:' .. hash, 'user_id')
  redis.call('DEL', ARGV[1] .. 'token:' .. hash, ARGV[1] .. 'token-id:' .. id)
  if user then redis.call('SREM', ARGV[1] .. 'user-tokens:' .. user, id) end
  return 1
end
)lua";

// ARGV: prefix, id, token_hash, name, user_id, username, role, account_id, created_ms,
// expires_ms. Returns 0 when the id or the hash is taken.
constexpr std::string_view kPutScript = R"lua(
local p = ARGV[1]
if redis.call('EXISTS', p .. 'token-id:' .. ARGV[2], p .. 'token:' .. ARGV[3]) > 0 then
  return 0
end
local key = p .. 'token:' .. ARGV[3]
redis.call('HSET', key, 'id', ARGV[2], 'name', ARGV[4], 'user_id', ARGV[5], 'username', ARGV[6],
           'role', ARGV[7], 'account_id', ARGV[8], 'created_at', ARGV[9], 'expires_at', ARGV[10])
redis.call('PEXPIREAT', key, ARGV[10])
redis.call('SET', p .. 'token-id:' .. ARGV[2], ARGV[3])
redis.call('PEXPIREAT', p .. 'token-id:' .. ARGV[2], ARGV[10])
redis.call('SADD', p .. 'tokens', ARGV[2])
redis.call('SADD', p .. 'user-tokens:' .. ARGV[5], ARGV[2])
return 1
)lua";

// KEYS: token key. ARGV: now_ms. Sets last_used_at only on a token that still exists.
constexpr std::string_view kTouchScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'last_used_at', ARGV[1])
end
return 1
)lua";

// ARGV: prefix. Every listed token's fields (HGETALL) plus its hash, forgetting ids Redis expired.
constexpr std::string_view kListScript = R"lua(
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'tokens')) do
  local hash = redis.call('GET', ARGV[1] .. 'token-id:' .. id)
  local fields = hash and redis.call('HGETALL', ARGV[1] .. 'token:' .. hash) or {}
  if #fields == 0 then
    redis.call('SREM', ARGV[1] .. 'tokens', id)
  else
    table.insert(out, fields)
  end
end
return out
)lua";

// ARGV: prefix, id.
constexpr std::string_view kRevokeScript = "return drop(ARGV[2])";
// ARGV: prefix, user_id.
constexpr std::string_view kRevokeUserScript = R"lua(
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'user-tokens:' .. ARGV[2])) do drop(id) end
redis.call('DEL', ARGV[1] .. 'user-tokens:' .. ARGV[2])
return 1
)lua";
// ARGV: prefix.
constexpr std::string_view kRevokeAllScript = R"lua(
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'tokens')) do drop(id) end
redis.call('DEL', ARGV[1] .. 'tokens')
return 1
)lua";

std::string WithDrop(std::string_view script) {
    return std::string(kDropHelper) + std::string(script);
}

// An HGETALL-shaped reply to an AccessToken; nullopt when malformed (a key someone else wrote).
std::optional<AccessToken> TokenFromFields(const redisReply& reply) {
    AccessToken token;
    std::optional<std::int64_t> created_ms;
    std::optional<std::int64_t> expires_ms;
    const bool pairs = ForEachHashField(reply, [&](std::string_view field, std::string_view text) {
        if (field == "id") {
            token.id = text;
        } else if (field == "name") {
            token.name = text;
        } else if (field == "user_id") {
            token.user_id = text;
        } else if (field == "username") {
            token.username = text;
        } else if (field == "role") {
            token.role = text;
        } else if (field == "account_id") {
            token.account_id = text;
        } else if (field == "created_at") {
            created_ms = ParseRedisInteger(text);
        } else if (field == "expires_at") {
            expires_ms = ParseRedisInteger(text);
        } else if (field == "last_used_at") {
            if (auto used = ParseRedisInteger(text)) {
                token.last_used_at = FromMillis(*used);
            }
        }
    });
    if (!pairs || token.id.empty() || token.user_id.empty() || !created_ms || !expires_ms) {
        return std::nullopt;
    }
    token.created_at = FromMillis(*created_ms);
    token.expires_at = FromMillis(*expires_ms);
    return token;
}

Error Unknown() {
    return Error{ErrorCode::kUnauthenticated, "access token is unknown, expired or revoked"};
}

}  // namespace

Result<std::unique_ptr<RedisAccessTokenStore>> RedisAccessTokenStore::Open(
    RedisEndpoint endpoint, RedisClientOptions options, std::string key_prefix) {
    auto client = RedisClient::Open(std::move(endpoint), "access token store", options);
    if (!client) {
        return client.error();
    }
    return std::unique_ptr<RedisAccessTokenStore>(
        new RedisAccessTokenStore(*std::move(client), std::move(key_prefix)));
}

Status RedisAccessTokenStore::Put(const AccessToken& token) {
    if (token.id.empty() || token.token_hash.empty() || token.user_id.empty()) {
        return InvalidArgument("access token id, token_hash and user_id must not be empty");
    }
    if (ToMillis(token.expires_at) <= ToMillis(token.created_at)) {
        return InvalidArgument("access token expires_at must be after created_at");
    }
    auto reply = client_->Command(
        {"EVAL", std::string(kPutScript), "0", prefix_, token.id, token.token_hash, token.name,
         token.user_id, token.username, token.role, token.account_id,
         std::to_string(ToMillis(token.created_at)), std::to_string(ToMillis(token.expires_at))});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer == 0) {
        return Conflict("access token id or hash already exists");
    }
    return Ok();
}

Result<AccessToken> RedisAccessTokenStore::Find(std::string_view token_hash, TimePoint now) {
    const std::string key = prefix_ + "token:" + std::string(token_hash);
    auto reply = client_->Command({"HGETALL", key});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_ARRAY && (*reply)->elements == 0) {
        return Unknown();
    }
    auto token = TokenFromFields(**reply);
    if (!token) {
        return client_->Failure("malformed access token record");
    }
    token->token_hash = token_hash;
    if (ToMillis(now) >= ToMillis(token->expires_at)) {
        static_cast<void>(Revoke(token->id));  // Redis expires it too; `now` is authoritative
        return Unknown();
    }
    if (!token->last_used_at || now - *token->last_used_at >= kLastUsedResolution) {
        // Best effort: bookkeeping must not refuse a valid token.
        static_cast<void>(client_->Command(
            {"EVAL", std::string(kTouchScript), "1", key, std::to_string(ToMillis(now))}));
    }
    return *std::move(token);
}

Result<std::vector<AccessToken>> RedisAccessTokenStore::List(
    std::optional<std::string_view> username, TimePoint now) {
    auto reply = client_->Command({"EVAL", std::string(kListScript), "0", prefix_});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type != REDIS_REPLY_ARRAY) {
        return client_->Failure("malformed token list reply");
    }
    std::vector<AccessToken> tokens;
    for (std::size_t i = 0; i < (*reply)->elements; ++i) {
        auto token = TokenFromFields(*(*reply)->element[i]);
        if (!token) {
            return client_->Failure("malformed access token record");
        }
        if (ToMillis(now) >= ToMillis(token->expires_at) ||
            (username && token->username != *username)) {
            continue;
        }
        tokens.push_back(*std::move(token));
    }
    std::sort(tokens.begin(), tokens.end(), [](const AccessToken& a, const AccessToken& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
    });
    return tokens;
}

Status RedisAccessTokenStore::Revoke(std::string_view id) {
    auto reply = client_->Command({"EVAL", WithDrop(kRevokeScript), "0", prefix_, std::string(id)});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer == 0) {
        return NotFound("no access token with id '" + std::string(id.substr(0, 64)) + "'");
    }
    return Ok();
}

Status RedisAccessTokenStore::RevokeUser(std::string_view user_id) {
    return client_->Run({"EVAL", WithDrop(kRevokeUserScript), "0", prefix_, std::string(user_id)});
}

Status RedisAccessTokenStore::RevokeAll() {
    return client_->Run({"EVAL", WithDrop(kRevokeAllScript), "0", prefix_});
}

}  // namespace ea::auth
