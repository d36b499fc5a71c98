#include "cli/cli.hpp"

#include <iostream>
#include <optional>
#include <vector>

#include "cli/command.hpp"
#include "store/sqlite/sqlite_library.hpp"

namespace ea::cli {

const app::Config* ResolvedConfig(const app::ConfigFlags& flags) {
    static std::optional<app::Config> config;
    if (!config) {
        auto loaded = app::LoadConfig(flags, app::ProcessEnvironment());
        if (!loaded) {
            PrintError(loaded.error());
            return nullptr;
        }
        config = *std::move(loaded);
    }
    return &*config;
}

void PrintError(const Error& error) {
    std::cerr << "events-api: " << error.message << "\n";
    if (!error.detail.empty()) {  // the operator's terminal is where a backend's words belong
        std::cerr << "  detail: " << error.detail << "\n";
    }
    for (const auto& field : error.fields) {
        std::cerr << "  " << field.field << ": " << field.message << "\n";
    }
}

std::string RedactedUrl(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }
    const auto authority_start = scheme_end + 3;
    const auto authority_end = url.find_first_of("/?#", authority_start);
    const auto authority = url.substr(authority_start, authority_end == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : authority_end - authority_start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(url);
    }
    const auto colon = authority.substr(0, at).find(':');
    if (colon == std::string_view::npos) {
        return std::string(url);
    }
    std::string redacted(url.substr(0, authority_start + colon + 1));
    redacted += "***";
    redacted += url.substr(authority_start + at);
    return redacted;
}

int Main(int argc, char** argv) {
    // Before anything opens a database.
    static_cast<void>(store::sqlite::ConfigureSqliteLibrary());
    CLI::App root{
        "events-api: a data service for programs and AI assistants, from one schema.yaml"};
    root.require_subcommand(1);
    root.set_version_flag("--version", "events-api 0.1.0");

    app::ConfigFlags flags;
    auto add = [&](const char* name, std::optional<std::string>& target, const char* help) {
        root.add_option_function<std::string>(
                name, [&target](const std::string& value) { target = value; }, help)
            ->type_name("TEXT");
    };
    add("--config", flags.config_file, "configuration file (YAML)");
    add("--schema", flags.schema, "schema file (EVENTS_API_SCHEMA; default schema.yaml)");
    add("--db", flags.db, "database: sqlite://PATH or postgresql://... (EVENTS_API_DB)");
    add("--sessions", flags.sessions, "session store: redis://HOST:PORT (EVENTS_API_SESSIONS)");
    add("--listen", flags.listen, "HOST:PORT to serve on (EVENTS_API_LISTEN)");
    add("--auth-required", flags.auth_required,
        "true|false; false opens a loopback server for local tools (EVENTS_API_AUTH_REQUIRED)");
    add("--log-level", flags.log_level, "debug|info|warn|error (EVENTS_API_LOG_LEVEL)");
    add("--cors-allowed-origins", flags.cors_allowed_origins,
        "comma-separated browser origins allowed to call the API with credentials; \"\" for none "
        "(EVENTS_API_CORS_ALLOWED_ORIGINS; default http://localhost:4200)");
    add("--max-connections", flags.max_connections,
        "open client connections at most; past it 503 (EVENTS_API_MAX_CONNECTIONS; default 1024)");
    add("--trust-proxy", flags.trust_proxy,
        "true|false; client address from X-Forwarded-For, only behind a proxy that sets it "
        "(EVENTS_API_TRUST_PROXY)");
    add("--store-durability", flags.store_durability,
        "full|normal; normal is faster but a power loss may lose the last writes "
        "(EVENTS_API_STORE_DURABILITY; default full)");
    add("--store-pool-size", flags.store_pool_size,
        "PostgreSQL connections per instance at most (EVENTS_API_STORE_POOL_SIZE; default 8)");
    add("--store-mmap-mb", flags.store_mmap_mb,
        "SQLite: MiB of the database file each reader maps, 0 for none "
        "(EVENTS_API_STORE_MMAP_MB; default 2047)");
    add("--max-batch", flags.max_batch,
        "most records in one batch request (EVENTS_API_MAX_BATCH; default 1000)");
    add("--query-timeout-ms", flags.query_timeout_ms,
        "longest one list query may run, 0 for no limit (EVENTS_API_QUERY_TIMEOUT_MS; default "
        "5000)");
    add("--mcp-max-sessions", flags.mcp_max_sessions,
        "open MCP sessions on /mcp at most; past it initialize is 503 "
        "(EVENTS_API_MCP_MAX_SESSIONS; "
        "default 1024)");
    add("--mcp-tools", flags.mcp_tools,
        "MCP tool set: entity (tools per entity) or compact (8 generic tools); /mcp?tools= "
        "chooses per request or session (EVENTS_API_MCP_TOOLS; default entity)");
    add("--mcp-session-idle-seconds", flags.mcp_session_idle_seconds,
        "an MCP session on /mcp unused this long ends (EVENTS_API_MCP_SESSION_IDLE_SECONDS; "
        "default "
        "3600)");
    add("--rate-limits", flags.rate_limits,
        "data calls per role, ROLE=CALLS/PERIOD or ROLE=unlimited, comma-separated; roles not "
        "listed are unlimited (EVENTS_API_RATE_LIMITS; default ai_agent=100/60s)");
    add("--audit-file", flags.audit_file,
        "audit trail JSON-lines file; \"off\" for none (EVENTS_API_AUDIT_FILE; default beside "
        "the SQLite database: <db file>.audit.jsonl)");
    add("--audit-file-max-bytes", flags.audit_file_max_bytes,
        "audit file size that rotates it (EVENTS_API_AUDIT_FILE_MAX_BYTES; default 67108864)");
    add("--audit-file-keep", flags.audit_file_keep,
        "rotated audit files kept (EVENTS_API_AUDIT_FILE_KEEP; default 5)");
    add("--audit-table", flags.audit_table,
        "true|false; the AuditEvent table in the store's database, read by GET /api/_audit "
        "(EVENTS_API_AUDIT_TABLE; default true)");
    add("--audit-queue", flags.audit_queue,
        "audit events each sink queues at most; when full, writes are refused "
        "(EVENTS_API_AUDIT_QUEUE; default 10000)");
    add("--mcp-max-result-bytes", flags.mcp_max_result_bytes,
        "largest MCP tool result in bytes of JSON; a list page over it is cut to whole rows "
        "(EVENTS_API_MCP_MAX_RESULT_BYTES; default 40000, at least 1024)");
    add("--store-timeout-ms", flags.store_timeout_ms,
        "PostgreSQL: longest wait for a connection (pooled or new) before a request fails with "
        "503 (EVENTS_API_STORE_TIMEOUT_MS; default 5000)");

    std::vector<Command> commands = {
        AddSchemaCommand(root, flags),   AddMigrateCommand(root, flags),
        AddSeedDemoCommand(root, flags), AddUserCommand(root, flags),
        AddServeCommand(root, flags),    AddMcpCommand(root, flags),
        AddDocsCommand(root, flags),     AddTokenCommand(root, flags),
    };
    for (auto& command : commands) {
        command.app->fallthrough();
    }

    try {
        root.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints the message; its own codes (105-109) would break the contract in cli.hpp.
        return root.exit(e) == 0 ? 0 : 2;
    }
    for (auto& command : commands) {
        if (command.app->parsed()) {
            return command.run();
        }
    }
    std::cerr << root.help();
    return 2;
}

}  // namespace ea::cli
