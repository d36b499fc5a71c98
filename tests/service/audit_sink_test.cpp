// The audit sinks on real components: the JSON-lines file and its rotation in a temp dir, the
// bounded queue and its writer thread (full queue, failing writer, recovery), and the AuditEvent
// table on a real SQLite file read through AuditLog (admins only, newest first).
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "service/audit/async_sink.hpp"
#include "service/audit/audit_table.hpp"
#include "service/audit/file_writer.hpp"
#include "testing/temp_dir.hpp"

namespace ea::service {
namespace {

using namespace std::chrono_literals;

AuditEvent Event(std::string action, int seconds = 0) {
    AuditEvent event;
    event.time =
        std::chrono::system_clock::time_point(std::chrono::seconds(1'748'779'200 + seconds));
    event.username = "casey";
    event.role = "admin";
    event.channel = "rest";
    event.action = std::move(action);
    event.entity = "Event";
    event.ids = {"evt_1"};
    event.request_id = "req-" + std::to_string(seconds);
    return event;
}

AuditEventPtr Shared(AuditEvent event) {
    return std::make_shared<const AuditEvent>(std::move(event));
}

std::vector<std::string> Lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

TEST(AuditFileWriter, AppendsOneJsonObjectPerEvent) {
    ea::testing::TempDir dir;
    auto writer = JsonLinesFileWriter::Open({dir / "sub" / "audit.jsonl", 1 << 20, 3});
    ASSERT_TRUE(writer) << writer.error().message;
    const AuditEventPtr events[] = {Shared(Event("create", 1)), Shared(Event("delete", 2))};
    ASSERT_TRUE((*writer)->Write(events));
    const auto lines = Lines(dir / "sub" / "audit.jsonl");
    ASSERT_EQ(lines.size(), 2u);
    const auto first = boost::json::parse(lines[0]).as_object();
    EXPECT_EQ(first.at("action").as_string(), "create");
    EXPECT_EQ(first.at("time").as_string(), "2025-06-01T12:00:01.000Z");
    EXPECT_EQ(first.at("outcome").as_string(), "ok");
    EXPECT_EQ(first.at("requestId").as_string(), "req-1");
    EXPECT_EQ(boost::json::parse(lines[1]).at("action").as_string(), "delete");
}

// The file's line is written without building a JSON object: it must stay exactly the text of
// ToJson's object as boost::json prints it (escapes, number forms, field order), for any event.
TEST(AuditFileWriter, EachLineIsExactlyTheSerializedToJsonOfItsEvent) {
    std::vector<AuditEvent> cases;
    cases.push_back(Event("get", 1));
    AuditEvent odd = Event("list", 2);
    odd.user_id = "usr \"quoted\" \\ back";
    constexpr char kControls[] = "ctl \x01\x1f\t\n\r\b\f del \x7f nul \0 end";
    odd.username = std::string(kControls, sizeof kControls - 1);  // the NUL included
    odd.role = "r\xc3\xa9le \xf0\x9f\x8e\xb7 and a stray \xff byte";
    odd.entity = "";
    odd.ids = {};
    odd.filter = R"({"title":{"$eq":"a \"b\""},"password":{"$eq":"***"}})";
    odd.outcome = AuditOutcome::kDenied;
    odd.error_code = "forbidden";
    odd.rows = -7;
    odd.duration_ms = 1234.5678;
    odd.request_id = "";
    cases.push_back(odd);
    AuditEvent many = Event("batch", 3);
    many.ids = {"evt_1", "evt_2", "", "evt \"4\""};
    many.outcome = AuditOutcome::kError;
    many.error_code = "internal";
    many.rows = 9'223'372'036'854'775'807;
    cases.push_back(many);
    for (const double duration : {0.0, 0.5, 12.0, 1e-9, 3.0e300, 0.012345678901234}) {
        AuditEvent timed = Event("create", 4);
        timed.duration_ms = duration;
        cases.push_back(timed);
    }

