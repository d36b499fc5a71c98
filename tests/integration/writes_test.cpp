// The write path over real sockets: no lost updates under concurrent PATCHes, ETag and If-Match
// (412 when stale), the batch and validation-error limits, and the list query's time limit.
#include <atomic>
#include <thread>

#include <sqlite3.h>

#include "integration/integration_fixture.hpp"
#include "testing/temp_dir.hpp"

namespace ea::integration {
namespace {

json::object EventBody(const std::string& title) {
    return json::object{{"url", "https://example.com/events/1"},
                        {"title", title},
                        {"dateTime", "2025-06-01T18:30:00Z"},
                        {"location", "Austin, TX"},
                        {"cost", 12.5}};
}

class WritesTest : public ServerSuite {
protected:
    static json::object CreateEvent(const std::string& title) {
        auto response = Admin().Post("/api/event", EventBody(title));
        EXPECT_TRUE(IsSuccess(response, 201)) << Describe(response);
        auto data = DataOf(response);
        return data.is_object() ? data.as_object() : json::object();
    }
    static std::string Quoted(const json::value& value) { return "\"" + Str(value) + "\""; }
};

// Four clients each PATCH their own field of one record, many times: every last value survives.
TEST_F(WritesTest, ConcurrentPatchesOfDifferentFieldsAllSurvive) {
    const auto event = CreateEvent("Concurrent patches");
    const std::string target = "/api/event/" + Str(event.at("id"));
    constexpr int kRounds = 25;
    const std::vector<std::string> fields = {"title", "location", "cost", "numOfExpectedAttendees"};
    auto value_for = [](const std::string& field, int round) -> json::value {
        if (field == "cost" || field == "numOfExpectedAttendees") {
            return round;
        }
        return json::string(field + " " + std::to_string(round));
    };
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (const auto& field : fields) {
        threads.emplace_back([&, field] {
            for (int round = 1; round <= kRounds; ++round) {
                json::object body;
                body[field] = value_for(field, round);
                if (Admin().Patch(target, body).status != 200) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto stored = DataOf(Admin().Get(target));
    ASSERT_TRUE(stored.is_object());
    for (const auto& field : fields) {
        const auto want = value_for(field, kRounds);
        const auto& got = stored.as_object().at(field);
        if (want.is_int64()) {
            EXPECT_EQ(got.to_number<double>(), want.to_number<double>()) << field;
        } else {
            EXPECT_EQ(got, want) << field;
        }
    }
}

TEST_F(WritesTest, ResponsesCarryTheQuotedUpdatedAtAsAStrongETag) {
    auto created = Admin().Post("/api/event", EventBody("ETag"));
    ASSERT_TRUE(IsSuccess(created, 201));
    const auto record = DataOf(created).as_object();
    const std::string target = "/api/event/" + Str(record.at("id"));
    EXPECT_EQ(created.Header("ETag"), Quoted(record.at("updatedAt")));

    auto read = Admin().Get(target);
    ASSERT_TRUE(IsSuccess(read));
    EXPECT_EQ(read.Header("ETag"), created.Header("ETag"));
    // A view embeds other records; the tag is still the record's own version.
    const auto users = RowsOf(Admin().Get("/api/user?pageSize=1"));
    ASSERT_EQ(users.size(), 1u);
    const std::string user_target = "/api/user/" + Str(users.at(0).at("id"));
    auto plain = Admin().Get(user_target);
    auto with_view = Admin().Get(user_target + "?view=account(id,createdAt)");
    ASSERT_TRUE(IsSuccess(plain));
    ASSERT_TRUE(IsSuccess(with_view)) << Describe(with_view);
    EXPECT_TRUE(DataOf(with_view).as_object().contains("account"));
    EXPECT_EQ(plain.Header("ETag"), Quoted(DataOf(plain).at("updatedAt")));
    EXPECT_EQ(with_view.Header("ETag"), plain.Header("ETag"));

    auto patched = Admin().Patch(target, json::object{{"title", "ETag 2"}});
    ASSERT_TRUE(IsSuccess(patched));
    EXPECT_EQ(patched.Header("ETag"), Quoted(DataOf(patched).at("updatedAt")));
    EXPECT_NE(patched.Header("ETag"), created.Header("ETag"));

    auto put = Admin().Put(target, EventBody("ETag 3"));
    ASSERT_TRUE(IsSuccess(put));
    EXPECT_EQ(put.Header("ETag"), Quoted(DataOf(put).at("updatedAt")));
    EXPECT_NE(put.Header("ETag"), patched.Header("ETag"));
    EXPECT_EQ(Admin().Get(target).Header("ETag"), put.Header("ETag"));
}

TEST_F(WritesTest, StaleIfMatchIs412AndWritesNothing) {
    const auto event = CreateEvent("If-Match");
    const std::string target = "/api/event/" + Str(event.at("id"));
    const std::string stale = Quoted(event.at("updatedAt"));
    auto moved = Admin().Patch(target, json::object{{"title", "Moved on"}});
    ASSERT_TRUE(IsSuccess(moved));
    const std::string current = moved.Header("ETag");
    ASSERT_NE(current, stale);

    const std::string mismatch = "is at version " + current + ", not the expected " + stale;
    EXPECT_TRUE(
        IsError(Admin().Patch(target, json::object{{"title", "Lost"}}, {{"If-Match", stale}}), 412,
                "precondition_failed", mismatch));
    EXPECT_TRUE(IsError(Admin().Put(target, EventBody("Lost"), {{"If-Match", stale}}), 412,
                        "precondition_failed", mismatch));
    EXPECT_TRUE(IsError(Admin().Delete(target, {{"If-Match", stale}}), 412, "precondition_failed",
                        mismatch));
    // A weak tag never matches (If-Match compares strongly).
    EXPECT_TRUE(IsError(
        Admin().Patch(target, json::object{{"title", "Lost"}}, {{"If-Match", "W/" + current}}), 412,
        "precondition_failed"));
    auto unchanged = DataOf(Admin().Get(target));
    EXPECT_EQ(Str(unchanged.at("title")), "Moved on");

    // The current tag (alone or in a list) and "*" pass.
    auto listed = Admin().Patch(target, json::object{{"title", "Listed"}},
                                {{"If-Match", stale + ", " + current}});
    ASSERT_TRUE(IsSuccess(listed)) << Describe(listed);
    auto any = Admin().Put(target, EventBody("Any"), {{"If-Match", "*"}});
    ASSERT_TRUE(IsSuccess(any)) << Describe(any);
    auto deleted = Admin().Delete(target, {{"If-Match", any.Header("ETag")}});
    ASSERT_TRUE(IsSuccess(deleted)) << Describe(deleted);
    EXPECT_EQ(Str(DataOf(deleted).at("title")), "Any");
    EXPECT_EQ(Admin().Get(target).status, 404);

    // A precondition on a record that is gone fails; without one DELETE stays idempotent.
    EXPECT_TRUE(IsError(Admin().Delete(target, {{"If-Match", "*"}}), 412, "precondition_failed",
                        "does not exist"));
    EXPECT_TRUE(IsError(Admin().Patch(target, json::object{{"title", "x"}}, {{"If-Match", "*"}}),
                        412, "precondition_failed", "does not exist"));
    EXPECT_TRUE(IsSuccess(Admin().Delete(target)));
}

TEST_F(WritesTest, MalformedIfMatchIs400NamingTheExpectedForm) {
    const auto event = CreateEvent("Bad If-Match");
    const std::string target = "/api/event/" + Str(event.at("id"));
    for (const char* bad : {"abc", "\"unterminated", "\"a\" \"b\"", ",", "W/abc"}) {
        EXPECT_TRUE(
            IsError(Admin().Patch(target, json::object{{"title", "x"}}, {{"If-Match", bad}}), 400,
                    "invalid_argument", "quoted entity tags"))
            << bad;
    }
    EXPECT_EQ(Str(DataOf(Admin().Get(target)).at("title")), "Bad If-Match");
}

// Clients that read-modify-write with If-Match: of many writers holding one version, one wins.
TEST_F(WritesTest, ConcurrentWritersHoldingOneETagLetExactlyOneThrough) {
    const auto event = CreateEvent("One winner");
    const std::string target = "/api/event/" + Str(event.at("id"));
    const std::string etag = Admin().Get(target).Header("ETag");
    ASSERT_FALSE(etag.empty());
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto response =
                Admin().Patch(target, json::object{{"title", "Writer " + std::to_string(i)}},
                              {{"If-Match", etag}});
            if (response.status == 200) {
                ++ok;
            } else if (response.status == 412) {
                ++refused;
            } else {
                ++other;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(refused.load(), 7);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(WritesTest, ValidationErrorsAreCappedWithAFinalCount) {
    auto body = EventBody("Too many errors");
    for (int i = 0; i < 150; ++i) {
        body["bogus" + std::to_string(i)] = i;
    }
    auto response = Admin().Post("/api/event", body);
    ASSERT_TRUE(IsError(response, 422, "validation_failed", "is not a field of Event", "bogus0"));
    const auto errors = response.Json().at("notifications").at("errors").as_array();
    ASSERT_EQ(errors.size(), 101u);
    const auto& last = errors.back().as_object();
    EXPECT_EQ(Str(last.at("message")), "... and 50 more errors (only the first 100 are listed)");
    EXPECT_FALSE(last.contains("field"));
}

// A server of its own: a small batch limit, a 1 ms query limit, the faster durability mode, and
// 20,000 events, so a broad fuzzy search takes tens of milliseconds (far past 1 ms).
class WriteLimitsTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new ea::testing::TempDir();
        const auto db = (dir_->path() / "big.db").string();
        auto options = DemoServerOptions();
        auto seeded = ea::testing::RunCommand(
            options.binary, {"--schema", options.schema.string(), "--db", "sqlite://" + db,
                             "seed-demo", "--scale", "20"});
        ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
        options.template_db = db;
        options.extra_args = {"--max-batch", "3", "--query-timeout-ms", "1"};
        options.env = {{"EVENTS_API_STORE_DURABILITY", "normal"}};
        server_ = StartServer(options).release();
        if (server_ != nullptr) {
            token_ = LoginToken(server_->port(), "admin", kAdminPassword);
        }
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override {
        if (server_ == nullptr) {
            FAIL() << "the server of this suite did not start (its set-up failure says why)";
        }
    }
    static Api Admin() { return Api(server_->port(), token_); }
    // Events with exactly `title`, counted in the server's SQLite file.
    static std::int64_t EventsTitled(const std::string& title) {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(server_->db_path().c_str(), &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* statement = nullptr;
        std::int64_t count = -1;
        if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM \"Event\" WHERE \"title\" = ?", -1,
                               &statement, nullptr) == SQLITE_OK &&
            sqlite3_bind_text(statement, 1, title.c_str(), -1, SQLITE_TRANSIENT) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            count = sqlite3_column_int64(statement, 0);
        }
        sqlite3_finalize(statement);
        sqlite3_close(db);
        return count;
    }

    static inline ea::testing::TempDir* dir_ = nullptr;
    static inline ea::testing::ServerProcess* server_ = nullptr;
    static inline std::string token_;
};

TEST_F(WriteLimitsTest, ABatchOverTheLimitIs413NamingItAndWritesNothing) {
    const std::string title = UniqueId("batchlimit");
    json::array four;
    for (int i = 0; i < 4; ++i) {
        four.push_back(EventBody(title));
    }
    auto refused = Admin().Post("/api/event", four);
    EXPECT_TRUE(IsError(refused, 413, "too_large",
                        "the batch has 4 records; the limit is 3 per request (limits.max_batch)"))
        << Describe(refused);
    // Read beside the server: this server's 1 ms query limit would cut a title search short.
    EXPECT_EQ(EventsTitled(title), 0);

    json::array three(four.begin(), four.begin() + 3);
    EXPECT_TRUE(IsSuccess(Admin().Post("/api/event", three), 201));
    EXPECT_EQ(EventsTitled(title), 3);
}

TEST_F(WriteLimitsTest, AListQueryPastTheTimeLimitIs503NamingTheLimit) {
    auto slow = Admin().Get(
        "/api/event?filter=title:the%20grand%20night%20of%20jazz%20and%20music%20festival&"
        "filter_matching=fuzzy");
    EXPECT_TRUE(IsError(slow, 503, "unavailable",
                        "the query took longer than the 1 ms limit (limits.query_timeout_ms); "
                        "narrow the filter"))
        << Describe(slow);
    // The limit is on list queries: writes and gets by id are served after it, as before.
    auto created = Admin().Post("/api/event", EventBody(UniqueId("afterlimit")));
    ASSERT_TRUE(IsSuccess(created, 201));
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/" + Str(DataOf(created).at("id")))));
}

}  // namespace
}  // namespace ea::integration
