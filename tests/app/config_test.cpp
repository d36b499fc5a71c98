// app::LoadConfig: flags > environment > config file > defaults for every key, the config file
// chosen by --config or EVENTS_API_CONFIG, and errors that name where a bad value came from.
#include "app/config.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/document_store.hpp"
#include "testing/temp_dir.hpp"

namespace ea::app {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class ConfigTest : public ::testing::Test {
protected:
    // Writes `text` to a file in the test's directory and returns its path.
    std::string WriteFile(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    // A file that sets every key to a value different from the default.
    std::string FullFile() {
        return WriteFile("full.yaml",
                         "schema: file-schema.yaml\n"
                         "db: sqlite://file.db\n"
                         "sessions: redis://file-host:6379\n"
                         "listen: 127.0.0.2:8001\n"
                         "auth:\n"
                         "  required: false\n"
                         "  session_ttl: 111\n"
                         "log:\n"
                         "  level: debug\n");
    }

    static Environment FullEnv() {
        return {{"EVENTS_API_SCHEMA", "env-schema.yaml"},
                {"EVENTS_API_DB", "sqlite://env.db"},
                {"EVENTS_API_SESSIONS", "redis://env-host:6379"},
                {"EVENTS_API_LISTEN", "127.0.0.3:8002"},
                {"EVENTS_API_AUTH_REQUIRED", "yes"},
                {"EVENTS_API_SESSION_TTL", "222"},
                {"EVENTS_API_LOG_LEVEL", "warn"}};
    }

    static ConfigFlags FullFlags() {
        ConfigFlags flags;
        flags.schema = "flag-schema.yaml";
        flags.db = "sqlite://flag.db";
        flags.sessions = "redis://flag-host:6379";
        flags.listen = "127.0.0.4:8003";
        flags.auth_required = "off";
        flags.log_level = "error";
        return flags;
    }

    static Error LoadError(const ConfigFlags& flags, const Environment& env) {
        auto config = LoadConfig(flags, env);
        EXPECT_FALSE(config) << "expected an error";
        if (config) {
            return Error{};
        }
        EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
        return config.error();
    }

    ea::testing::TempDir dir_;
};

TEST_F(ConfigTest, DefaultsWhenNothingIsGiven) {
    auto config = LoadConfig({}, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->schema, "schema.yaml");
    EXPECT_EQ(config->db, "sqlite://data/events.db");
    EXPECT_EQ(config->sessions, "");
    EXPECT_EQ(config->listen, "127.0.0.1:8080");
    EXPECT_TRUE(config->auth_required);
    EXPECT_EQ(config->session_ttl_seconds, 3600);
    EXPECT_EQ(config->log_level, "info");
    EXPECT_EQ(config->config_file, "");
}

TEST_F(ConfigTest, UnrelatedEnvironmentVariablesAreIgnored) {
    auto config = LoadConfig(
        {}, {{"EVENTS_API_ADMIN_PASSWORD", "x"}, {"PATH", "/bin"}, {"EVENTS_API_UNKNOWN", "1"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->db, "sqlite://data/events.db");
}

TEST_F(ConfigTest, FileOverridesEveryDefault) {
    ConfigFlags flags;
    flags.config_file = FullFile();
    auto config = LoadConfig(flags, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->schema, "file-schema.yaml");
    EXPECT_EQ(config->db, "sqlite://file.db");
    EXPECT_EQ(config->sessions, "redis://file-host:6379");
    EXPECT_EQ(config->listen, "127.0.0.2:8001");
    EXPECT_FALSE(config->auth_required);
    EXPECT_EQ(config->session_ttl_seconds, 111);
    EXPECT_EQ(config->log_level, "debug");
    EXPECT_EQ(config->config_file, *flags.config_file);
}

TEST_F(ConfigTest, EnvironmentOverridesTheFileForEveryKey) {
    ConfigFlags flags;
    flags.config_file = FullFile();
    auto config = LoadConfig(flags, FullEnv());
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->schema, "env-schema.yaml");
    EXPECT_EQ(config->db, "sqlite://env.db");
    EXPECT_EQ(config->sessions, "redis://env-host:6379");
    EXPECT_EQ(config->listen, "127.0.0.3:8002");
    EXPECT_TRUE(config->auth_required);
    EXPECT_EQ(config->session_ttl_seconds, 222);
    EXPECT_EQ(config->log_level, "warn");
}

TEST_F(ConfigTest, FlagsOverrideTheEnvironmentForEveryKeyThatHasAFlag) {
    auto flags = FullFlags();
    flags.config_file = FullFile();
    auto config = LoadConfig(flags, FullEnv());
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->schema, "flag-schema.yaml");
    EXPECT_EQ(config->db, "sqlite://flag.db");
    EXPECT_EQ(config->sessions, "redis://flag-host:6379");
    EXPECT_EQ(config->listen, "127.0.0.4:8003");
    EXPECT_FALSE(config->auth_required);
    EXPECT_EQ(config->log_level, "error");
    // auth.session_ttl has no flag (docs/configuration.md): the environment still wins over the
    // file.
    EXPECT_EQ(config->session_ttl_seconds, 222);
}

TEST_F(ConfigTest, FlagsOverrideTheFileWithoutEnvironment) {
    auto flags = FullFlags();
    flags.config_file = FullFile();
    auto config = LoadConfig(flags, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->db, "sqlite://flag.db");
    EXPECT_FALSE(config->auth_required);
    EXPECT_EQ(config->session_ttl_seconds, 111);  // from the file
}

TEST_F(ConfigTest, EachLayerOnlyReplacesTheKeysItSets) {
    ConfigFlags flags;
    flags.config_file = WriteFile("partial.yaml", "log:\n  level: debug\n");
    flags.listen = "0.0.0.0:9000";
    auto config = LoadConfig(flags, {{"EVENTS_API_DB", "sqlite://env.db"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->log_level, "debug");
    EXPECT_EQ(config->listen, "0.0.0.0:9000");
    EXPECT_EQ(config->db, "sqlite://env.db");
    EXPECT_EQ(config->schema, "schema.yaml");
    EXPECT_EQ(config->session_ttl_seconds, 3600);
}

TEST_F(ConfigTest, EventsApiConfigNamesTheFileAndTheFlagBeatsIt) {
    const auto env_file = WriteFile("env.yaml", "db: sqlite://from-env-file.db\n");
    const auto flag_file = WriteFile("flag.yaml", "db: sqlite://from-flag-file.db\n");
    auto by_env = LoadConfig({}, {{"EVENTS_API_CONFIG", env_file}});
    ASSERT_TRUE(by_env) << by_env.error().message;
    EXPECT_EQ(by_env->db, "sqlite://from-env-file.db");
    EXPECT_EQ(by_env->config_file, env_file);

    ConfigFlags flags;
    flags.config_file = flag_file;
    auto by_flag = LoadConfig(flags, {{"EVENTS_API_CONFIG", env_file}});
    ASSERT_TRUE(by_flag) << by_flag.error().message;
    EXPECT_EQ(by_flag->db, "sqlite://from-flag-file.db");
    EXPECT_EQ(by_flag->config_file, flag_file);
}

TEST_F(ConfigTest, EmptyFileAndCommentOnlyFileGiveDefaults) {
    for (const char* text : {"", "# nothing here\n"}) {
        ConfigFlags flags;
        flags.config_file = WriteFile("empty.yaml", text);
        auto config = LoadConfig(flags, {});
        ASSERT_TRUE(config) << config.error().message;
        EXPECT_EQ(config->db, "sqlite://data/events.db");
    }
}

TEST_F(ConfigTest, MissingFileIsAnErrorNamingIt) {
    ConfigFlags flags;
    flags.config_file = (dir_ / "nope.yaml").string();
    EXPECT_THAT(LoadError(flags, {}).message, HasSubstr("nope.yaml"));
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_CONFIG", *flags.config_file}}).message,
                HasSubstr("nope.yaml"));
}

TEST_F(ConfigTest, UnknownKeyNamesFileLineColumnAndKey) {
    ConfigFlags flags;
    flags.config_file = WriteFile("typo.yaml", "db: sqlite://x.db\nlisten_addr: 0.0.0.0:1\n");
    EXPECT_EQ(LoadError(flags, {}).message,
              *flags.config_file + ":2:1: unknown configuration key 'listen_addr'");

    flags.config_file = WriteFile("nested.yaml", "auth:\n  required: true\n  requird: false\n");
    EXPECT_EQ(LoadError(flags, {}).message,
              *flags.config_file + ":3:3: unknown configuration key 'auth.requird'");
}

TEST_F(ConfigTest, MalformedYamlNamesFileAndLine) {
    ConfigFlags flags;
    flags.config_file = WriteFile("bad.yaml", "db: sqlite://x.db\nlisten: [unclosed\n");
    const auto message = LoadError(flags, {}).message;
    EXPECT_THAT(message, HasSubstr(*flags.config_file + ":"));
    EXPECT_THAT(message, ::testing::ContainsRegex(":[23]:[0-9]+: "));
}

TEST_F(ConfigTest, TopLevelThatIsNotAMappingIsAnError) {
    ConfigFlags flags;
    flags.config_file = WriteFile("list.yaml", "- db\n- listen\n");
    EXPECT_THAT(LoadError(flags, {}).message,
                AllOf(HasSubstr(*flags.config_file), HasSubstr("mapping")));
}

TEST_F(ConfigTest, ListValueForAScalarKeyIsAnError) {
    ConfigFlags flags;
    flags.config_file = WriteFile("seq.yaml", "db:\n  - a\n  - b\n");
    EXPECT_EQ(LoadError(flags, {}).message,
              *flags.config_file + ":1:1: 'db' must be a single value");
}

TEST_F(ConfigTest, BooleanSpellingsAreAccepted) {
    for (const auto& [text, expected] :
         std::initializer_list<std::pair<const char*, bool>>{{"true", true},
                                                             {"TRUE", true},
                                                             {"1", true},
                                                             {"yes", true},
                                                             {"on", true},
                                                             {"false", false},
                                                             {"No", false},
                                                             {"0", false},
                                                             {"off", false}}) {
        auto config = LoadConfig({}, {{"EVENTS_API_AUTH_REQUIRED", text}});
        ASSERT_TRUE(config) << text;
        EXPECT_EQ(config->auth_required, expected) << text;
    }
}

TEST_F(ConfigTest, BadBooleanNamesItsSource) {
    EXPECT_EQ(LoadError({}, {{"EVENTS_API_AUTH_REQUIRED", "maybe"}}).message,
              "EVENTS_API_AUTH_REQUIRED: expected true or false, got 'maybe'");

    ConfigFlags flags;
    flags.auth_required = "sometimes";
    // The flag as a user types it (cli.cpp registers --auth-required).
    EXPECT_EQ(LoadError(flags, {}).message,
              "--auth-required: expected true or false, got 'sometimes'");

    ConfigFlags file;
    file.config_file = WriteFile("bool.yaml", "db: sqlite://x.db\nauth:\n  required: perhaps\n");
    const auto message = LoadError(file, {}).message;
    EXPECT_THAT(message, HasSubstr(*file.config_file));
    EXPECT_THAT(message, HasSubstr("auth.required"));
    EXPECT_THAT(message, HasSubstr("'perhaps'"));
}

TEST_F(ConfigTest, BadValueInTheFileNamesItsLineAndColumn) {
    // docs/configuration.md: a value of the wrong kind stops the program with file:line:col.
    ConfigFlags file;
    file.config_file = WriteFile("ttl.yaml", "db: sqlite://x.db\nauth:\n  session_ttl: soon\n");
    EXPECT_THAT(LoadError(file, {}).message,
                HasSubstr(*file.config_file + ":3:3: auth.session_ttl"));
}

TEST_F(ConfigTest, BadPortNamesItsSource) {
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_LISTEN", "127.0.0.1:99999"}}).message,
                AllOf(HasSubstr("EVENTS_API_LISTEN"), HasSubstr("99999")));

    ConfigFlags flags;
    flags.listen = "localhost";
    EXPECT_THAT(LoadError(flags, {}).message, AllOf(HasSubstr("--listen"), HasSubstr("localhost")));

    ConfigFlags file;
    file.config_file = WriteFile("listen.yaml", "listen: 127.0.0.1:http\n");
    EXPECT_THAT(LoadError(file, {}).message,
                AllOf(HasSubstr(*file.config_file), HasSubstr("listen"), HasSubstr("'http'")));
}

TEST_F(ConfigTest, BadTtlNamesItsSource) {
    for (const char* bad : {"0", "-5", "abc", "10s", "", "99999999999"}) {
        const auto message = LoadError({}, {{"EVENTS_API_SESSION_TTL", bad}}).message;
        EXPECT_THAT(message, HasSubstr("EVENTS_API_SESSION_TTL")) << bad;
        EXPECT_THAT(message, HasSubstr("positive integer")) << bad;
    }
    ConfigFlags file;
    file.config_file = WriteFile("ttl.yaml", "auth:\n  session_ttl: -1\n");
    EXPECT_THAT(LoadError(file, {}).message,
                AllOf(HasSubstr(*file.config_file), HasSubstr("auth.session_ttl")));
}

// The write-path settings: durability, batch size and the list query's time limit, in every layer.
TEST_F(ConfigTest, WriteSettingsHaveDefaultsAndComeFromFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->store_durability, "full");
    EXPECT_EQ(defaults->max_batch, 1000);
    EXPECT_EQ(defaults->query_timeout_ms, 5000);

