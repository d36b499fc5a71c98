#include "app/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "http/cors.hpp"

extern char** environ;

namespace ea::app {
namespace {

Result<bool> ParseBool(const std::string& source, const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
        return true;
    }
    if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
        return false;
    }
    return InvalidArgument(source + ": expected true or false, got '" + text + "'");
}

Result<int> ParsePositive(const std::string& source, const std::string& text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value <= 0) {
        return InvalidArgument(source + ": expected a positive integer, got '" + text + "'");
    }
    return value;
}

// `what` names the unit and what 0 means, e.g. "milliseconds (0: no limit)".
Result<int> ParseNonNegative(const std::string& source, const std::string& text,
                             std::string_view what) {
    int value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < 0) {
        return InvalidArgument(source + ": expected a whole number of " + std::string(what) +
                               ", got '" + text + "'");
    }
    return value;
}

// Values from one layer (file or environment) keyed by the config-file key.
using Layer = std::map<std::string, std::string>;

constexpr const char* kKeys[][2] = {
    {"schema", "EVENTS_API_SCHEMA"},
    {"db", "EVENTS_API_DB"},
    {"sessions", "EVENTS_API_SESSIONS"},
    {"listen", "EVENTS_API_LISTEN"},
    {"auth.required", "EVENTS_API_AUTH_REQUIRED"},
    {"auth.session_ttl", "EVENTS_API_SESSION_TTL"},
    {"log.level", "EVENTS_API_LOG_LEVEL"},
    {"cors.allowed_origins", "EVENTS_API_CORS_ALLOWED_ORIGINS"},
    {"limits.max_connections", "EVENTS_API_MAX_CONNECTIONS"},
    {"trust_proxy", "EVENTS_API_TRUST_PROXY"},
    {"store.durability", "EVENTS_API_STORE_DURABILITY"},
    {"store.pool_size", "EVENTS_API_STORE_POOL_SIZE"},
    {"store.mmap_mb", "EVENTS_API_STORE_MMAP_MB"},
    {"limits.max_batch", "EVENTS_API_MAX_BATCH"},
    {"limits.query_timeout_ms", "EVENTS_API_QUERY_TIMEOUT_MS"},
    {"mcp.max_sessions", "EVENTS_API_MCP_MAX_SESSIONS"},
    {"mcp.session_idle_seconds", "EVENTS_API_MCP_SESSION_IDLE_SECONDS"},
    {"limits.rate_limits", "EVENTS_API_RATE_LIMITS"},
    {"audit.file", "EVENTS_API_AUDIT_FILE"},
    {"audit.file_max_bytes", "EVENTS_API_AUDIT_FILE_MAX_BYTES"},
    {"audit.file_keep", "EVENTS_API_AUDIT_FILE_KEEP"},
    {"audit.table", "EVENTS_API_AUDIT_TABLE"},
    {"audit.queue", "EVENTS_API_AUDIT_QUEUE"},
    {"mcp.tools", "EVENTS_API_MCP_TOOLS"},
    {"mcp.max_result_bytes", "EVENTS_API_MCP_MAX_RESULT_BYTES"},
    {"store.timeout_ms", "EVENTS_API_STORE_TIMEOUT_MS"},
};

// Keys whose value is a list: a YAML sequence in the file, comma-separated elsewhere.
bool IsListKey(const std::string& key) {
    return key == "cors.allowed_origins" || key == "limits.rate_limits";
}

// "a, b,,c" -> each origin normalized; an empty text is an empty list.
Result<std::vector<std::string>> ParseOrigins(const std::string& source, const std::string& text) {
    std::vector<std::string> origins;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) {
            auto origin = http::NormalizeOrigin(item);
            if (!origin) {
                return InvalidArgument(source + ": " + origin.error().message);
            }
            if (std::find(origins.begin(), origins.end(), *origin) == origins.end()) {
                origins.push_back(*std::move(origin));
            }
        }
        start = end + 1;
    }
    return origins;
}

