// Configuration: every setting has a flag, an EVENTS_API_* environment variable and a config-file
// key, applied in that precedence over built-in defaults. See docs/configuration.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace ea::app {

// One role's limit on data calls (service/call_limiter.hpp): `calls` per `period_seconds`.
struct RateLimitRule {
    std::string role;
    int calls = 0;
    int period_seconds = 0;
    bool operator==(const RateLimitRule&) const = default;
};

struct Config {
    std::string schema = "schema.yaml";
    std::string db = "sqlite://data/events.db";
    std::string sessions;  // empty: embedded (the database file); "redis://host:port"
    std::string listen = "127.0.0.1:8080";
    bool auth_required = true;
    int session_ttl_seconds = 3600;
    std::string log_level = "info";
    // Browser origins allowed to call the API with credentials (CORS), normalized
    // ("http://localhost:4200"); empty turns CORS off.
    std::vector<std::string> cors_allowed_origins = {"http://localhost:4200"};
    int max_connections = 1024;  // open client connections at most; past it: 503 and close
    bool trust_proxy = false;    // client address from X-Forwarded-For (right-most entry)
    // "full": an acknowledged write survives an OS crash or power loss; "normal": faster, a
    // power loss may lose the last commits (SQLite synchronous=FULL / NORMAL).
    std::string store_durability = "full";
    int store_pool_size = 8;      // PostgreSQL connections per instance at most
    int store_mmap_mb = 2047;     // SQLite: MiB of the file its readers map (0: none); the
                                  // store's kDefaultSqliteMmapBytes (a test pins them equal)
    int max_batch = 1000;         // records per batch request
    int query_timeout_ms = 5000;  // one list query; 0: no limit
    // Streamable HTTP /mcp, session era: open sessions at most (an initialize past it is 503),
    // and how long an unused session lives.
    int mcp_max_sessions = 1024;
    int mcp_session_idle_seconds = 3600;
    // Per-role limits on data calls (limits.rate_limits); a role not listed is unlimited.
    // Shared through Redis when `sessions` is redis://.
    std::vector<RateLimitRule> rate_limits = {{"ai_agent", 100, 60}};
    // The audit trail (docs/security.md, "Audit"): the JSON-lines file ("" beside the SQLite
    // database as <db file>.audit.jsonl, or data/audit.jsonl; "off" for none), its rotation size
    // and rotated files kept, the AuditEvent table in the store's database, and the events each
    // sink queues at most before writes are refused.
    std::string audit_file;
    long long audit_file_max_bytes = 64ll << 20;
    int audit_file_keep = 5;
    bool audit_table = true;
    int audit_queue = 10000;
    // MCP tool set: "entity" (list_users, get_user, ... per entity) or "compact" (a few generic
    // tools taking an entity name); /mcp?tools=... chooses per request or session.
    std::string mcp_tools = "entity";
    // The largest MCP tool result, in bytes of its JSON (mcp/result_budget.hpp): a list page over
    // it is cut to whole rows, with pagination.truncated.
    int mcp_max_result_bytes = 40000;
    // PostgreSQL: the longest a request waits for a connection (a free pooled one, or a new one
    // to open); past it the request fails with 503 instead of hanging on a sick database.
    int store_timeout_ms = 5000;
    std::string config_file;  // where the file layer came from, for messages
};

// One setting as the command line gave it (unset when the flag was not passed).
struct ConfigFlags {
    std::optional<std::string> config_file;
    std::optional<std::string> schema;
    std::optional<std::string> db;
    std::optional<std::string> sessions;
    std::optional<std::string> listen;
    std::optional<std::string> auth_required;
    std::optional<std::string> log_level;
    std::optional<std::string> cors_allowed_origins;  // comma-separated
    std::optional<std::string> max_connections;
    std::optional<std::string> trust_proxy;
    std::optional<std::string> store_durability;
    std::optional<std::string> store_pool_size;
    std::optional<std::string> store_mmap_mb;
    std::optional<std::string> max_batch;
    std::optional<std::string> query_timeout_ms;
    std::optional<std::string> mcp_max_sessions;
    std::optional<std::string> mcp_session_idle_seconds;
    std::optional<std::string> rate_limits;  // comma-separated ROLE=CALLS/PERIOD
    std::optional<std::string> audit_file;
    std::optional<std::string> audit_file_max_bytes;
    std::optional<std::string> audit_file_keep;
    std::optional<std::string> audit_table;
    std::optional<std::string> audit_queue;
    std::optional<std::string> mcp_tools;
    std::optional<std::string> mcp_max_result_bytes;
    std::optional<std::string> store_timeout_ms;
};

// The environment as a map, so tests can pass their own.
using Environment = std::map<std::string, std::string>;
Environment ProcessEnvironment();

// Merges flags > environment > config file (flags.config_file or EVENTS_API_CONFIG) > defaults.
// Errors (kInvalidArgument) name the source and key: an unreadable or malformed file, an unknown
// key, a value of the wrong kind.
[[nodiscard]] Result<Config> LoadConfig(const ConfigFlags& flags, const Environment& env);

// "HOST:PORT" -> parts; kInvalidArgument when malformed.
struct HostPort {
    std::string host;
    unsigned short port = 0;
};
[[nodiscard]] Result<HostPort> ParseListen(const std::string& listen);

// "ai_agent=100/60s, read=1000/1m" -> rules; PERIOD is a whole number of seconds with an
// optional unit (s, m, h); "ROLE=unlimited" removes the role's limit; "" is no limits at all.
// kInvalidArgument naming the item when malformed or a role appears twice.
[[nodiscard]] Result<std::vector<RateLimitRule>> ParseRateLimits(const std::string& text);

}  // namespace ea::app