    ConfigFlags file;
    file.config_file = WriteFile("writes.yaml",
                                 "store:\n  durability: normal\n"
                                 "limits:\n  max_batch: 10\n  query_timeout_ms: 0\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->store_durability, "normal");
    EXPECT_EQ(from_file->max_batch, 10);
    EXPECT_EQ(from_file->query_timeout_ms, 0);

    const Environment env = {{"EVENTS_API_STORE_DURABILITY", "full"},
                             {"EVENTS_API_MAX_BATCH", "20"},
                             {"EVENTS_API_QUERY_TIMEOUT_MS", "250"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->store_durability, "full");
    EXPECT_EQ(from_env->max_batch, 20);
    EXPECT_EQ(from_env->query_timeout_ms, 250);

    ConfigFlags flags = file;
    flags.store_durability = "normal";
    flags.max_batch = "30";
    flags.query_timeout_ms = "750";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->store_durability, "normal");
    EXPECT_EQ(from_flags->max_batch, 30);
    EXPECT_EQ(from_flags->query_timeout_ms, 750);
}

TEST_F(ConfigTest, BadWriteSettingsNameTheirSource) {
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_STORE_DURABILITY", "off"}}).message,
                AllOf(HasSubstr("EVENTS_API_STORE_DURABILITY"), HasSubstr("full or normal"),
                      HasSubstr("'off'")));
    for (const char* bad : {"0", "-1", "many"}) {
        EXPECT_THAT(LoadError({}, {{"EVENTS_API_MAX_BATCH", bad}}).message,
                    AllOf(HasSubstr("EVENTS_API_MAX_BATCH"), HasSubstr("positive integer")))
            << bad;
    }
    ConfigFlags flags;
    flags.query_timeout_ms = "-5";
    EXPECT_THAT(LoadError(flags, {}).message,
                AllOf(HasSubstr("--query-timeout-ms"), HasSubstr("'-5'")));
    ConfigFlags file;
    file.config_file = WriteFile("bad-writes.yaml", "limits:\n  query_timeout_ms: 2s\n");
    EXPECT_THAT(LoadError(file, {}).message,
                AllOf(HasSubstr(*file.config_file), HasSubstr("limits.query_timeout_ms")));
}

TEST_F(ConfigTest, ABadValueInALowerLayerIsHarmlessWhenOverridden) {
    // Only the winning value is checked: a flag fixes a bad environment variable.
    ConfigFlags flags;
    flags.listen = "127.0.0.1:9";
    auto config = LoadConfig(flags, {{"EVENTS_API_LISTEN", "nonsense"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->listen, "127.0.0.1:9");
}

TEST_F(ConfigTest, EmptySchemaIsAnError) {
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_SCHEMA", ""}}).message, HasSubstr("schema"));
}

TEST_F(ConfigTest, ProcessEnvironmentKeepsOnlyEventsApiVariables) {
    ASSERT_EQ(::setenv("EVENTS_API_CONFIG_TEST_PROBE", "a=b", 1), 0);
    ASSERT_EQ(::setenv("NOT_EVENTS_API_PROBE", "x", 1), 0);
    const auto env = ProcessEnvironment();
    ::unsetenv("EVENTS_API_CONFIG_TEST_PROBE");
    ::unsetenv("NOT_EVENTS_API_PROBE");
    ASSERT_TRUE(env.contains("EVENTS_API_CONFIG_TEST_PROBE"));
    EXPECT_EQ(env.at("EVENTS_API_CONFIG_TEST_PROBE"), "a=b");
    EXPECT_FALSE(env.contains("NOT_EVENTS_API_PROBE"));
    EXPECT_FALSE(env.contains("PATH"));
}

// ---- ParseListen ----

// The HTTP edge settings: cors.allowed_origins (a list), limits.max_connections, trust_proxy.
TEST_F(ConfigTest, HttpEdgeDefaultsAreTheOriginalsCorsOriginAndACap) {
    auto config = LoadConfig({}, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->cors_allowed_origins, std::vector<std::string>{"http://localhost:4200"});
    EXPECT_EQ(config->max_connections, 1024);
    EXPECT_FALSE(config->trust_proxy);
}

TEST_F(ConfigTest, HttpEdgeSettingsFromTheFileEnvironmentAndFlags) {
    ConfigFlags file;
    file.config_file = WriteFile("edge.yaml",
                                 "cors:\n"
                                 "  allowed_origins:\n"
                                 "    - http://localhost:4200\n"
                                 "    - HTTPS://Admin.Example.com/\n"
                                 "limits:\n"
                                 "  max_connections: 50\n"
                                 "trust_proxy: true\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->cors_allowed_origins,
              (std::vector<std::string>{"http://localhost:4200", "https://admin.example.com"}));
    EXPECT_EQ(from_file->max_connections, 50);
    EXPECT_TRUE(from_file->trust_proxy);

    const Environment env = {
        {"EVENTS_API_CORS_ALLOWED_ORIGINS", "http://a.example, http://b.example:8080"},
        {"EVENTS_API_MAX_CONNECTIONS", "60"},
        {"EVENTS_API_TRUST_PROXY", "false"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->cors_allowed_origins,
              (std::vector<std::string>{"http://a.example", "http://b.example:8080"}));
    EXPECT_EQ(from_env->max_connections, 60);
    EXPECT_FALSE(from_env->trust_proxy);

    ConfigFlags flags = file;
    flags.cors_allowed_origins = "";
    flags.max_connections = "70";
    flags.trust_proxy = "yes";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_TRUE(from_flags->cors_allowed_origins.empty());
    EXPECT_EQ(from_flags->max_connections, 70);
    EXPECT_TRUE(from_flags->trust_proxy);

    ConfigFlags empty_list;
    empty_list.config_file = WriteFile("none.yaml", "cors:\n  allowed_origins: []\n");
    auto none = LoadConfig(empty_list, {});
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->cors_allowed_origins.empty());
}

TEST_F(ConfigTest, BadHttpEdgeValuesNameTheirSource) {
    EXPECT_EQ(LoadError({}, {{"EVENTS_API_CORS_ALLOWED_ORIGINS", "http://ok.example,*"}}).message,
              "EVENTS_API_CORS_ALLOWED_ORIGINS: origin '*' is not allowed: responses carry "
              "credentials (cookies), which browsers never accept with a wildcard; list each "
              "origin");
    ConfigFlags flags;
    flags.cors_allowed_origins = "localhost:4200";
    EXPECT_EQ(
        LoadError(flags, {}).message,
        "--cors-allowed-origins: origin 'localhost:4200' must start with http:// or https://");
    ConfigFlags connections;
    connections.max_connections = "0";
    EXPECT_EQ(LoadError(connections, {}).message,
              "--max-connections: expected a positive integer, got '0'");
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_TRUST_PROXY", "maybe"}}).message,
                HasSubstr("EVENTS_API_TRUST_PROXY: expected true or false"));
    ConfigFlags file;
    file.config_file = WriteFile("bad-origin.yaml", "cors:\n  allowed_origins:\n    - \"null\"\n");
    EXPECT_THAT(LoadError(file, {}).message,
                AllOf(HasSubstr(*file.config_file + ":2:3: cors.allowed_origins"),
                      HasSubstr("'null' is not allowed")));
}

TEST(ParseListenTest, HostAndPort) {
    auto parsed = ParseListen("127.0.0.1:8080");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->host, "127.0.0.1");
    EXPECT_EQ(parsed->port, 8080);
}

TEST(ParseListenTest, BracketedIpv6) {
    auto parsed = ParseListen("[::1]:80");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->host, "::1");
    EXPECT_EQ(parsed->port, 80);
}