bool IsKnownKey(const std::string& key) {
    return std::any_of(std::begin(kKeys), std::end(kKeys),
                       [&](const auto& entry) { return key == entry[0]; });
}

// `where` receives "file:line:col" of each key, so a bad value can be reported at its place.
Status FlattenYaml(const YAML::Node& node, const std::string& prefix, const std::string& file,
                   Layer& out, Layer& where_out) {
    if (!node.IsMap()) {
        return InvalidArgument(file + ": expected a mapping" +
                               (prefix.empty() ? "" : " under '" + prefix + "'"));
    }
    for (const auto& item : node) {
        const auto key = prefix.empty() ? item.first.Scalar() : prefix + "." + item.first.Scalar();
        if (item.second.IsMap()) {
            if (auto nested = FlattenYaml(item.second, key, file, out, where_out); !nested) {
                return nested;
            }
            continue;
        }
        const auto mark = item.first.Mark();
        const auto where =
            file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
        if (!IsKnownKey(key)) {
            return InvalidArgument(where + ": unknown configuration key '" + key + "'");
        }
        if (IsListKey(key) && (item.second.IsSequence() || item.second.IsNull())) {
            std::string joined;
            for (const auto& element : item.second) {
                if (!element.IsScalar()) {
                    return InvalidArgument(where + ": '" + key + "' must be a list of strings");
                }
                joined += (joined.empty() ? "" : ",") + element.Scalar();
            }
            out[key] = joined;
            where_out[key] = where;
            continue;
        }
        if (!item.second.IsScalar()) {
            return InvalidArgument(where + ": '" + key + "' must be a single value");
        }
        out[key] = item.second.Scalar();
        where_out[key] = where;
    }
    return Ok();
}

Result<Layer> ReadFile(const std::string& file, Layer& where) {
    if (!std::filesystem::exists(file)) {
        return InvalidArgument("config file '" + file + "' does not exist");
    }
    Layer layer;
    try {
        const auto root = YAML::LoadFile(file);
        if (root.IsNull()) {
            return layer;
        }
        if (auto flat = FlattenYaml(root, "", file, layer, where); !flat) {
            return flat.error();
        }
    } catch (const YAML::Exception& e) {
        return InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    return layer;
}

}  // namespace

Environment ProcessEnvironment() {
    Environment env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        const auto eq = text.find('=');
        if (eq != std::string_view::npos && text.starts_with("EVENTS_API_")) {
            env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
        }
    }
    return env;
}

