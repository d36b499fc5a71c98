// The audit table's write path (StoreAuditWriter over DocumentStore::Append) on a real SQLite
// file: an event reads back through AuditLog (what GET /api/_audit and events://audit answer)
// equal to ToJson(event), the file line's object, field by field; and the table sink's failure
// policy when the table cannot be written (writes refused, the batch kept, recovery).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/ids.hpp"
#include "service/audit/async_sink.hpp"
#include "service/audit/audit_table.hpp"
#include "testing/sqlite_indexes.hpp"
#include "testing/temp_dir.hpp"

namespace ea::service {
namespace {

using namespace std::chrono_literals;

AuditEvent FullEvent(int n) {
    AuditEvent event;
    event.time = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(1'748'779'200'123 + n));  // 2025-06-01T12:00:00.123Z + n ms
    event.user_id = "usr_casey";
    event.username = "casey \"the admin\"";
    event.role = "admin";
    event.channel = "mcp-http";
    event.action = "batch";
    event.entity = "Event";
    event.ids = {"evt_1", "evt_\"2\"", "evt_3"};
    event.filter = R"({"title":{"$eq":"a \"b\" c"}})";
    event.outcome = AuditOutcome::kDenied;
    event.error_code = "forbidden";
    event.rows = 3;
    event.duration_ms = 1.375 + n;
    event.request_id = "req-" + std::to_string(n);
    return event;
}

AuditEventPtr Shared(AuditEvent event) {
    return std::make_shared<const AuditEvent>(std::move(event));
}

RequestContext Admin() {
    return RequestContext{Principal{"usr_1", "casey", "admin", "", true}, "req", Channel::kRest};
}

class AuditTableWriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto schema = AuditTableSchema();
        ASSERT_TRUE(schema) << schema.error().message;
        schema_ = *std::move(schema);
        store_ = OpenAuditStore();
        ASSERT_NE(store_, nullptr);
        entity_ = schema_->FindEntity(kAuditEntity);
        ASSERT_NE(entity_, nullptr);
    }

    store::DocumentStorePtr OpenAuditStore() {
        auto store = store::OpenStore({"sqlite://" + file_.string()}, *schema_);
        EXPECT_TRUE(store) << store.error().message;
        return store ? *std::move(store) : nullptr;
    }

    std::vector<Record> Listed() {
        AuditLog log(*store_, *entity_, nullptr);
        auto listed = log.List(Admin(), query::Query{});
        EXPECT_TRUE(listed) << listed.error().message;
        return listed ? listed->rows : std::vector<Record>{};
    }

    // The names of the table's indexes that the schema asks for (not SQLite's own for the id).
    std::vector<std::string> Indexes() { return ea::testing::CreatedIndexes(file_, "AuditEvent"); }

    void Sql(const std::string& sql) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
            << (error != nullptr ? error : "");
        sqlite3_free(error);
        sqlite3_close(db);
    }

    ea::testing::TempDir dir_;
    std::filesystem::path file_ = dir_ / "audit.db";
    schema::SchemaPtr schema_;
    store::DocumentStorePtr store_;
    const schema::Entity* entity_ = nullptr;
};

TEST_F(AuditTableWriterTest, AnEventReadsBackAsItsJsonObjectFieldByField) {
    StoreAuditWriter writer(*store_, *entity_);
    const AuditEventPtr events[] = {Shared(FullEvent(0)), Shared(FullEvent(1))};
    ASSERT_TRUE(writer.Write(events));
    const auto rows = Listed();
    ASSERT_EQ(rows.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const Record& row = rows[1 - i];  // newest first
        const boost::json::object expected = ToJson(*events[i]);
        for (const auto& [key, value] : expected) {
            ASSERT_TRUE(row.contains(key)) << key;
            EXPECT_EQ(row.at(key), value) << key;
        }
        // Beside the event's own fields: a new id, and createdAt and updatedAt at its time.
        EXPECT_EQ(row.size(), expected.size() + 3);
        ASSERT_TRUE(row.at("id").is_string());
        EXPECT_TRUE(IsValidId(row.at("id").as_string()));
        EXPECT_EQ(row.at("createdAt"), expected.at("time"));
        EXPECT_EQ(row.at("updatedAt"), expected.at("time"));
    }
    EXPECT_NE(rows[0].at("id"), rows[1].at("id"));
    EXPECT_EQ(rows[1].at("time").as_string(), "2025-06-01T12:00:00.123Z");  // means something
    EXPECT_EQ(rows[1].at("ids").as_array().at(1).as_string(), "evt_\"2\"");
}