TEST(ParseListenTest, PortBounds) {
    auto zero = ParseListen("localhost:0");
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->port, 0);
    auto top = ParseListen("localhost:65535");
    ASSERT_TRUE(top);
    EXPECT_EQ(top->port, 65535);
}

TEST(ParseListenTest, RejectsMalformedAddressesNamingThem) {
    for (const std::string bad : {"localhost", "", ":80", "host:", "host:70000", "host:65536",
                                  "host:-1", "host:80x", "host: 80", "host:4294967377"}) {
        auto parsed = ParseListen(bad);
        ASSERT_FALSE(parsed) << "'" << bad << "'";
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_THAT(parsed.error().message, Not(::testing::IsEmpty()));
    }
    EXPECT_THAT(ParseListen("host:70000").error().message, HasSubstr("'70000'"));
    EXPECT_THAT(ParseListen("localhost").error().message, HasSubstr("HOST:PORT"));
}

// The /mcp session settings: mcp.max_sessions and mcp.session_idle_seconds.
TEST_F(ConfigTest, McpSessionSettingsFromTheFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->mcp_max_sessions, 1024);
    EXPECT_EQ(defaults->mcp_session_idle_seconds, 3600);

    ConfigFlags file;
    file.config_file = WriteFile("mcp.yaml",
                                 "mcp:\n"
                                 "  max_sessions: 10\n"
                                 "  session_idle_seconds: 60\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->mcp_max_sessions, 10);
    EXPECT_EQ(from_file->mcp_session_idle_seconds, 60);

    const Environment env = {{"EVENTS_API_MCP_MAX_SESSIONS", "20"},
                             {"EVENTS_API_MCP_SESSION_IDLE_SECONDS", "120"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->mcp_max_sessions, 20);
    EXPECT_EQ(from_env->mcp_session_idle_seconds, 120);

    ConfigFlags flags = file;
    flags.mcp_max_sessions = "30";
    flags.mcp_session_idle_seconds = "0";
    auto refused = LoadConfig(flags, env);
    ASSERT_FALSE(refused);
    EXPECT_THAT(refused.error().message, HasSubstr("--mcp-session-idle-seconds"));
    flags.mcp_session_idle_seconds = "5";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->mcp_max_sessions, 30);
    EXPECT_EQ(from_flags->mcp_session_idle_seconds, 5);
}

