// The real events-api binary, run as a subprocess with its own environment and working directory:
// exit codes, what it prints, and what it leaves in the database (read back in-process through
// the store).
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/access_token_store.hpp"
#include "auth/password.hpp"
#include "auth/session_store.hpp"
#include "auth/token.hpp"
#include "cli/demo_data.hpp"
#include "store/document_store.hpp"
#include "subprocess.hpp"
#include "testing/all_rows.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::cli {
namespace {

using ea::testing::AllRows;
using ea::testing::ProcessResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kBinary = EA_BINARY;

// Every row of every entity, by entity name, each entity's rows in id order.
using Dump = std::map<std::string, std::vector<Record>>;

class CliTest : public ::testing::Test {
protected:
    // Runs the binary in the test's directory with only `env` as its environment.
    ProcessResult Run(std::vector<std::string> args, const std::string& stdin_text = "",
                      std::map<std::string, std::string> env = {}) {
        args.insert(args.begin(), kBinary);
        ea::testing::ProcessOptions options;
        options.env = std::move(env);
        options.cwd = dir_.path().string();
        options.stdin_text = stdin_text;
        return ea::testing::RunProcess(args, options);
    }

    // Runs with the repository's schema and `db` (a file name in the test's directory).
    ProcessResult RunOn(const std::string& db, std::vector<std::string> args,
                        const std::string& stdin_text = "") {
        std::vector<std::string> full = {"--schema", ea::testing::DefaultSchemaPath().string(),
                                         "--db", DbUrl(db)};
        full.insert(full.end(), args.begin(), args.end());
        return Run(full, stdin_text);
    }

    std::string DbUrl(const std::string& db) const { return "sqlite://" + (dir_ / db).string(); }

