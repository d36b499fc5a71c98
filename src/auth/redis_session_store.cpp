#include "auth/redis_session_store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/url/parse.hpp>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include "auth/session_common.hpp"

namespace ea::auth {
namespace {

using detail::FromMillis;
using detail::TimePoint;
using detail::ToMillis;
using detail::Unauthenticated;

timeval ToTimeval(std::chrono::milliseconds duration) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
    return tv;
}

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

bool IsDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
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

std::string RedisEndpoint::Describe() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return "redis://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
           std::to_string(db);
}

Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
    // Messages below describe the problem only: the URL may carry a password.
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return InvalidArgument("session store URL is not a valid URL");
    }
    const boost::urls::url_view& u = *parsed;
    std::string scheme(u.scheme());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "redis") {
        return InvalidArgument(
            "session store URL scheme must be redis:// here (rediss:// "
            "and unix sockets are not supported)");
    }
    RedisEndpoint endpoint;
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::name:
            endpoint.host = u.host_address();
            break;
        case boost::urls::host_type::ipv6:
            endpoint.host = u.host_ipv6_address().to_string();
            break;
        case boost::urls::host_type::ipvfuture:
        case boost::urls::host_type::none:
            break;
    }
    if (endpoint.host.empty()) {
        return InvalidArgument("redis URL needs a host, as in redis://localhost:6379");
    }
    if (u.has_port()) {
        if (!IsDigits(u.port()) || u.port_number() == 0) {
            return InvalidArgument("redis URL port must be a number from 1 to 65535");
        }
        endpoint.port = u.port_number();
    }
    if (u.has_userinfo()) {
        endpoint.username = u.user();
        if (!u.has_password()) {
            return InvalidArgument(
                "redis URL gives a user but no password; write redis://:PASSWORD@host "
                "or redis://USER:PASSWORD@host");
        }
        endpoint.password = u.password();
        if (endpoint.password.empty()) {
            return InvalidArgument("redis URL has an empty password");
        }
    }
    const std::string path = u.path();
    if (!path.empty() && path != "/") {
        const std::string_view db = std::string_view(path).substr(1);
        const auto number = IsDigits(db) ? ParseInt(db) : std::nullopt;
        if (path[0] != '/' || !number || *number > 1'000'000) {
            return InvalidArgument(
                "redis URL path must be a database number, as in "
                "redis://localhost:6379/0");
        }
        endpoint.db = static_cast<int>(*number);
    }
    if (u.has_query() || u.has_fragment()) {
        return InvalidArgument("redis URL must not have a query or fragment");
    }
    return endpoint;
}

void RedisSessionStore::ContextCloser::operator()(redisContext* context) const {
    redisFree(context);
}

void RedisSessionStore::ReplyFreer::operator()(redisReply* reply) const {
    freeReplyObject(reply);
}

RedisSessionStore::RedisSessionStore(RedisEndpoint endpoint, RedisSessionStoreOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

RedisSessionStore::~RedisSessionStore() = default;

Result<std::unique_ptr<RedisSessionStore>> RedisSessionStore::Open(
    RedisEndpoint endpoint, RedisSessionStoreOptions options) {
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
    std::unique_ptr<RedisSessionStore> store(
        new RedisSessionStore(std::move(endpoint), std::move(options)));
    if (auto ping = store->Ping(); !ping) {
        return ping.error();
    }
    return store;
}

Error RedisSessionStore::Failure(std::string_view reason) const {
    return detail::BackendUnavailable("session store (" + endpoint_.Describe() +
                                      "): " + std::string(reason));
}

std::string RedisSessionStore::SessionKey(std::string_view token_hash) const {
    return options_.key_prefix + "session:" + std::string(token_hash);
}

Result<RedisSessionStore::ContextPtr> RedisSessionStore::Connect() const {
    ContextPtr context(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                               ToTimeval(options_.connect_timeout)));
    if (!context) {
        return Failure("cannot allocate a connection");
    }
    if (context->err != 0) {
        return Failure(std::string("cannot connect: ") + context->errstr);
    }
    if (redisSetTimeout(context.get(), ToTimeval(options_.command_timeout)) != REDIS_OK) {
        return Failure("cannot set the command timeout");
    }
    // The handshake goes through redisCommandArgv like every command: credentials are sent as
    // arguments, never formatted into text that could end up in a message.
    std::vector<std::string> handshake[2];
    if (!endpoint_.password.empty()) {
        handshake[0] =
            endpoint_.username.empty()
                ? std::vector<std::string>{"AUTH", endpoint_.password}
                : std::vector<std::string>{"AUTH", endpoint_.username, endpoint_.password};
    }
    if (endpoint_.db != 0) {
        handshake[1] = {"SELECT", std::to_string(endpoint_.db)};
    }
    for (const auto& args : handshake) {
        if (args.empty()) {
            continue;
        }
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const auto& arg : args) {
            argv.push_back(arg.data());
            lengths.push_back(arg.size());
        }
        ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
            context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        const std::string what = args[0] == "AUTH" ? "authentication failed: " : "SELECT failed: ";
        if (!reply) {
            return Failure(what + context->errstr);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            // Redis error replies (WRONGPASS, ERR DB index is out of range) hold no secret.
            return Failure(what + std::string(reply->str, reply->len));
        }
    }
    return context;
}