    ea::testing::TempDir dir;
    auto writer = JsonLinesFileWriter::Open({dir / "audit.jsonl", 1 << 20, 1});
    ASSERT_TRUE(writer) << writer.error().message;
    std::vector<AuditEventPtr> events;
    for (const auto& event : cases) {
        events.push_back(Shared(event));
    }
    ASSERT_TRUE((*writer)->Write(events));
    const auto lines = Lines(dir / "audit.jsonl");
    ASSERT_EQ(lines.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        EXPECT_EQ(lines[i], boost::json::serialize(ToJson(cases[i]))) << "event " << i;
    }
    EXPECT_NE(lines[1].find("\\u0001"), std::string::npos) << lines[1];  // the cases mean something
}

TEST(AuditFileWriter, RotatesBySizeAndKeepsTheConfiguredNumberOfFiles) {
    ea::testing::TempDir dir;
    const auto path = dir / "audit.jsonl";
    const std::size_t line_size = boost::json::serialize(ToJson(Event("list", 10))).size() + 1;
    // Two lines fit in a file, a third rotates it.
    auto writer = JsonLinesFileWriter::Open({path, 2 * line_size + 1, 2});
    ASSERT_TRUE(writer) << writer.error().message;
    for (int i = 10; i < 20; ++i) {  // ten events, two per file
        const AuditEventPtr event[] = {Shared(Event("list", i))};
        ASSERT_TRUE((*writer)->Write(event));
    }
    EXPECT_TRUE(std::filesystem::exists(path.string() + ".1"));
    EXPECT_TRUE(std::filesystem::exists(path.string() + ".2"));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".3")) << "keep is 2";
    // Newest in the current file, older ones in .1 then .2; each file at most max_bytes.
    EXPECT_EQ(Lines(path).size(), 2u);
    EXPECT_EQ(boost::json::parse(Lines(path).back()).at("requestId").as_string(), "req-19");
    EXPECT_EQ(boost::json::parse(Lines(path.string() + ".1").back()).at("requestId").as_string(),
              "req-17");
    EXPECT_EQ(boost::json::parse(Lines(path.string() + ".2").front()).at("requestId").as_string(),
              "req-14");
    for (const auto& file : {path.string(), path.string() + ".1", path.string() + ".2"}) {
        EXPECT_LE(std::filesystem::file_size(file), 2 * line_size + 1) << file;
    }
}

TEST(AuditFileWriter, AnUnopenableFileIsAClearError) {
    ea::testing::TempDir dir;
    std::ofstream(dir / "plain") << "x";
    auto writer = JsonLinesFileWriter::Open({dir / "plain" / "audit.jsonl", 1000, 1});
    ASSERT_FALSE(writer);
    EXPECT_EQ(writer.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(writer.error().message.find("audit.jsonl"), std::string::npos);
}

// A writer the test controls: fails while `fail` is set, blocks while `hold` is set.
class ControlledWriter : public AuditWriter {
public:
    struct State {
        std::mutex mutex;
        std::condition_variable changed;
        bool fail = false;
        bool hold = false;
        std::vector<std::string> written;  // request ids
        int calls = 0;
    };
    explicit ControlledWriter(State& state) : state_(state) {}
    Status Write(std::span<const AuditEventPtr> events) override {
        std::unique_lock lock(state_.mutex);
        ++state_.calls;
        state_.changed.notify_all();
        state_.changed.wait(lock, [&] { return !state_.hold; });
        if (state_.fail) {
            return Error{ErrorCode::kUnavailable, "disk full"};
        }
        for (const auto& event : events) {
            state_.written.push_back(event->request_id);
        }
        return Ok();
    }

private:
    State& state_;
};

TEST(AsyncAuditSink, WritesEverySubmittedEventInOrder) {
    ControlledWriter::State state;
    AsyncAuditSink sink("file", std::make_unique<ControlledWriter>(state), 100);
    for (int i = 0; i < 20; ++i) {
        sink.Submit(Shared(Event("get", i)), false);
    }
    ASSERT_TRUE(sink.Flush(5s));
    std::lock_guard lock(state.mutex);
    ASSERT_EQ(state.written.size(), 20u);
    EXPECT_EQ(state.written.front(), "req-0");
    EXPECT_EQ(state.written.back(), "req-19");
    EXPECT_EQ(sink.stats().written, 20u);
    EXPECT_EQ(sink.stats().dropped, 0u);
}

TEST(AsyncAuditSink, ALingeringSinkWritesTheEventsOfItsLingerInOneBatch) {
    ControlledWriter::State state;
    AsyncAuditSink sink("file", std::make_unique<ControlledWriter>(state), 100, {}, 300ms);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) {
        sink.Submit(Shared(Event("get", i)), false);
    }
    ASSERT_LT(std::chrono::steady_clock::now() - start, 250ms) << "too slow to test the linger";
    ASSERT_TRUE(sink.Flush(5s));
    std::lock_guard lock(state.mutex);
    EXPECT_EQ(state.calls, 1) << "one write for the ten events";
    EXPECT_EQ(state.written.size(), 10u);
    EXPECT_EQ(state.written.back(), "req-9");
}