// The PostgreSQL pool size, in every layer; it must be a positive count.
TEST_F(ConfigTest, StorePoolSizeHasADefaultAndComesFromFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->store_pool_size, 8);

    ConfigFlags file;
    file.config_file = WriteFile("pool.yaml", "store:\n  pool_size: 3\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->store_pool_size, 3);

    const Environment env = {{"EVENTS_API_STORE_POOL_SIZE", "12"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->store_pool_size, 12);

    ConfigFlags flags = file;
    flags.store_pool_size = "20";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->store_pool_size, 20);

    for (const char* bad : {"0", "-2", "lots"}) {
        EXPECT_THAT(LoadError({}, {{"EVENTS_API_STORE_POOL_SIZE", bad}}).message,
                    HasSubstr("EVENTS_API_STORE_POOL_SIZE"))
            << bad;
    }
}

// The SQLite readers' mmap, in every layer; a count of MiB, 0 for none; the app's default is
// the store's own.
TEST_F(ConfigTest, StoreMmapHasTheStoresDefaultAndComesFromFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->store_mmap_mb, 2047);
    EXPECT_EQ(static_cast<std::int64_t>(defaults->store_mmap_mb) << 20,
              store::StoreConfig{}.mmap_bytes);

    ConfigFlags file;
    file.config_file = WriteFile("mmap.yaml", "store:\n  mmap_mb: 0\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->store_mmap_mb, 0);

    const Environment env = {{"EVENTS_API_STORE_MMAP_MB", "64"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->store_mmap_mb, 64);

    ConfigFlags flags = file;
    flags.store_mmap_mb = "512";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->store_mmap_mb, 512);

    for (const char* bad : {"-1", "lots", "1.5"}) {
        EXPECT_THAT(LoadError({}, {{"EVENTS_API_STORE_MMAP_MB", bad}}).message,
                    AllOf(HasSubstr("EVENTS_API_STORE_MMAP_MB"), HasSubstr("MiB")))
            << bad;
    }
}

}  // namespace
}  // namespace ea::app