Result<Config> LoadConfig(const ConfigFlags& flags, const Environment& env) {
    Config config;
    Layer merged;  // key -> value, filled from the lowest precedence up
    std::map<std::string, std::string> source;  // key -> where the value came from

    std::string file = flags.config_file.value_or("");
    if (file.empty()) {
        if (auto it = env.find("EVENTS_API_CONFIG"); it != env.end()) {
            file = it->second;
        }
    }
    if (!file.empty()) {
        Layer where;
        auto layer = ReadFile(file, where);
        if (!layer) {
            return layer.error();
        }
        for (auto& [key, value] : *layer) {
            merged[key] = value;
            source[key] = where[key] + ": " + key;
        }
        config.config_file = file;
    }
    for (const auto& [key, variable] : kKeys) {
        if (auto it = env.find(variable); it != env.end()) {
            merged[key] = it->second;
            source[key] = variable;
        }
    }
    const std::pair<const char*, const std::optional<std::string>*> flag_values[] = {
        {"schema", &flags.schema},
        {"db", &flags.db},
        {"sessions", &flags.sessions},
        {"listen", &flags.listen},
        {"auth.required", &flags.auth_required},
        {"log.level", &flags.log_level},
        {"cors.allowed_origins", &flags.cors_allowed_origins},
        {"limits.max_connections", &flags.max_connections},
        {"trust_proxy", &flags.trust_proxy},
        {"store.durability", &flags.store_durability},
        {"store.pool_size", &flags.store_pool_size},
        {"store.mmap_mb", &flags.store_mmap_mb},
        {"limits.max_batch", &flags.max_batch},
        {"limits.query_timeout_ms", &flags.query_timeout_ms},
        {"mcp.max_sessions", &flags.mcp_max_sessions},
        {"mcp.session_idle_seconds", &flags.mcp_session_idle_seconds},
        {"limits.rate_limits", &flags.rate_limits},
        {"audit.file", &flags.audit_file},
        {"audit.file_max_bytes", &flags.audit_file_max_bytes},
        {"audit.file_keep", &flags.audit_file_keep},
        {"audit.table", &flags.audit_table},
        {"audit.queue", &flags.audit_queue},
        {"mcp.tools", &flags.mcp_tools},
        {"mcp.max_result_bytes", &flags.mcp_max_result_bytes},
        {"store.timeout_ms", &flags.store_timeout_ms},
    };
    for (const auto& [key, value] : flag_values) {
        if (value->has_value()) {
            merged[key] = **value;
            // The flag as typed: cli.cpp spells dotted keys with '-' (--auth-required), and
            // '_' too (--cors-allowed-origins); limits.* drop their prefix (--max-connections).
            const std::string_view name = key;
            std::string flag =
                "--" + std::string(name.starts_with("limits.") ? name.substr(7) : name);
            std::replace(flag.begin(), flag.end(), '.', '-');
            std::replace(flag.begin(), flag.end(), '_', '-');
            source[key] = std::move(flag);
        }
    }

    for (const auto& [key, value] : merged) {
        if (key == "schema") {
            config.schema = value;
        } else if (key == "db") {
            config.db = value;
        } else if (key == "sessions") {
            config.sessions = value;
        } else if (key == "listen") {
            if (auto parsed = ParseListen(value); !parsed) {
                return InvalidArgument(source[key] + ": " + parsed.error().message);
            }
            config.listen = value;
        } else if (key == "auth.required") {
            auto parsed = ParseBool(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.auth_required = *parsed;
        } else if (key == "auth.session_ttl") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.session_ttl_seconds = *parsed;
        } else if (key == "log.level") {
            config.log_level = value;
        } else if (key == "cors.allowed_origins") {
            auto parsed = ParseOrigins(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.cors_allowed_origins = *std::move(parsed);
        } else if (key == "limits.max_connections") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.max_connections = *parsed;
        } else if (key == "trust_proxy") {
            auto parsed = ParseBool(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.trust_proxy = *parsed;
        } else if (key == "store.durability") {
            if (value != "full" && value != "normal") {
                return InvalidArgument(source[key] + ": expected full or normal, got '" + value +
                                       "'");
            }
            config.store_durability = value;
        } else if (key == "store.pool_size") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.store_pool_size = *parsed;
        } else if (key == "store.mmap_mb") {
            auto parsed = ParseNonNegative(source[key], value, "MiB (0: none)");
            if (!parsed) {
                return parsed.error();
            }
            config.store_mmap_mb = *parsed;
        } else if (key == "limits.max_batch") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.max_batch = *parsed;
        } else if (key == "limits.query_timeout_ms") {
            auto parsed = ParseNonNegative(source[key], value, "milliseconds (0: no limit)");
            if (!parsed) {
                return parsed.error();
            }
            config.query_timeout_ms = *parsed;
        } else if (key == "mcp.max_sessions") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.mcp_max_sessions = *parsed;
        } else if (key == "mcp.session_idle_seconds") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.mcp_session_idle_seconds = *parsed;
        } else if (key == "limits.rate_limits") {
            auto parsed = ParseRateLimits(value);
            if (!parsed) {
                return InvalidArgument(source[key] + ": " + parsed.error().message);
            }
            config.rate_limits = *std::move(parsed);
        } else if (key == "audit.file") {
            config.audit_file = value;
        } else if (key == "audit.file_max_bytes") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.audit_file_max_bytes = *parsed;
        } else if (key == "audit.file_keep") {
            auto parsed = ParseNonNegative(source[key], value, "rotated files (0: none)");
            if (!parsed) {
                return parsed.error();
            }
            config.audit_file_keep = *parsed;
        } else if (key == "audit.table") {
            auto parsed = ParseBool(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.audit_table = *parsed;
        } else if (key == "audit.queue") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.audit_queue = *parsed;
        } else if (key == "mcp.tools") {
            if (value != "entity" && value != "compact") {
                return InvalidArgument(source[key] +
                                       ": mcp.tools must be entity or compact, got '" +
                                       value.substr(0, 40) + "'");
            }
            config.mcp_tools = value;
        } else if (key == "mcp.max_result_bytes") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            if (*parsed < 1024) {
                return InvalidArgument(source[key] +
                                       ": must be at least 1024 (bytes of one tool result)");
            }
            config.mcp_max_result_bytes = *parsed;
        } else if (key == "store.timeout_ms") {
            auto parsed = ParsePositive(source[key], value);
            if (!parsed) {
                return parsed.error();
            }
            config.store_timeout_ms = *parsed;
        }
    }
    if (config.schema.empty()) {
        return InvalidArgument("schema: a schema file is required");
    }
    return config;
}