    std::string WriteFile(const std::string& name, const std::string& text) {
        const auto path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    // Opens `db` in-process (after the binary has exited).
    store::DocumentStorePtr Open(const std::string& db) {
        auto store = store::OpenStore(store::StoreConfig{DbUrl(db)}, ea::testing::DefaultSchema());
        EXPECT_TRUE(store) << store.error().message;
        return store ? *std::move(store) : nullptr;
    }

    static const schema::Entity& Entity(std::string_view name) {
        return *ea::testing::DefaultSchema().FindEntity(name);
    }

    Dump DumpAll(const std::string& db) {
        Dump dump;
        auto store = Open(db);
        if (!store) {
            return dump;
        }
        for (const auto& entity : ea::testing::DefaultSchema().entities()) {
            dump[entity->name()] = AllRows(*store, *entity);
        }
        return dump;
    }

    // The stored (unmasked) User named `username`, or an empty record.
    Record FindUser(const std::string& db, const std::string& username) {
        auto store = Open(db);
        if (!store) {
            return {};
        }
        for (auto& row : AllRows(*store, Entity("User"))) {
            if (row.at("username").as_string() == username) {
                return row;
            }
        }
        return {};
    }

    ea::testing::TempDir dir_;
};

std::string Describe(const ProcessResult& result) {
    return "exit " + std::to_string(result.exit_code) + "\nstdout:\n" + result.out + "stderr:\n" +
           result.err;
}

// ---- global behaviour ----

TEST_F(CliTest, VersionPrintsTheVersion) {
    auto result = Run({"--version"});
    EXPECT_EQ(result.exit_code, 0) << Describe(result);
    EXPECT_THAT(result.out, HasSubstr("events-api 0.1.0"));
}

TEST_F(CliTest, HelpExitsZeroAndListsTheSubcommands) {
    auto result = Run({"--help"});
    EXPECT_EQ(result.exit_code, 0) << Describe(result);
    for (const char* name : {"schema", "migrate", "seed-demo", "user", "serve"}) {
        EXPECT_THAT(result.out, HasSubstr(name));
    }
}

TEST_F(CliTest, UnknownOrMissingSubcommandIsBadUsage) {
    for (const auto& args : {std::vector<std::string>{"frobnicate"}, std::vector<std::string>{},
                             std::vector<std::string>{"schema"},
                             std::vector<std::string>{"migrate", "--no-such-flag"}}) {
        auto result = Run(args);
        EXPECT_EQ(result.exit_code, 2) << Describe(result);
        EXPECT_FALSE(result.err.empty());
    }
}

// ---- schema ----

TEST_F(CliTest, SchemaCheckAcceptsTheDefaultSchema) {
    auto result = Run({"--schema", ea::testing::DefaultSchemaPath().string(), "schema", "check"});
    EXPECT_EQ(result.exit_code, 0) << Describe(result);
    EXPECT_THAT(result.out, HasSubstr("ok, 8 entities"));
    EXPECT_EQ(result.err, "");
}

TEST_F(CliTest, SchemaCheckPrintsEveryProblemWithFileLineAndColumn) {
    const auto file = WriteFile("broken.yaml",
                                "Account:\n"
                                "  fields:\n"
                                "    expiredAt: {type: Dat}\n"
                                "User:\n"
                                "  fields:\n"
                                "    name: {type: String, min_length: x}\n"
                                "    accountId: {type: ObjectId, references: Nope}\n"
                                "    code: {type: String, pattern: {regex: '(', message: bad}}\n");
    auto result = Run({"--schema", file, "schema", "check"});
    EXPECT_EQ(result.exit_code, 1) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("4 problems"));
    EXPECT_THAT(result.err, HasSubstr(file + ":3:23: Account.expiredAt: unknown type 'Dat'"));
    EXPECT_THAT(result.err, HasSubstr(file + ":6:38: User.name: min_length"));
    EXPECT_THAT(result.err,
                HasSubstr(file + ":7:45: User.accountId: references unknown entity 'Nope'"));
    EXPECT_THAT(result.err, HasSubstr(file + ":8:43: User.code: pattern: invalid regex"));
    EXPECT_EQ(result.out, "");
}

TEST_F(CliTest, SchemaCheckOnAMissingOrMalformedFileFails) {
    auto missing = Run({"--schema", (dir_ / "nope.yaml").string(), "schema", "check"});
    EXPECT_EQ(missing.exit_code, 1) << Describe(missing);
    EXPECT_THAT(missing.err, HasSubstr("nope.yaml"));

    const auto file = WriteFile("syntax.yaml", "User:\n  fields: [unclosed\n");
    auto malformed = Run({"--schema", file, "schema", "check"});
    EXPECT_EQ(malformed.exit_code, 1) << Describe(malformed);
    EXPECT_THAT(malformed.err, HasSubstr(file + ":"));
}

TEST_F(CliTest, SchemaDumpJsonIsValidJsonWithEightEntities) {
    auto result =
        Run({"--schema", ea::testing::DefaultSchemaPath().string(), "schema", "dump", "--json"});
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    boost::system::error_code ec;
    const auto json = boost::json::parse(result.out, ec);
    ASSERT_FALSE(ec) << ec.message() << "\n" << result.out.substr(0, 200);
    const auto& entities = json.at("entities").as_array();
    ASSERT_EQ(entities.size(), 8u);
    std::vector<std::string> names;
    for (const auto& entity : entities) {
        names.emplace_back(entity.at("name").as_string());
    }
    EXPECT_THAT(names, ::testing::ElementsAre("Account", "User", "Profile", "TagAffinity", "Event",
                                              "UserEvent", "Url", "Crawl"));
    EXPECT_EQ(json.at("version").as_string(), ea::testing::DefaultSchema().version());
}

// ---- migrate and configuration through the binary ----

TEST_F(CliTest, MigrateCreatesTheDatabaseFileAndIsRepeatable) {
    ASSERT_FALSE(std::filesystem::exists(dir_ / "m.db"));
    auto first = RunOn("m.db", {"migrate"});
    ASSERT_EQ(first.exit_code, 0) << Describe(first);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "m.db"));
    EXPECT_THAT(first.out, HasSubstr("8 entities"));
    auto second = RunOn("m.db", {"migrate"});
    EXPECT_EQ(second.exit_code, 0) << Describe(second);
    auto store = Open("m.db");
    ASSERT_TRUE(store);
    auto counts = store->Count();
    ASSERT_TRUE(counts);
    EXPECT_EQ(counts->size(), 8u);
}

TEST_F(CliTest, DefaultDatabaseIsUnderDataInTheWorkingDirectory) {
    auto result = Run({"--schema", ea::testing::DefaultSchemaPath().string(), "migrate"});
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "data" / "events.db"));
}

