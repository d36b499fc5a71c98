// app::OpenCore: the write-path settings of a Config reach the parts that enforce them (the
// SQLite connection's synchronous mode, the service's batch limit).
#include "app/core.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "testing/temp_dir.hpp"

namespace ea::app {
namespace {

Config TestConfig(const ea::testing::TempDir& dir, const std::string& name) {
    Config config;
    config.schema = (std::filesystem::path(EA_SOURCE_DIR) / "schema.yaml").string();
    config.db = "sqlite://" + (dir / name).string();
    return config;
}

int WriterSynchronous(Core& core) {
    auto* sqlite_store = dynamic_cast<store::sqlite::SqliteStore*>(core.store.get());
    return sqlite_store == nullptr ? -1 : sqlite_store->WriterSynchronousForTest();
}

TEST(CoreTest, DurabilityReachesTheDatabaseConnection) {
    ea::testing::TempDir dir;
    auto durable = OpenCore(TestConfig(dir, "full.db"));
    ASSERT_TRUE(durable) << durable.error().message;
    EXPECT_EQ(WriterSynchronous(**durable), 2);  // FULL, the default

    Config fast = TestConfig(dir, "normal.db");
    fast.store_durability = "normal";
    auto normal = OpenCore(fast);
    ASSERT_TRUE(normal) << normal.error().message;
    EXPECT_EQ(WriterSynchronous(**normal), 1);  // NORMAL
}

TEST(CoreTest, MaxBatchReachesTheService) {
    ea::testing::TempDir dir;
    Config config = TestConfig(dir, "batch.db");
    config.max_batch = 2;
    auto core = OpenCore(config);
    ASSERT_TRUE(core) << core.error().message;
    service::RequestContext ctx;
    ctx.channel = service::Channel::kCli;  // an operator tool, as seed-demo is
    const auto& account = *(*core)->schema->FindEntity("Account");
    auto created = (*core)->documents->CreateMany(ctx, account, std::vector<Record>(3));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kTooLarge);
    EXPECT_TRUE((*core)->documents->CreateMany(ctx, account, std::vector<Record>(2)));
}

// A server store has no SQLite file for the embedded session table: the sessions' place must be
// named, and the error says how (nothing is opened in the working directory instead).
TEST(CoreTest, APostgresStoreWithoutASessionsUrlIsRefusedSayingWhatToSet) {
    Config config;
    config.db = "postgresql://app:secret-pw@127.0.0.1:1/events";
    for (bool tokens : {false, true}) {
        const Error error =
            tokens ? OpenConfiguredTokens(config).error() : OpenConfiguredSessions(config).error();
        EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
        EXPECT_NE(error.message.find("--sessions"), std::string::npos) << error.message;
        EXPECT_NE(error.message.find("redis://"), std::string::npos) << error.message;
        EXPECT_EQ(error.message.find("secret-pw"), std::string::npos) << error.message;
    }
    EXPECT_FALSE(std::filesystem::exists("data/sessions.db"));

    ea::testing::TempDir dir;
    config.sessions = "sqlite://" + (dir / "sessions.db").string();
    EXPECT_TRUE(OpenConfiguredSessions(config)) << "a named SQLite file is fine for one instance";
}

}  // namespace
}  // namespace ea::app