TEST(AsyncAuditSink, AFullQueueRefusesReservationsAndDropsUnreservedEvents) {
    ControlledWriter::State state;
    state.hold = true;  // the writer takes the first event and blocks
    AsyncAuditSink sink("file", std::make_unique<ControlledWriter>(state), 3);
    sink.Submit(Shared(Event("get", 0)), false);
    {
        std::unique_lock lock(state.mutex);
        ASSERT_TRUE(state.changed.wait_for(lock, 5s, [&] { return state.calls == 1; }));
    }
    ASSERT_TRUE(sink.Reserve());                  // 1 in flight + 1 reserved
    sink.Submit(Shared(Event("get", 1)), false);  // 3: full
    EXPECT_FALSE(sink.Reserve());
    sink.Submit(Shared(Event("get", 2)), false);    // dropped
    sink.Submit(Shared(Event("create", 3)), true);  // into the reserved room: kept
    EXPECT_EQ(sink.stats().dropped, 1u);
    EXPECT_EQ(sink.stats().refused, 1u);
    {
        std::lock_guard lock(state.mutex);
        state.hold = false;
    }
    state.changed.notify_all();
    ASSERT_TRUE(sink.Flush(5s));
    std::lock_guard lock(state.mutex);
    EXPECT_EQ(state.written, (std::vector<std::string>{"req-0", "req-1", "req-3"}));
}

TEST(AsyncAuditSink, AFailingWriterRefusesWritesKeepsItsBatchAndRecovers) {
    ControlledWriter::State state;
    state.fail = true;
    std::mutex log_mutex;
    std::vector<std::string> log;
    AsyncAuditSink sink("table", std::make_unique<ControlledWriter>(state), 100,
                        [&](std::string_view level, std::string_view message) {
                            std::lock_guard lock(log_mutex);
                            log.push_back(std::string(level) + ": " + std::string(message));
                        });
    ASSERT_TRUE(sink.Reserve());
    sink.Submit(Shared(Event("create", 1)), true);
    // Wait for the first failure: then the sink is unhealthy.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (sink.stats().failures == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    ASSERT_GE(sink.stats().failures, 1u);
    EXPECT_FALSE(sink.stats().healthy);
    EXPECT_FALSE(sink.Reserve()) << "a write must be refused while the sink fails";
    sink.Submit(Shared(Event("get", 2)), false);
    EXPECT_EQ(sink.stats().dropped, 1u);
    {
        std::lock_guard lock(state.mutex);
        state.fail = false;
    }
    ASSERT_TRUE(sink.Flush(5s));
    EXPECT_TRUE(sink.stats().healthy);
    EXPECT_TRUE(sink.Reserve());
    sink.Release();
    {
        std::lock_guard lock(state.mutex);
        EXPECT_EQ(state.written, std::vector<std::string>{"req-1"})
            << "the failed batch is retried";
    }
    std::lock_guard lock(log_mutex);
    ASSERT_EQ(log.size(), 2u) << "one line per change of state, not one per retry";
    EXPECT_NE(log[0].find("error: audit table sink cannot write (disk full)"), std::string::npos)
        << log[0];
    EXPECT_NE(log[1].find("recovered"), std::string::npos) << log[1];
}