TEST_F(CliTest, DbFlagBeatsEnvironmentWhichBeatsConfigFile) {
    const auto schema = ea::testing::DefaultSchemaPath().string();
    const auto config =
        WriteFile("c.yaml", "db: " + DbUrl("file.db") + "\nschema: " + schema + "\n");

    auto from_file = Run({"migrate"}, "", {{"EVENTS_API_CONFIG", config}});
    ASSERT_EQ(from_file.exit_code, 0) << Describe(from_file);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "file.db"));

    auto from_env = Run({"--config", config, "migrate"}, "", {{"EVENTS_API_DB", DbUrl("env.db")}});
    ASSERT_EQ(from_env.exit_code, 0) << Describe(from_env);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "env.db"));

    auto from_flag = Run({"--config", config, "--db", DbUrl("flag.db"), "migrate"}, "",
                         {{"EVENTS_API_DB", DbUrl("env2.db")}});
    ASSERT_EQ(from_flag.exit_code, 0) << Describe(from_flag);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "flag.db"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "env2.db"));

    // The flag also works after the subcommand.
    auto after = Run({"--config", config, "migrate", "--db", DbUrl("after.db")});
    ASSERT_EQ(after.exit_code, 0) << Describe(after);
    EXPECT_TRUE(std::filesystem::exists(dir_ / "after.db"));
}

TEST_F(CliTest, BadConfigurationIsBadUsageNamingItsSource) {
    const auto schema = ea::testing::DefaultSchemaPath().string();
    auto flag = Run({"--schema", schema, "--auth-required", "maybe", "migrate"});
    EXPECT_EQ(flag.exit_code, 2) << Describe(flag);
    EXPECT_THAT(flag.err, HasSubstr("--auth-required: expected true or false, got 'maybe'"));

    auto env = Run({"--schema", schema, "migrate"}, "", {{"EVENTS_API_LISTEN", "localhost:http"}});
    EXPECT_EQ(env.exit_code, 2) << Describe(env);
    EXPECT_THAT(env.err, HasSubstr("EVENTS_API_LISTEN"));

    const auto config = WriteFile("typo.yaml", "db: sqlite://x.db\ndatabase: y\n");
    auto file = Run({"--schema", schema, "--config", config, "migrate"});
    EXPECT_EQ(file.exit_code, 2) << Describe(file);
    EXPECT_THAT(file.err, HasSubstr(config + ":2:1: unknown configuration key 'database'"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "x.db"));
}

// ---- seed-demo ----

TEST_F(CliTest, SeedDemoTwiceLeavesTheDataAsItWas) {
    auto first = RunOn("s.db", {"seed-demo"});
    ASSERT_EQ(first.exit_code, 0) << Describe(first);
    EXPECT_THAT(first.out, HasSubstr("demo-password"));
    const auto before = DumpAll("s.db");

    auto second = RunOn("s.db", {"seed-demo"});
    EXPECT_EQ(second.exit_code, 0) << Describe(second);
    EXPECT_THAT(second.out, HasSubstr("already present"));
    EXPECT_EQ(DumpAll("s.db"), before);
}

TEST_F(CliTest, SeedDemoIsDeterministic) {
    ASSERT_EQ(RunOn("a.db", {"seed-demo", "--scale", "1"}).exit_code, 0);
    ASSERT_EQ(RunOn("b.db", {"seed-demo", "--scale", "1"}).exit_code, 0);
    auto a = DumpAll("a.db");
    auto b = DumpAll("b.db");
    // docs/cli.md: scale 1 is 1,000 events and 20 users.
    ASSERT_EQ(a["Event"].size(), 1000u);
    ASSERT_EQ(a["User"].size(), 20u);
    // Password hashes are salted, so they differ between runs; each must still be a real argon2id
    // hash of the documented demo password. Everything else is identical.
    std::string hash_a, hash_b;
    for (auto* dump : {&a, &b}) {
        for (auto& user : (*dump)["User"]) {
            const std::string hash(user.at("password").as_string());
            EXPECT_THAT(hash, StartsWith("$argon2id$"));
            (dump == &a ? hash_a : hash_b) = hash;
            user.erase("password");
        }
    }
    EXPECT_TRUE(auth::VerifyPassword(hash_a, kDemoPassword));
    EXPECT_TRUE(auth::VerifyPassword(hash_b, kDemoPassword));
    for (const auto& [entity, rows] : a) {
        ASSERT_EQ(rows.size(), b[entity].size()) << entity;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            ASSERT_EQ(rows[i], b[entity][i]) << entity << " row " << i;
        }
    }
}

