// The write path under concurrency, on a real SQLite file: read-merge-write of PATCH and PUT runs
// in one write transaction (no lost updates), preconditions (If-Match) are checked in that same
// transaction, updatedAt is a per-record version, and the limits on batches and error lists.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/datetime.hpp"
#include "service/document_service.hpp"
#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using ::testing::HasSubstr;

class DocumentWritesTest : public ServiceTest {
protected:
    std::string MakeEvent(const std::string& title) {
        auto created =
            documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody(title));
        EXPECT_TRUE(created) << created.error().message;
        return created ? std::string(created->at("id").as_string()) : std::string();
    }
};

// Each thread patches its own field of one record, many times; a read-merge-write outside one
// transaction lets a stale read put back another thread's older value.
TEST_F(DocumentWritesTest, ConcurrentPatchesOfDifferentFieldsAllSurvive) {
    const std::string id = MakeEvent("Start");
    constexpr int kRounds = 40;
    const std::vector<std::string> fields = {"title", "location", "cost", "numOfExpectedAttendees"};
    auto value_for = [](const std::string& field, int round) -> boost::json::value {
        if (field == "cost" || field == "numOfExpectedAttendees") {
            return boost::json::value(round);
        }
        return boost::json::value(boost::json::string(field + " " + std::to_string(round)));
    };
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (const auto& field : fields) {
        threads.emplace_back([&, field] {
            for (int round = 1; round <= kRounds; ++round) {
                Record body;
                body[field] = value_for(field, round);
                auto patched =
                    documents_->Patch(Context(Channel::kRest), Entity("Event"), id, body);
                if (!patched) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto stored = store_->Get(Entity("Event"), id);
    ASSERT_TRUE(stored) << stored.error().message;
    for (const auto& field : fields) {
        const auto& got = stored->at(field);
        const auto want = value_for(field, kRounds);
        if (want.is_int64()) {
            EXPECT_EQ(got.to_number<double>(), want.to_number<double>()) << field;
        } else {
            EXPECT_EQ(got, want) << field;
        }
    }
}

// Every writer read version V and sends If-Match V: exactly one write may land; the check runs
// inside the write transaction, so a second writer never passes a check on a stale read.
TEST_F(DocumentWritesTest, ConcurrentWritesExpectingOneVersionLetExactlyOneThrough) {
    const std::string id = MakeEvent("Start");
    auto read = documents_->Get(Context(Channel::kRest), Entity("Event"), id);
    ASSERT_TRUE(read);
    const Precondition expected{false, {std::string(DocumentService::VersionOf(*read))}};
    constexpr int kWriters = 8;
    std::atomic<int> succeeded{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i) {
        threads.emplace_back([&, i] {
            Record body;
            body["title"] = "Writer " + std::to_string(i);
            auto patched =
                documents_->Patch(Context(Channel::kRest), Entity("Event"), id, body, expected);
            if (patched) {
                ++succeeded;
            } else if (patched.error().code == ErrorCode::kPreconditionFailed) {
                ++refused;
            } else {
                ++other;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(succeeded.load(), 1);
    EXPECT_EQ(refused.load(), kWriters - 1);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(DocumentWritesTest, StalePreconditionIsRefusedNamingBothVersionsAndWritesNothing) {
    const std::string id = MakeEvent("Start");
    auto first = documents_->Patch(Context(Channel::kRest, kT0), Entity("Event"), id,
                                   Json(R"({"title": "One"})"));
    ASSERT_TRUE(first) << first.error().message;
    const std::string v1(DocumentService::VersionOf(*first));
    auto second = documents_->Patch(Context(Channel::kRest, kT0), Entity("Event"), id,
                                    Json(R"({"title": "Two"})"));
    ASSERT_TRUE(second);
    const std::string v2(DocumentService::VersionOf(*second));
    ASSERT_NE(v1, v2);

    for (const auto mode : {0, 1, 2}) {
        Result<Record> refused = Error{};
        const Precondition stale{false, {v1}};
        if (mode == 0) {
            refused = documents_->Patch(Context(Channel::kRest), Entity("Event"), id,
                                        Json(R"({"title": "Three"})"), stale);
        } else if (mode == 1) {
            refused = documents_->Replace(Context(Channel::kRest), Entity("Event"), id,
                                          EventBody("Three"), stale);
        } else {
            refused = documents_->Delete(Context(Channel::kRest), Entity("Event"), id, stale);
        }
        ASSERT_FALSE(refused) << mode;
        EXPECT_EQ(refused.error().code, ErrorCode::kPreconditionFailed) << mode;
        EXPECT_EQ(refused.error().message,
                  "Event " + id + " is at version \"" + v2 + "\", not the expected \"" + v1 +
                      "\": it changed since it was read; read it again and retry");
        auto stored = store_->Get(Entity("Event"), id);
        ASSERT_TRUE(stored) << mode;
        EXPECT_EQ(stored->at("title").as_string(), "Two") << mode;
    }

    // The current version, one of a list, or "any" passes.
    auto listed = documents_->Patch(Context(Channel::kRest), Entity("Event"), id,
                                    Json(R"({"title": "Three"})"), Precondition{false, {v1, v2}});
    ASSERT_TRUE(listed) << listed.error().message;
    auto any = documents_->Patch(Context(Channel::kRest), Entity("Event"), id,
                                 Json(R"({"title": "Four"})"), Precondition{true, {}});
    ASSERT_TRUE(any) << any.error().message;
    auto deleted =
        documents_->Delete(Context(Channel::kRest), Entity("Event"), id,
                           Precondition{false, {std::string(DocumentService::VersionOf(*any))}});
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_FALSE(store_->Get(Entity("Event"), id));
}

TEST_F(DocumentWritesTest, APreconditionOnAMissingRecordFailsRatherThanNotFound) {
    for (const auto& expected : {Precondition{true, {}}, Precondition{false, {"x"}}}) {
        auto patched = documents_->Patch(Context(Channel::kRest), Entity("Event"), "evt_gone",
                                         Json(R"({"title": "x"})"), expected);
        ASSERT_FALSE(patched);
        EXPECT_EQ(patched.error().code, ErrorCode::kPreconditionFailed);
        EXPECT_THAT(patched.error().message, HasSubstr("Event evt_gone does not exist"));
        auto deleted =
            documents_->Delete(Context(Channel::kRest), Entity("Event"), "evt_gone", expected);
        ASSERT_FALSE(deleted);
        EXPECT_EQ(deleted.error().code, ErrorCode::kPreconditionFailed);
    }
    // Without a precondition it stays not found.
    auto plain = documents_->Delete(Context(Channel::kRest), Entity("Event"), "evt_gone");
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().code, ErrorCode::kNotFound);
}

// Two writes in one millisecond (or a clock stepped back) still give two versions.
TEST_F(DocumentWritesTest, EveryWriteMovesTheVersionForwardEvenWithoutClockProgress) {
    const std::string id = MakeEvent("Start");
    const auto later = kT0 + std::chrono::hours(2);
    auto a = documents_->Patch(Context(Channel::kRest, later), Entity("Event"), id,
                               Json(R"({"title": "A"})"));
    auto b = documents_->Patch(Context(Channel::kRest, later), Entity("Event"), id,
                               Json(R"({"title": "B"})"));
    auto c = documents_->Replace(Context(Channel::kRest, kT0), Entity("Event"), id, EventBody("C"));
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a->at("updatedAt").as_string(), FormatDatetime(later));
    EXPECT_EQ(b->at("updatedAt").as_string(), FormatDatetime(later + std::chrono::milliseconds(1)));
    EXPECT_EQ(c->at("updatedAt").as_string(), FormatDatetime(later + std::chrono::milliseconds(2)));
}

TEST_F(DocumentWritesTest, BatchesOverTheLimitAreRefusedNamingIt) {
    DocumentService limited(schema(), *store_, ServiceLimits{3});
    std::vector<Record> four(4, EventBody("x"));
    auto created = limited.CreateMany(Context(Channel::kRest), Entity("Event"), four);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kTooLarge);
    EXPECT_EQ(created.error().message,
              "the batch has 4 records; the limit is 3 per request (limits.max_batch): split it "
              "into smaller batches");
    auto patched = limited.PatchMany(Context(Channel::kRest), Entity("Event"), four);
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().code, ErrorCode::kTooLarge);
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty());
    auto three = limited.CreateMany(Context(Channel::kRest), Entity("Event"),
                                    std::vector<Record>(3, EventBody("x")));
    EXPECT_TRUE(three) << three.error().message;
}

TEST_F(DocumentWritesTest, ValidationErrorsAreCappedWithACountOfTheRest) {
    Record body = EventBody("x");
    for (int i = 0; i < 250; ++i) {
        body["unknown" + std::to_string(i)] = i;
    }
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
    ASSERT_FALSE(created);
    ASSERT_EQ(created.error().fields.size(), kMaxFieldErrors + 1);
    EXPECT_EQ(created.error().fields[0].field, "unknown0");
    EXPECT_EQ(created.error().fields.back(),
              (FieldError{"", "... and 150 more errors (only the first 100 are listed)"}));

    // A batch of bad records is capped as a whole, too.
    std::vector<Record> bad(60, Json(R"({"title": 1, "cost": -1})"));
    auto batch = documents_->CreateMany(Context(Channel::kRest), Entity("Event"), bad);
    ASSERT_FALSE(batch);
    ASSERT_EQ(batch.error().fields.size(), kMaxFieldErrors + 1);
    EXPECT_EQ(batch.error().fields.back().field, "");
    EXPECT_THAT(batch.error().fields.back().message, HasSubstr("more errors"));
}

}  // namespace
}  // namespace ea::service::testing
