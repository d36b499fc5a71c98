// What the PostgreSQL store does that SQLite has no counterpart for: a bounded pool, replacing
// broken connections, migrations racing at start-up, credentials kept out of errors, totals
// estimated by the planner. A real server (tests/testing/postgres_server.hpp), a fresh database
// per test.
#include "store/postgres/pg_store.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/postgres/pg_url.hpp"
#include "store_test_util.hpp"
#include "testing/postgres_server.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using postgres::PgStore;
using ::testing::HasSubstr;
using ::testing::Not;

class PgStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = ea::testing::PostgresServer::Shared();
        ASSERT_NE(server_, nullptr);
        url_ = server_->Database(dir_.path().string());
        database_ = url_.substr(url_.rfind('/') + 1);
    }

    static const schema::Schema& schema() { return StoreTestSchema(); }
    static const schema::Entity& E(std::string_view name) { return *schema().FindEntity(name); }

    std::unique_ptr<PgStore> MustOpen(const PgStore::Options& options = {}) {
        auto opened = PgStore::Open(url_, schema(), options);
        EXPECT_TRUE(opened) << opened.error().message;
        return opened ? std::move(*opened) : nullptr;
    }

    ea::testing::TempDir dir_;
    ea::testing::PostgresServer* server_ = nullptr;
    std::string url_;
    std::string database_;
};

TEST_F(PgStoreTest, ACallerFindingEveryConnectionBusyWaitsAtMostTheAcquireTimeout) {
    PgStore::Options options;
    options.pool_size = 1;
    options.acquire_timeout = std::chrono::milliseconds(300);
    auto store = MustOpen(options);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Create(E("Owner"), MakeRecord(R"({"id": "o1", "name": "A"})")));

    // A DeleteIf whose check blocks holds the only connection (inside its transaction).
    std::promise<void> holding;
    std::promise<void> release;
    auto released = release.get_future().share();
    std::thread holder([&] {
        auto refused = store->DeleteIf(E("Owner"), "o1", [&](const Record&) -> Status {
            holding.set_value();
            released.wait();
            return Error{ErrorCode::kPreconditionFailed, "kept"};
        });
        EXPECT_FALSE(refused);
    });
    holding.get_future().wait();

    const auto started = std::chrono::steady_clock::now();
    auto waited = store->Get(E("Owner"), "o1");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(waited);
    EXPECT_EQ(waited.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(waited.error().message,
              "all 1 PostgreSQL connections stayed busy for 300 ms; try again");
    EXPECT_GE(elapsed, std::chrono::milliseconds(300));
    EXPECT_LT(elapsed, std::chrono::seconds(5));

    // A waiter is served as soon as the connection comes back, within its bound.
    auto later = std::async(std::launch::async, [&] { return store->Get(E("Owner"), "o1"); });
    release.set_value();
    holder.join();
    auto served = later.get();
    ASSERT_TRUE(served) << served.error().message;
    EXPECT_EQ(served->at("name"), value("A"));
    EXPECT_EQ(store->OpenConnectionCountForTest(), 1u);
}

TEST_F(PgStoreTest, ConnectionsTheServerDroppedAreReplacedWithoutFailingTheCaller) {
    PgStore::Options options;
    options.pool_size = 2;
    auto store = MustOpen(options);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Create(E("Item"), MakeRecord(R"({"id": "i1", "title": "kept"})")));
    // Both connections open: a second caller arrives while a DeleteIf holds the first one.
    std::promise<void> holding;
    std::thread holder([&] {
        (void)store->DeleteIf(E("Item"), "i1", [&](const Record&) -> Status {
            holding.set_value();
            EXPECT_TRUE(store->Get(E("Item"), "i1"));
            return Error{ErrorCode::kPreconditionFailed, "kept"};
        });
    });
    holding.get_future().wait();
    holder.join();
    ASSERT_EQ(store->OpenConnectionCountForTest(), 2u);

    // The server ends every session of the store (as a restart or an idle-timeout would).
    const std::string terminated =
        server_->Execute(database_,
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                         "current_database() AND pid <> pg_backend_pid()");
    ASSERT_EQ(terminated, "");

    auto got = store->Get(E("Item"), "i1");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->at("title"), value("kept"));
    query::Query q;
    auto listed = store->List(E("Item"), q);
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_EQ(Ids(*listed), std::vector<std::string>{"i1"});
    EXPECT_TRUE(store->Create(E("Item"), MakeRecord(R"({"id": "i2"})")));
    EXPECT_LE(store->OpenConnectionCountForTest(), 2u);
}