Result<std::vector<RateLimitRule>> ParseRateLimits(const std::string& text) {
    std::vector<RateLimitRule> rules;
    std::vector<std::string> unlimited;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string item = text.substr(start, end - start);
        start = end + 1;
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty()) {
            continue;
        }
        const auto bad = [&](const std::string& why) {
            return InvalidArgument("rate limit '" + item + "': " + why +
                                   " (expected ROLE=CALLS/PERIOD as in ai_agent=100/60s, or "
                                   "ROLE=unlimited)");
        };
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
            return bad("no role");
        }
        RateLimitRule rule;
        rule.role = item.substr(0, eq);
        const std::string spec = item.substr(eq + 1);
        const bool seen =
            std::any_of(rules.begin(), rules.end(),
                        [&](const auto& r) { return r.role == rule.role; }) ||
            std::find(unlimited.begin(), unlimited.end(), rule.role) != unlimited.end();
        if (seen) {
            return bad("role given twice");
        }
        if (spec == "unlimited") {
            unlimited.push_back(rule.role);
            continue;
        }
        const auto slash = spec.find('/');
        if (slash == std::string::npos) {
            return bad("no period");
        }
        const std::string calls = spec.substr(0, slash);
        std::string period = spec.substr(slash + 1);
        int unit = 1;
        if (!period.empty() &&
            (period.back() == 's' || period.back() == 'm' || period.back() == 'h')) {
            unit = period.back() == 'h' ? 3600 : period.back() == 'm' ? 60 : 1;
            period.pop_back();
        }
        const auto whole = [](const std::string& digits, int& out) {
            const auto* end_ptr = digits.data() + digits.size();
            auto [ptr, ec] = std::from_chars(digits.data(), end_ptr, out);
            return !digits.empty() && ec == std::errc() && ptr == end_ptr && out > 0;
        };
        if (!whole(calls, rule.calls) || rule.calls > 1'000'000) {
            return bad("CALLS must be a whole number from 1 to 1000000");
        }
        int count = 0;
        if (!whole(period, count) || count > 86400 / unit) {
            return bad("PERIOD must be from 1 s to 24 h");
        }
        rule.period_seconds = count * unit;
        rules.push_back(std::move(rule));
    }
    return rules;
}

Result<HostPort> ParseListen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return InvalidArgument("listen address must be HOST:PORT, got '" + listen + "'");
    }
    HostPort out;
    out.host = listen.substr(0, colon);
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    const auto port_text = listen.substr(colon + 1);
    unsigned value = 0;
    const auto* end = port_text.data() + port_text.size();
    auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
    if (port_text.empty() || ec != std::errc() || ptr != end || value > 65535) {
        return InvalidArgument("listen port must be 0-65535, got '" + port_text + "'");
    }
    out.port = static_cast<unsigned short>(value);
    return out;
}

}  // namespace ea::app