TEST_F(CliTest, SeedDemoCountsMatchTheScale) {
    auto result = RunOn("s2.db", {"seed-demo", "--scale", "2"});
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    auto store = Open("s2.db");
    ASSERT_TRUE(store);
    auto counts = store->Count();
    ASSERT_TRUE(counts) << counts.error().message;
    std::map<std::string, std::int64_t> by_name;
    for (const auto& count : *counts) {
        by_name[count.entity] = count.count;
    }
    // The documented rule (docs/cli.md), per unit of scale: 5 accounts, 20 users, 20 profiles, 60
    // tag affinities, 1,000 events, 100 user events, 20 URLs, 40 crawls. Scale 2 doubles each.
    const std::map<std::string, std::int64_t> expected = {
        {"Account", 10}, {"User", 40},       {"Profile", 40}, {"TagAffinity", 120},
        {"Event", 2000}, {"UserEvent", 200}, {"Url", 40},     {"Crawl", 80},
    };
    EXPECT_EQ(by_name, expected);
    EXPECT_THAT(result.out, HasSubstr(": 10 accounts, 40 users, 40 profiles, 120 tag affinities, "
                                      "2000 events, 200 user events, 40 urls, 80 crawls\n"));
    // The marker account that makes a second run a no-op.
    EXPECT_TRUE(store->Get(Entity("Account"), kDemoMarkerAccount));
}

TEST_F(CliTest, SeedDemoRejectsABadScale) {
    for (const char* scale : {"0", "-1", "abc", "10001"}) {
        auto result = RunOn("bad.db", {"seed-demo", "--scale", scale});
        EXPECT_EQ(result.exit_code, 2) << scale << "\n" << Describe(result);
        EXPECT_THAT(result.err, HasSubstr("scale")) << scale;
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.db"));
}

// ---- user add ----

TEST_F(CliTest, UserAddCreatesTheServiceUserWithDocumentedDefaults) {
    auto result =
        RunOn("u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"},
              "mcp-secret-1\n");
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    EXPECT_THAT(result.out, HasSubstr("created account acc_system"));
    EXPECT_THAT(result.out, HasSubstr("created user claude_mcp"));
    EXPECT_THAT(result.out + result.err, Not(HasSubstr("mcp-secret-1")));

    const auto user = FindUser("u.db", "claude_mcp");
    ASSERT_FALSE(user.empty());
    EXPECT_EQ(user.at("email").as_string(), "mcp@system.internal");
    EXPECT_EQ(user.at("isAccountOwner").as_bool(), false);
    EXPECT_EQ(user.at("accountId").as_string(), "acc_system");
    EXPECT_EQ(user.at("role").as_string(), "ai_agent");
    EXPECT_EQ(user.at("firstName").as_string(), "claude_mcp");
    EXPECT_EQ(user.at("lastName").as_string(), "Service Account");
    const std::string hash(user.at("password").as_string());
    EXPECT_THAT(hash, StartsWith("$argon2id$"));
    EXPECT_TRUE(auth::VerifyPassword(hash, "mcp-secret-1"));

    auto store = Open("u.db");
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->Get(Entity("Account"), "acc_system"));
}

TEST_F(CliTest, UserAddForAnotherNameUsesNameAtSystemInternal) {
    auto result = RunOn("u.db", {"user", "add", "ops_admin", "--role", "admin", "--password-stdin"},
                        "ops-secret-1\r\n");
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    const auto user = FindUser("u.db", "ops_admin");
    ASSERT_FALSE(user.empty());
    EXPECT_EQ(user.at("email").as_string(), "ops_admin@system.internal");
    // A CRLF line ending is not part of the password.
    EXPECT_TRUE(auth::VerifyPassword(user.at("password").as_string(), "ops-secret-1"));
}