namespace ea::app {
namespace {

TEST_F(ConfigTest, RateLimitsDefaultToAiAgent100Per60sAndTakeFlagEnvAndFile) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->rate_limits, (std::vector<RateLimitRule>{{"ai_agent", 100, 60}}));

    const auto file = WriteFile("limits.yaml",
                                "limits:\n"
                                "  rate_limits:\n"
                                "    - ai_agent=10/1m\n"
                                "    - read=1000/1h\n");
    ConfigFlags from_file;
    from_file.config_file = file;
    auto loaded = LoadConfig(from_file, {});
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->rate_limits,
              (std::vector<RateLimitRule>{{"ai_agent", 10, 60}, {"read", 1000, 3600}}));

    auto env = LoadConfig(from_file, {{"EVENTS_API_RATE_LIMITS", "ai_agent=5/30s"}});
    ASSERT_TRUE(env);
    EXPECT_EQ(env->rate_limits, (std::vector<RateLimitRule>{{"ai_agent", 5, 30}}));

    ConfigFlags flags = from_file;
    flags.rate_limits = "ai_agent=unlimited, admin=2/1s";
    auto flagged = LoadConfig(flags, {{"EVENTS_API_RATE_LIMITS", "ai_agent=5/30s"}});
    ASSERT_TRUE(flagged);
    EXPECT_EQ(flagged->rate_limits, (std::vector<RateLimitRule>{{"admin", 2, 1}}));

    ConfigFlags none;
    none.rate_limits = "";
    auto off = LoadConfig(none, {});
    ASSERT_TRUE(off);
    EXPECT_TRUE(off->rate_limits.empty());
}

