// The audit.* settings: defaults, flag > environment > config file for each, errors naming the
// source, and the audit file's default place beside the SQLite database.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/audit_stack.hpp"
#include "app/config.hpp"
#include "testing/temp_dir.hpp"

namespace ea::app {
namespace {

TEST(AuditConfig, Defaults) {
    auto config = LoadConfig({}, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->audit_file, "");
    EXPECT_EQ(config->audit_file_max_bytes, 64ll << 20);
    EXPECT_EQ(config->audit_file_keep, 5);
    EXPECT_TRUE(config->audit_table);
    EXPECT_EQ(config->audit_queue, 10000);
    EXPECT_EQ(AuditFilePath(*config), "data/events.db.audit.jsonl");
}

TEST(AuditConfig, FlagBeatsEnvironmentBeatsFile) {
    ea::testing::TempDir dir;
    const auto file = (dir / "c.yaml").string();
    std::ofstream(file) << "audit:\n  file: /f/audit.jsonl\n  file_max_bytes: 100\n"
                           "  file_keep: 1\n  table: false\n  queue: 10\n";
    ConfigFlags flags;
    flags.config_file = file;
    auto from_file = LoadConfig(flags, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->audit_file, "/f/audit.jsonl");
    EXPECT_EQ(from_file->audit_file_max_bytes, 100);
    EXPECT_EQ(from_file->audit_file_keep, 1);
    EXPECT_FALSE(from_file->audit_table);
    EXPECT_EQ(from_file->audit_queue, 10);

    const Environment env = {{"EVENTS_API_AUDIT_FILE", "/e/audit.jsonl"},
                             {"EVENTS_API_AUDIT_FILE_MAX_BYTES", "200"},
                             {"EVENTS_API_AUDIT_FILE_KEEP", "2"},
                             {"EVENTS_API_AUDIT_TABLE", "true"},
                             {"EVENTS_API_AUDIT_QUEUE", "20"}};
    auto from_env = LoadConfig(flags, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->audit_file, "/e/audit.jsonl");
    EXPECT_EQ(from_env->audit_file_max_bytes, 200);
    EXPECT_EQ(from_env->audit_file_keep, 2);
    EXPECT_TRUE(from_env->audit_table);
    EXPECT_EQ(from_env->audit_queue, 20);

    flags.audit_file = "off";
    flags.audit_file_max_bytes = "300";
    flags.audit_file_keep = "0";
    flags.audit_table = "false";
    flags.audit_queue = "30";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->audit_file, "off");
    EXPECT_EQ(AuditFilePath(*from_flags), "") << "off: no file";
    EXPECT_EQ(from_flags->audit_file_max_bytes, 300);
    EXPECT_EQ(from_flags->audit_file_keep, 0);
    EXPECT_FALSE(from_flags->audit_table);
    EXPECT_EQ(from_flags->audit_queue, 30);
}

TEST(AuditConfig, BadValuesNameTheirSource) {
    auto zero_queue = LoadConfig({}, {{"EVENTS_API_AUDIT_QUEUE", "0"}});
    ASSERT_FALSE(zero_queue);
    EXPECT_NE(zero_queue.error().message.find("EVENTS_API_AUDIT_QUEUE"), std::string::npos)
        << zero_queue.error().message;
    ConfigFlags flags;
    flags.audit_table = "maybe";
    auto table = LoadConfig(flags, {});
    ASSERT_FALSE(table);
    EXPECT_NE(table.error().message.find("--audit-table"), std::string::npos)
        << table.error().message;
}

TEST(AuditConfig, TheDefaultFileSitsBesideTheSqliteDatabase) {
    Config config;
    config.db = "sqlite:///var/lib/ea/events.db";
    EXPECT_EQ(AuditFilePath(config), "/var/lib/ea/events.db.audit.jsonl");
    config.db = "sqlite://:memory:";
    EXPECT_EQ(AuditFilePath(config), "") << "an in-memory database keeps no file";
    config.db = "postgresql://db/events";
    EXPECT_EQ(AuditFilePath(config), "data/audit.jsonl");
    config.audit_file = "/logs/a.jsonl";
    EXPECT_EQ(AuditFilePath(config), "/logs/a.jsonl");
}

}  // namespace
}  // namespace ea::app