TEST_F(CliTest, UserAddAdminHasTheFirstRunAdministratorsNames) {
    auto result = RunOn("u.db", {"user", "add", "admin", "--role", "admin", "--password-stdin"},
                        "admin-secret-1\n");
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    const auto user = FindUser("u.db", "admin");
    ASSERT_FALSE(user.empty());
    EXPECT_EQ(user.at("firstName").as_string(), "System");
    EXPECT_EQ(user.at("lastName").as_string(), "Administrator");
    EXPECT_EQ(user.at("email").as_string(), "admin@system.internal");
}

TEST_F(CliTest, UserAddTakesFirstAndLastName) {
    auto result = RunOn("u.db",
                        {"user", "add", "ada", "--role", "read", "--password-stdin", "--first-name",
                         "Ada", "--last-name", "Lovelace"},
                        "ada-secret-1\n");
    ASSERT_EQ(result.exit_code, 0) << Describe(result);
    const auto user = FindUser("u.db", "ada");
    ASSERT_FALSE(user.empty());
    EXPECT_EQ(user.at("firstName").as_string(), "Ada");
    EXPECT_EQ(user.at("lastName").as_string(), "Lovelace");
}

TEST_F(CliTest, UserAddWithATooShortNameFailsNamingTheFieldAndWritesNothing) {
    auto result = RunOn(
        "u.db", {"user", "add", "bob", "--role", "read", "--password-stdin", "--last-name", "X"},
        "bob-secret-1\n");
    EXPECT_EQ(result.exit_code, 1) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("  lastName: "));
    EXPECT_TRUE(FindUser("u.db", "bob").empty());
}

TEST_F(CliTest, UserAddAgainFailsClearlyAndChangesNothing) {
    ASSERT_EQ(RunOn("u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"},
                    "first-secret\n")
                  .exit_code,
              0);
    auto again = RunOn("u.db", {"user", "add", "claude_mcp", "--role", "admin", "--password-stdin"},
                       "second-secret\n");
    EXPECT_EQ(again.exit_code, 1) << Describe(again);
    EXPECT_THAT(again.err, HasSubstr("already exists"));
    EXPECT_THAT(again.err, HasSubstr("--update"));
    const auto user = FindUser("u.db", "claude_mcp");
    EXPECT_EQ(user.at("role").as_string(), "ai_agent");
    EXPECT_TRUE(auth::VerifyPassword(user.at("password").as_string(), "first-secret"));
}

TEST_F(CliTest, UserAddWithUpdateResetsPasswordAndRole) {
    ASSERT_EQ(RunOn("u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"},
                    "first-secret\n")
                  .exit_code,
              0);
    const auto before = FindUser("u.db", "claude_mcp");
    auto updated = RunOn(
        "u.db", {"user", "add", "claude_mcp", "--role", "read", "--password-stdin", "--update"},
        "second-secret\n");
    ASSERT_EQ(updated.exit_code, 0) << Describe(updated);
    EXPECT_THAT(updated.out, HasSubstr("updated user claude_mcp"));
    const auto after = FindUser("u.db", "claude_mcp");
    EXPECT_EQ(after.at("id"), before.at("id"));
    EXPECT_EQ(after.at("role").as_string(), "read");
    EXPECT_EQ(after.at("email"), before.at("email"));
    EXPECT_EQ(after.at("createdAt"), before.at("createdAt"));
    const std::string hash(after.at("password").as_string());
    EXPECT_THAT(hash, StartsWith("$argon2id$"));
    EXPECT_TRUE(auth::VerifyPassword(hash, "second-secret"));
    EXPECT_FALSE(auth::VerifyPassword(hash, "first-secret"));
    // Without --first-name / --last-name the names stay as they were.
    EXPECT_EQ(after.at("firstName"), before.at("firstName"));
    EXPECT_EQ(after.at("lastName"), before.at("lastName"));
}

TEST_F(CliTest, UserAddWithUpdateChangesTheNamesGiven) {
    ASSERT_EQ(RunOn("u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"},
                    "first-secret\n")
                  .exit_code,
              0);
    auto updated = RunOn("u.db",
                         {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin",
                          "--update", "--first-name", "Claude"},
                         "second-secret\n");
    ASSERT_EQ(updated.exit_code, 0) << Describe(updated);
    const auto after = FindUser("u.db", "claude_mcp");
    EXPECT_EQ(after.at("firstName").as_string(), "Claude");
    EXPECT_EQ(after.at("lastName").as_string(), "Service Account");
}