TEST(AuditFanout, ReservesInEverySinkOrNone) {
    ControlledWriter::State a_state, b_state;
    b_state.fail = true;
    AsyncAuditSink a("file", std::make_unique<ControlledWriter>(a_state), 1);
    AsyncAuditSink b("table", std::make_unique<ControlledWriter>(b_state), 10);
    b.Submit(Shared(Event("get", 0)), false);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (b.stats().healthy && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    AuditFanout fanout({&a, &b});
    EXPECT_FALSE(fanout.Reserve());
    EXPECT_TRUE(a.Reserve()) << "the fan-out released its room in the first sink";
    a.Release();
}

class AuditTableTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto schema = AuditTableSchema();
        ASSERT_TRUE(schema) << schema.error().message;
        schema_ = *std::move(schema);
        auto store = store::OpenStore({"sqlite://" + (dir_ / "t.db").string()}, *schema_);
        ASSERT_TRUE(store) << store.error().message;
        store_ = *std::move(store);
        entity_ = schema_->FindEntity(kAuditEntity);
        ASSERT_NE(entity_, nullptr);
    }

    static RequestContext As(std::string role) {
        return RequestContext{Principal{"usr_1", "casey", std::move(role), "", true}, "req",
                              Channel::kRest};
    }

    ea::testing::TempDir dir_;
    schema::SchemaPtr schema_;
    store::DocumentStorePtr store_;
    const schema::Entity* entity_ = nullptr;
};

TEST_F(AuditTableTest, AdminsReadTheEventsNewestFirstWithEveryField) {
    StoreAuditWriter writer(*store_, *entity_);
    AuditEvent denied = Event("delete", 3);
    denied.outcome = AuditOutcome::kDenied;
    denied.error_code = "forbidden";
    denied.rows = 0;
    const AuditEventPtr events[] = {Shared(Event("create", 1)), Shared(Event("get", 2)),
                                    Shared(denied)};
    ASSERT_TRUE(writer.Write(events));
    AuditLog log(*store_, *entity_, nullptr);
    auto listed = log.List(As("admin"), query::Query{});
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(listed->rows.size(), 3u);
    EXPECT_EQ(listed->page.total, 3);
    const auto& newest = listed->rows[0];
    EXPECT_EQ(newest.at("action").as_string(), "delete");
    EXPECT_EQ(newest.at("outcome").as_string(), "denied");
    EXPECT_EQ(newest.at("errorCode").as_string(), "forbidden");
    EXPECT_EQ(newest.at("ids").as_array().at(0).as_string(), "evt_1");
    EXPECT_EQ(newest.at("channel").as_string(), "rest");
    EXPECT_EQ(listed->rows[2].at("action").as_string(), "create");
}

TEST_F(AuditTableTest, NoOtherRoleReadsTheTrailAndTheRefusalIsAudited) {
    class Capture : public AuditSink {
    public:
        Status Reserve() override { return Ok(); }
        void Release() override {}
        void Submit(AuditEventPtr event, bool) override { events.push_back(*event); }
        std::vector<AuditEvent> events;
    } capture;
    AuditLog log(*store_, *entity_, &capture);
    for (const char* role : {"read", "ai_agent", ""}) {
        auto listed = log.List(As(role), query::Query{});
        ASSERT_FALSE(listed) << role;
        EXPECT_EQ(listed.error().code, ErrorCode::kForbidden);
    }
    ASSERT_EQ(capture.events.size(), 3u);
    EXPECT_EQ(capture.events[0].entity, "_audit");
    EXPECT_EQ(capture.events[0].outcome, AuditOutcome::kDenied);
}

}  // namespace
}  // namespace ea::service