TEST_F(PgStoreTest, InstancesMigratingOneFreshDatabaseAtOnceAllSucceed) {
    constexpr int kInstances = 4;
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<PgStore>> stores(kInstances);
    std::vector<std::string> errors(kInstances);
    std::atomic<int> ready{0};
    for (int i = 0; i < kInstances; ++i) {
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < kInstances) {
                std::this_thread::yield();
            }
            auto opened = PgStore::Open(url_, schema());
            if (opened) {
                stores[i] = std::move(*opened);
            } else {
                errors[i] = opened.error().message;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int i = 0; i < kInstances; ++i) {
        ASSERT_TRUE(stores[i]) << "instance " << i << ": " << errors[i];
    }
    ASSERT_TRUE(stores[0]->Create(E("Owner"), MakeRecord(R"({"id": "o1", "name": "A"})")));
    auto seen = stores[3]->Get(E("Owner"), "o1");
    ASSERT_TRUE(seen) << seen.error().message;
    auto dup = stores[2]->Create(E("Owner"), MakeRecord(R"({"name": "A"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict) << "the unique index exists once";
}

TEST_F(PgStoreTest, ConcurrentCreatesOfOneUniqueValueGiveOneRecordAndConflicts) {
    auto store = MustOpen();
    ASSERT_TRUE(store);
    constexpr int kWriters = 6;
    std::vector<std::thread> threads;
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    for (int i = 0; i < kWriters; ++i) {
        threads.emplace_back([&] {
            auto result = store->Create(E("Owner"), MakeRecord(R"({"name": "same"})"));
            if (result) {
                ++created;
            } else if (result.error().code == ErrorCode::kConflict &&
                       !result.error().fields.empty() && result.error().fields[0].field == "name") {
                ++conflicts;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), kWriters - 1);
}

TEST_F(PgStoreTest, ConnectionErrorsNameTheServerButNeverThePassword) {
    const std::string port = std::to_string(server_->port());
    const std::vector<std::string> urls = {
        "postgresql://postgres:wrong-pw-s3cret@127.0.0.1:" + port + "/" + database_,
        "postgres://postgres:wrong-pw-s3cret@127.0.0.1:" + port + "/" + database_,
        "postgresql://postgres@127.0.0.1:" + port + "/" + database_ + "?password=wrong-pw-s3cret",
        server_->Url("no_such_database", "postgres", "wrong-pw-s3cret"),
        "postgresql://app:wrong-pw-s3cret@127.0.0.1:1/events",
    };
    for (const auto& url : urls) {
        ::testing::internal::CaptureStderr();
        StoreConfig config{url};
        auto opened = OpenStore(config, schema());
        const std::string logged = ::testing::internal::GetCapturedStderr();
        ASSERT_FALSE(opened) << url;
        EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable) << url;
        // The message names no server (a client may see it); the detail, for the operator's
        // terminal and the log, names it without its password.
        EXPECT_THAT(opened.error().message, HasSubstr("cannot connect to PostgreSQL"));
        EXPECT_THAT(opened.error().message, Not(HasSubstr("127.0.0.1"))) << opened.error().message;
        EXPECT_THAT(opened.error().detail, HasSubstr("***")) << opened.error().detail;
        EXPECT_THAT(opened.error().message + opened.error().detail, Not(HasSubstr("s3cret")));
        EXPECT_THAT(logged, Not(HasSubstr("s3cret"))) << logged;
    }
    EXPECT_EQ(postgres::RedactUrl("postgresql://u:p%40ss@h:5432/db?sslmode=require"),
              "postgresql://u:***@h:5432/db?sslmode=require");
    EXPECT_EQ(postgres::UrlPassword("postgresql://u:p%40ss@h/db"), "p@ss");
}

TEST_F(PgStoreTest, OpenStoreAcceptsBothSchemesAndReportsThePostgresqlBackend) {
    for (const std::string scheme : {"postgresql://", "postgres://"}) {
        auto opened = OpenStore(StoreConfig{scheme + url_.substr(url_.find("://") + 3)}, schema());
        ASSERT_TRUE(opened) << opened.error().message;
        EXPECT_EQ((*opened)->backend(), "postgresql");
    }
}

TEST_F(PgStoreTest, EstimatedTotalsComeFromThePlannerAndAreBoundedByThePage) {
    auto store = MustOpen();
    ASSERT_TRUE(store);
    std::vector<DocumentStore::BatchItem> items;
    for (int i = 0; i < 30; ++i) {
        items.push_back({&E("Item"), MakeRecord(R"({"kind": "alpha"})"), false});
    }
    ASSERT_TRUE(store->Batch(std::move(items)));
    ASSERT_EQ(server_->Execute(database_, "ANALYZE \"Item\""), "");

    query::Query q;
    q.page_size = 5;
    q.count = query::CountMode::kEstimated;
    auto estimated = store->List(E("Item"), q);
    ASSERT_TRUE(estimated) << estimated.error().message;
    EXPECT_EQ(estimated->page.total_kind, TotalKind::kEstimate);
    EXPECT_EQ(estimated->page.total, 30) << "fresh statistics of an unfiltered table are exact";
    EXPECT_TRUE(estimated->page.has_more);

    q.count = query::CountMode::kAuto;  // a small estimate: counted exactly
    auto automatic = store->List(E("Item"), q);
    ASSERT_TRUE(automatic);
    EXPECT_EQ(automatic->page.total_kind, TotalKind::kExact);
    EXPECT_EQ(automatic->page.total, 30);

    q.count = query::CountMode::kNone;
    auto none = store->List(E("Item"), q);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->page.total_kind, TotalKind::kNone);
    EXPECT_EQ(none->page.total, 0);
    EXPECT_TRUE(none->page.has_more);
}

TEST_F(PgStoreTest, DurabilityIsSynchronousCommitOfEachConnection) {
    for (auto [durability, expected] :
         {std::pair{Durability::kFull, "on"}, std::pair{Durability::kNormal, "off"}}) {
        PgStore::Options options;
        options.durability = durability;
        auto store = MustOpen(options);
        ASSERT_TRUE(store);
        auto setting = store->SettingForTest("synchronous_commit");
        ASSERT_TRUE(setting) << setting.error().message;
        EXPECT_EQ(*setting, expected);
    }
}

TEST_F(PgStoreTest, ContainsAndFuzzySearchesCanUseTheTrigramIndex) {
    auto store = MustOpen();
    ASSERT_TRUE(store);
    auto search = [&](query::Matching matching, const char* text) {
        query::Query q;
        q.filter = Cmp(E("Item"), "title", query::Op::kEq, value(text));
        q.matching = matching;
        q.fuzzy_threshold = 0.5;
        auto plan = store->ExplainListForTest(E("Item"), q);
        EXPECT_TRUE(plan) << plan.error().message;
        return plan ? *plan : std::string();
    };
    EXPECT_THAT(search(query::Matching::kContains, "concert"), HasSubstr("_trgm_Item_title"));
    EXPECT_THAT(search(query::Matching::kFuzzy, "concrt"), HasSubstr("_trgm_Item_title"));
    EXPECT_THAT(search(query::Matching::kExact, "concert"), Not(HasSubstr("_trgm_Item_title")));
}

// A list that waits past the limit is cancelled by the server (statement_timeout), not left to
// run: here it waits for a table lock another session holds for far longer than the limit.
TEST_F(PgStoreTest, TheServerCancelsAListPastTheQueryTimeout) {
    PgStore::Options options;
    options.query_timeout = std::chrono::milliseconds(200);
    auto store = MustOpen(options);
    ASSERT_TRUE(store);
    std::thread holder([&] {
        EXPECT_EQ(server_->Execute(database_,
                                   "BEGIN; LOCK TABLE \"Item\" IN ACCESS EXCLUSIVE MODE; "
                                   "SELECT pg_sleep(3); COMMIT"),
                  "");
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server_->Value(database_,
                          "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                          "WHERE c.relname = 'Item' AND l.mode = 'AccessExclusiveLock' AND "
                          "l.granted") != "1") {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the lock was never taken";
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto started = std::chrono::steady_clock::now();
    auto listed = store->List(E("Item"), query::Query{});
    const auto elapsed = std::chrono::steady_clock::now() - started;
    holder.join();
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(listed.error().message,
              "the query took longer than the 200 ms limit (limits.query_timeout_ms); narrow the "
              "filter or the search");
    EXPECT_LT(elapsed, std::chrono::milliseconds(2500)) << "cancelled, not waited out";
    auto after = store->List(E("Item"), query::Query{});
    EXPECT_TRUE(after) << after.error().message;
}

}  // namespace
}  // namespace ea::store::testing