TEST_F(CliTest, UserAddWithUpdateEndsThatUsersSessionsOnly) {
    for (const char* name : {"claude_mcp", "other_bot"}) {
        ASSERT_EQ(RunOn("u.db", {"user", "add", name, "--role", "ai_agent", "--password-stdin"},
                        "first-secret\n")
                      .exit_code,
                  0);
    }
    // Sessions as `serve` keeps them by default: a table in the same SQLite file.
    auto sessions = auth::OpenSessionStore("", dir_ / "u.db");
    ASSERT_TRUE(sessions) << sessions.error().message;
    const auto now = std::chrono::system_clock::now();
    auto session_of = [&](const std::string& username) {
        auth::Session session;
        session.token_hash = auth::HashToken(auth::NewToken());
        session.user_id = std::string(FindUser("u.db", username).at("id").as_string());
        session.username = username;
        session.role = "ai_agent";
        session.created_at = now;
        session.expires_at = now + std::chrono::hours(1);
        EXPECT_TRUE((*sessions)->Put(session));
        return session.token_hash;
    };
    const auto mine = session_of("claude_mcp");
    const auto theirs = session_of("other_bot");

    auto updated = RunOn(
        "u.db", {"user", "add", "claude_mcp", "--role", "read", "--password-stdin", "--update"},
        "second-secret\n");
    ASSERT_EQ(updated.exit_code, 0) << Describe(updated);
    EXPECT_FALSE((*sessions)->Get(mine, now)) << "the updated user's session survived";
    EXPECT_TRUE((*sessions)->Get(theirs, now));
}

TEST_F(CliTest, MigrateAndSeedDemoNeverPrintADatabasePassword) {
    // A URL that fails (nothing runs PostgreSQL here) and one that works (an SQLite path that
    // happens to look like user info): the password appears in neither output.
    for (const char* url : {"postgresql://app:s3cret-pw@127.0.0.1:1/events",
                            "postgres://app:s3cret-pw@localhost/events"}) {
        for (const auto& command :
             {std::vector<std::string>{"migrate"}, std::vector<std::string>{"seed-demo"}}) {
            std::vector<std::string> args = {"--schema", ea::testing::DefaultSchemaPath().string(),
                                             "--db", url};
            args.insert(args.end(), command.begin(), command.end());
            auto result = Run(args);
            EXPECT_NE(result.exit_code, 0) << Describe(result);
            EXPECT_THAT(result.out + result.err, Not(HasSubstr("s3cret"))) << Describe(result);
        }
    }
    const std::string url = "sqlite://app:s3cret-pw@dir/events.db";
    for (const auto& command :
         {std::vector<std::string>{"migrate"}, std::vector<std::string>{"seed-demo"}}) {
        std::vector<std::string> args = {"--schema", ea::testing::DefaultSchemaPath().string(),
                                         "--db", url};
        args.insert(args.end(), command.begin(), command.end());
        auto result = Run(args);
        ASSERT_EQ(result.exit_code, 0) << Describe(result);
        EXPECT_THAT(result.out + result.err, Not(HasSubstr("s3cret"))) << Describe(result);
        EXPECT_THAT(result.out, HasSubstr("sqlite://app:***@dir/events.db"));
    }
}

TEST_F(CliTest, UserAddWithoutPasswordStdinIsBadUsage) {
    auto result = RunOn("u.db", {"user", "add", "claude_mcp", "--role", "ai_agent"}, "secret123\n");
    EXPECT_EQ(result.exit_code, 2) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("--password-stdin"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "u.db"));
}

TEST_F(CliTest, UserAddWithEmptyStdinIsBadUsage) {
    for (const char* input : {"", "\n", "\r\n"}) {
        auto result = RunOn(
            "u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"}, input);
        EXPECT_EQ(result.exit_code, 2) << Describe(result);
        EXPECT_THAT(result.err, HasSubstr("--password-stdin"));
    }
    EXPECT_FALSE(std::filesystem::exists(dir_ / "u.db"));
}

TEST_F(CliTest, UserAddWithoutRoleIsBadUsage) {
    auto result = RunOn("u.db", {"user", "add", "claude_mcp", "--password-stdin"}, "secret123\n");
    EXPECT_EQ(result.exit_code, 2) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("--role"));
}