TEST_F(ConfigTest, BadRateLimitsNameTheItemAndTheSource) {
    ConfigFlags flags;
    flags.rate_limits = "ai_agent=100";
    EXPECT_EQ(LoadError(flags, {}).message,
              "--rate-limits: rate limit 'ai_agent=100': no period (expected "
              "ROLE=CALLS/PERIOD as in ai_agent=100/60s, or ROLE=unlimited)");
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_RATE_LIMITS", "=5/1s"}}).message,
                AllOf(HasSubstr("EVENTS_API_RATE_LIMITS"), HasSubstr("no role")));
    for (const char* bad :
         {"a=0/60s", "a=x/60s", "a=5/0s", "a=5/25h", "a=5/60d", "a=5/1s,a=6/1s", "a=5/-1s"}) {
        ConfigFlags one;
        one.rate_limits = bad;
        EXPECT_THAT(LoadError(one, {}).message, HasSubstr("rate limit '")) << bad;
    }
}

// The PostgreSQL connection wait, in every layer; a positive number of milliseconds.
TEST_F(ConfigTest, StoreTimeoutHasADefaultAndComesFromFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->store_timeout_ms, 5000);

    ConfigFlags file;
    file.config_file = WriteFile("timeout.yaml", "store:\n  timeout_ms: 1500\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->store_timeout_ms, 1500);

    const Environment env = {{"EVENTS_API_STORE_TIMEOUT_MS", "2500"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->store_timeout_ms, 2500);

    ConfigFlags flags = file;
    flags.store_timeout_ms = "700";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->store_timeout_ms, 700);

    for (const char* bad : {"0", "-1", "soon"}) {
        EXPECT_THAT(LoadError({}, {{"EVENTS_API_STORE_TIMEOUT_MS", bad}}).message,
                    HasSubstr("EVENTS_API_STORE_TIMEOUT_MS"))
            << bad;
    }
}

}  // namespace
}  // namespace ea::app