TEST_F(AuditTableWriterTest, AnEmptyEventKeepsEmptyTextAndNoIds) {
    StoreAuditWriter writer(*store_, *entity_);
    AuditEvent event;
    event.time = std::chrono::system_clock::time_point(std::chrono::seconds(1'748'779'200));
    event.channel = "cli";
    event.action = "list";
    const AuditEventPtr events[] = {Shared(event)};
    ASSERT_TRUE(writer.Write(events));
    const auto rows = Listed();
    ASSERT_EQ(rows.size(), 1u);
    for (const auto& [key, value] : ToJson(event)) {
        EXPECT_EQ(rows[0].at(key), value) << key;
    }
    EXPECT_EQ(rows[0].at("userId").as_string(), "");
    EXPECT_TRUE(rows[0].at("ids").as_array().empty());
}

// The reads (GET /api/_audit, events://audit) sort by time by default and are bounded by time
// ranges: the table keeps that index only (no rows, durationMs, createdAt, updatedAt index to
// update per event); a sort by another column still answers, by a scan.
TEST_F(AuditTableWriterTest, TheTableKeepsOnlyTheTimeIndexAndOtherSortsStillAnswer) {
    EXPECT_EQ(Indexes(), std::vector<std::string>{"_ix_AuditEvent_time"});
    StoreAuditWriter writer(*store_, *entity_);
    AuditEvent slow = FullEvent(1);
    slow.duration_ms = 9.5;
    AuditEvent fast = FullEvent(2);
    fast.duration_ms = 0.5;
    const AuditEventPtr events[] = {Shared(slow), Shared(fast), Shared(FullEvent(3))};
    ASSERT_TRUE(writer.Write(events));
    query::Query by_duration;
    by_duration.sort.push_back({entity_->FindField("durationMs"), false});
    AuditLog log(*store_, *entity_, nullptr);
    auto listed = log.List(Admin(), std::move(by_duration));
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(listed->rows.size(), 3u);
    EXPECT_EQ(listed->rows[0].at("durationMs").as_double(), 0.5);
    EXPECT_EQ(listed->rows[1].at("durationMs").as_double(), 4.375);
    EXPECT_EQ(listed->rows[2].at("durationMs").as_double(), 9.5);
}

TEST_F(AuditTableWriterTest, WhileTheTableCannotBeWrittenWritesAreRefusedAndTheEventIsKept) {
    std::vector<std::string> log;
    std::mutex log_mutex;
    AsyncAuditSink sink("table", std::make_unique<StoreAuditWriter>(*store_, *entity_), 100,
                        [&](std::string_view level, std::string_view message) {
                            std::lock_guard lock(log_mutex);
                            log.push_back(std::string(level) + ": " + std::string(message));
                        });
    Sql("DROP TABLE \"AuditEvent\"");
    ASSERT_TRUE(sink.Reserve());
    sink.Submit(Shared(FullEvent(7)), true);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (sink.stats().failures == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_GE(sink.stats().failures, 1u);
    EXPECT_FALSE(sink.stats().healthy);
    EXPECT_FALSE(sink.Reserve()) << "a write must be refused while the table cannot be written";

    auto reopened = OpenAuditStore();  // its migration creates the table again
    ASSERT_NE(reopened, nullptr);
    ASSERT_TRUE(sink.Flush(5s));
    EXPECT_TRUE(sink.stats().healthy);
    EXPECT_TRUE(sink.Reserve());
    sink.Release();
    const auto rows = Listed();
    ASSERT_EQ(rows.size(), 1u) << "the failed batch is written once it can be";
    EXPECT_EQ(rows[0].at("requestId").as_string(), "req-7");
    std::lock_guard lock(log_mutex);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_NE(log[0].find("error: audit table sink cannot write"), std::string::npos) << log[0];
    EXPECT_EQ(log[0].find("no such table"), std::string::npos)
        << "no SQLite internals in the log line: " << log[0];
    EXPECT_NE(log[1].find("recovered"), std::string::npos) << log[1];
}

}  // namespace
}  // namespace ea::service