TEST_F(CliTest, UserAddWithAnUnknownRoleFailsWithTheValidationMessage) {
    auto result =
        RunOn("u.db", {"user", "add", "claude_mcp", "--role", "superuser", "--password-stdin"},
              "secret123\n");
    EXPECT_EQ(result.exit_code, 1) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("record is invalid"));
    EXPECT_THAT(result.err, HasSubstr("  role: "));
    EXPECT_TRUE(FindUser("u.db", "claude_mcp").empty());
}

TEST_F(CliTest, UserAddWithAShortPasswordFailsNamingThePasswordField) {
    auto result = RunOn(
        "u.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"}, "short\n");
    EXPECT_EQ(result.exit_code, 1) << Describe(result);
    EXPECT_THAT(result.err, HasSubstr("  password: "));
    EXPECT_THAT(result.err, Not(HasSubstr("short\n")));
    EXPECT_TRUE(FindUser("u.db", "claude_mcp").empty());
}

TEST_F(CliTest, UserAddThatFailsValidationWritesNothing) {
    // The account is created with the user, in one transaction after validation: a rejected
    // `user add` (here a bad role) leaves no acc_system behind.
    auto result =
        RunOn("u.db", {"user", "add", "claude_mcp", "--role", "superuser", "--password-stdin"},
              "secret123\n");
    ASSERT_EQ(result.exit_code, 1) << Describe(result);
    auto store = Open("u.db");
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->Get(Entity("Account"), "acc_system"));
    EXPECT_THAT(result.out, Not(HasSubstr("created account")));
}