namespace ea::app {
namespace {

// The MCP tool result budget, in every layer; it must be at least 1024 bytes.
TEST_F(ConfigTest, McpResultBudgetFromTheFileEnvironmentAndFlags) {
    auto defaults = LoadConfig({}, {});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->mcp_max_result_bytes, 40000);

    ConfigFlags file;
    file.config_file = WriteFile("budget.yaml", "mcp:\n  max_result_bytes: 5000\n");
    auto from_file = LoadConfig(file, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->mcp_max_result_bytes, 5000);

    const Environment env = {{"EVENTS_API_MCP_MAX_RESULT_BYTES", "6000"}};
    auto from_env = LoadConfig(file, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->mcp_max_result_bytes, 6000);

    ConfigFlags flags = file;
    flags.mcp_max_result_bytes = "7000";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->mcp_max_result_bytes, 7000);

    flags.mcp_max_result_bytes = "1023";
    EXPECT_THAT(LoadError(flags, env).message,
                HasSubstr("--mcp-max-result-bytes: must be at least 1024"));
    EXPECT_THAT(LoadError({}, {{"EVENTS_API_MCP_MAX_RESULT_BYTES", "lots"}}).message,
                HasSubstr("EVENTS_API_MCP_MAX_RESULT_BYTES: expected a positive integer"));
}

}  // namespace
}  // namespace ea::app