Result<RedisSessionStore::ReplyPtr> RedisSessionStore::Command(
    const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }

    for (int attempt = 0;; ++attempt) {
        ContextPtr context;
        bool reused = false;
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                context = std::move(idle_.back());
                idle_.pop_back();
                reused = true;
            }
        }
        if (!context) {
            auto connected = Connect();
            if (!connected) {
                return connected.error();
            }
            context = std::move(*connected);
        }

        ReplyPtr reply(static_cast<redisReply*>(redisCommandArgv(
            context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        if (!reply) {
            // The connection is unusable (server gone, restarted or timed out): drop it. A
            // pooled one may simply predate a restart, and then so do its idle siblings, so
            // drop those too and retry once on a fresh connection. Every command we send is
            // idempotent, so a retry after a timeout is safe.
            const std::string reason = context->errstr;
            if (reused && attempt == 0) {
                std::lock_guard lock(mutex_);
                idle_.clear();
                continue;
            }
            return Failure("command failed: " + reason);
        }
        {
            std::lock_guard lock(mutex_);
            if (idle_.size() < options_.max_idle_connections) {
                idle_.push_back(std::move(context));
            }
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            return Failure("command failed: " + std::string(reply->str, reply->len));
        }
        return reply;
    }
}

namespace {

// An HGETALL-shaped reply (field, value, field, value...) to a Session. nullopt when a field is
// missing or malformed (a key someone else wrote).
std::optional<Session> SessionFromFields(const redisReply& reply, std::string_view token_hash) {
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements % 2 != 0) {
        return std::nullopt;
    }
    Session session;
    session.token_hash = token_hash;
    std::optional<std::int64_t> created_ms;
    std::optional<std::int64_t> expires_ms;
    bool has_user = false;
    for (std::size_t i = 0; i + 1 < reply.elements; i += 2) {
        const redisReply* name = reply.element[i];
        const redisReply* value = reply.element[i + 1];
        if (name->type != REDIS_REPLY_STRING || value->type != REDIS_REPLY_STRING) {
            return std::nullopt;
        }
        const std::string_view field(name->str, name->len);
        const std::string_view text(value->str, value->len);
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
            created_ms = ParseInt(text);
        } else if (field == "expires_at") {
            expires_ms = ParseInt(text);
        }
    }
    if (!has_user || !created_ms || !expires_ms) {
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
    const std::string user_prefix = options_.key_prefix + "user-sessions:";
    auto reply =
        Command({"EVAL", WithHelpers(kPutScript), "2", SessionKey(session.token_hash),
                 user_prefix + session.user_id, session.token_hash, session.user_id,
                 session.username, session.role, session.account_id, std::to_string(created_ms),
                 std::to_string(expires_ms), options_.key_prefix + "session:", user_prefix});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

Result<Session> RedisSessionStore::Get(std::string_view token_hash, TimePoint now) {
    auto reply = Command({"HGETALL", SessionKey(token_hash)});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_ARRAY && (*reply)->elements == 0) {
        return Unauthenticated();
    }
    auto session = SessionFromFields(**reply, token_hash);
    if (!session) {
        return Failure("malformed session record");
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
    auto reply = Command({"EVAL", WithHelpers(kTouchScript), "1", SessionKey(token_hash),
                          std::to_string(ToMillis(now)), std::to_string(expires_ms),
                          options_.key_prefix + "user-sessions:", std::string(token_hash)});
    if (!reply) {
        return reply.error();
    }
    if ((*reply)->type == REDIS_REPLY_NIL) {
        return Unauthenticated();
    }
    auto session = SessionFromFields(**reply, token_hash);
    if (!session) {
        return Failure("malformed session record");
    }
    return *std::move(session);
}

Status RedisSessionStore::Delete(std::string_view token_hash) {
    auto reply = Command({"EVAL", std::string(kDeleteScript), "1", SessionKey(token_hash),
                          options_.key_prefix + "user-sessions:", std::string(token_hash)});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

Status RedisSessionStore::DeleteUser(std::string_view user_id) {
    auto reply = Command({"EVAL", std::string(kDeleteUserScript), "1",
                          options_.key_prefix + "user-sessions:" + std::string(user_id),
                          options_.key_prefix + "session:"});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

Status RedisSessionStore::DeleteAll() {
    // SCAN, not KEYS: a large keyspace is walked in steps without blocking Redis. Only this
    // store's two key families are matched, so other data under the same prefix stays.
    for (const std::string family : {"session:", "user-sessions:"}) {
        const std::string pattern = GlobEscaped(options_.key_prefix + family) + "*";
        std::string cursor = "0";
        do {
            auto reply = Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
            if (!reply) {
                return reply.error();
            }
            const redisReply& scan = **reply;
            if (scan.type != REDIS_REPLY_ARRAY || scan.elements != 2 ||
                scan.element[0]->type != REDIS_REPLY_STRING ||
                scan.element[1]->type != REDIS_REPLY_ARRAY) {
                return Failure("malformed SCAN reply");
            }
            cursor.assign(scan.element[0]->str, scan.element[0]->len);
            std::vector<std::string> del = {"DEL"};
            for (std::size_t i = 0; i < scan.element[1]->elements; ++i) {
                const redisReply* key = scan.element[1]->element[i];
                del.emplace_back(key->str, key->len);
            }
            if (del.size() > 1) {
                if (auto deleted = Command(del); !deleted) {
                    return deleted.error();
                }
            }
        } while (cursor != "0");
    }
    return Ok();
}

Status RedisSessionStore::Ping() {
    auto reply = Command({"PING"});
    if (!reply) {
        return reply.error();
    }
    return Ok();
}

}  // namespace ea::auth