// docs/mcp/tools.md is generated; a stale committed copy fails here. Fix: `events-api docs tools`.
TEST_F(CliTest, CommittedToolsDocIsWhatDocsToolsGenerates) {
    const auto committed_path =
        ea::testing::DefaultSchemaPath().parent_path() / "docs" / "mcp" / "tools.md";
    std::ifstream in(committed_path, std::ios::binary);
    ASSERT_TRUE(in) << committed_path;
    const std::string committed((std::istreambuf_iterator<char>(in)), {});
    auto result =
        Run({"--schema", ea::testing::DefaultSchemaPath().string(), "docs", "tools", "-o", "-"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, StartsWith("<!-- Generated by `events-api docs tools`"));
    EXPECT_THAT(result.out, HasSubstr("\n## list_users\n"));
    EXPECT_THAT(result.out, Not(HasSubstr("## delete_user\n"))) << "operations: rcu";
    EXPECT_TRUE(result.out == committed)
        << committed_path << " is stale: run `events-api docs tools` in the repository root "
        << "and commit docs/mcp/tools.md";
}

TEST_F(CliTest, DocsToolsWritesTheFile) {
    auto result = Run({"--schema", ea::testing::DefaultSchemaPath().string(), "docs", "tools",
                       "--output", (dir_ / "tools.md").string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::ifstream in(dir_ / "tools.md");
    const std::string written((std::istreambuf_iterator<char>(in)), {});
    EXPECT_THAT(written, HasSubstr("42 in all"));
    auto bad = Run({"--schema", ea::testing::DefaultSchemaPath().string(), "docs", "tools",
                    "--output", (dir_ / "no-such-dir" / "tools.md").string()});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_THAT(bad.err, HasSubstr("cannot write"));
}

}  // namespace
}  // namespace ea::cli

// ---- token ----

namespace ea::cli {
namespace {

class TokenCliTest : public CliTest {
protected:
    void SetUp() override {
        ASSERT_EQ(
            RunOn("t.db", {"user", "add", "claude_mcp", "--role", "ai_agent", "--password-stdin"},
                  "mcp-secret-1\n")
                .exit_code,
            0);
    }
    // The token `token create` printed, without its newline.
    std::string Created(const ProcessResult& result) {
        EXPECT_EQ(result.exit_code, 0) << Describe(result);
        EXPECT_TRUE(result.out.ends_with("\n")) << result.out;
        return result.out.substr(0, result.out.find('\n'));
    }
};

TEST_F(TokenCliTest, CreatePrintsOnlyTheTokenOnStdoutAndStoresItsHash) {
    auto result = RunOn("t.db", {"token", "create", "claude_mcp", "--name", "desktop"});
    const std::string token = Created(result);
    EXPECT_EQ(auth::ClassifyBearer(token), auth::BearerKind::kAccessToken) << token;
    EXPECT_EQ(result.out, token + "\n");
    EXPECT_THAT(result.err, HasSubstr("created access token tok_"));
    EXPECT_THAT(result.err, HasSubstr("for claude_mcp (role ai_agent)"));
    EXPECT_THAT(result.err, Not(HasSubstr(token)));

    auto tokens = auth::OpenAccessTokenStore("", dir_ / "t.db");
    ASSERT_TRUE(tokens) << tokens.error().message;
    auto found = (*tokens)->Find(auth::HashToken(token), std::chrono::system_clock::now());
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->name, "desktop");
    EXPECT_EQ(found->role, "ai_agent");
    // The default lifetime is 90 days.
    const auto ttl = found->expires_at - found->created_at;
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(ttl).count(), 90 * 24);
}

TEST_F(TokenCliTest, ListShowsTokensWithoutTheSecretAndRevokeEndsOne) {
    const std::string first =
        Created(RunOn("t.db", {"token", "create", "claude_mcp", "--name", "one"}));
    const std::string second = Created(
        RunOn("t.db", {"token", "create", "claude_mcp", "--name", "two", "--expires", "12h"}));
    auto listed = RunOn("t.db", {"token", "list", "claude_mcp"});
    ASSERT_EQ(listed.exit_code, 0) << Describe(listed);
    EXPECT_THAT(listed.out, StartsWith("ID "));
    EXPECT_THAT(listed.out, HasSubstr("LAST USED"));
    EXPECT_THAT(listed.out, HasSubstr(" one "));
    EXPECT_THAT(listed.out, HasSubstr(" two "));
    for (const auto& token : {first, second}) {
        EXPECT_THAT(listed.out, Not(HasSubstr(token.substr(4))));
        EXPECT_THAT(listed.out, Not(HasSubstr(auth::HashToken(token))));
    }
    const auto id = listed.out.substr(listed.out.find("tok_"), 20);

    auto revoked = RunOn("t.db", {"token", "revoke", id});
    ASSERT_EQ(revoked.exit_code, 0) << Describe(revoked);
    EXPECT_EQ(revoked.out, "revoked access token " + id + "\n");
    auto after = RunOn("t.db", {"token", "list"});
    EXPECT_THAT(after.out, Not(HasSubstr(id)));
    EXPECT_THAT(after.out, HasSubstr(" two "));

    auto unknown = RunOn("t.db", {"token", "revoke", "tok_0000000000000000"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_THAT(unknown.err, HasSubstr("no access token with id 'tok_0000000000000000'"));
}

TEST_F(TokenCliTest, ListOfAUserWithNoTokensSaysSo) {
    auto listed = RunOn("t.db", {"token", "list", "nobody"});
    ASSERT_EQ(listed.exit_code, 0) << Describe(listed);
    EXPECT_THAT(listed.err, HasSubstr("no access tokens for nobody"));
}

TEST_F(TokenCliTest, BadUsageAndUnknownUsersFailClearly) {
    auto missing = RunOn("t.db", {"token", "create"});
    EXPECT_EQ(missing.exit_code, 2) << Describe(missing);
    auto bad = RunOn("t.db", {"token", "create", "claude_mcp", "--expires", "forever"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_THAT(bad.err, HasSubstr("--expires: expected a positive whole number and a unit"));
    EXPECT_EQ(bad.out, "");
    auto unknown = RunOn("t.db", {"token", "create", "ghost"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_THAT(unknown.err, HasSubstr("no user named 'ghost'"));
    EXPECT_EQ(unknown.out, "");
}

TEST_F(TokenCliTest, UserAddWithUpdateRevokesThatUsersTokens) {
    const std::string token = Created(RunOn("t.db", {"token", "create", "claude_mcp"}));
    auto updated = RunOn(
        "t.db", {"user", "add", "claude_mcp", "--role", "read", "--password-stdin", "--update"},
        "second-secret\n");
    ASSERT_EQ(updated.exit_code, 0) << Describe(updated);
    auto tokens = auth::OpenAccessTokenStore("", dir_ / "t.db");
    ASSERT_TRUE(tokens);
    auto found = (*tokens)->Find(auth::HashToken(token), std::chrono::system_clock::now());
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace ea::cli
