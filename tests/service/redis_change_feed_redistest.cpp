// RedisChangeFeed against a real redis-server on loopback: two feeds on one Redis stand for two
// instances. A change published on one reaches the other's listeners (and its own at once, never
// twice); request threads never wait on Redis while it is down; after a restart the subscriber
// is back by itself and tells its listeners that anything may have changed.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "service/redis_change_feed.hpp"
#include "testing/redis_server.hpp"

namespace ea::service {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Polls `condition` until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition, milliseconds timeout = seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
}

// What one listener heard, thread-safe.
class Heard {
public:
    ChangeFeed::Listener Listener() {
        return [this](const RecordChange& change) {
            std::lock_guard lock(mutex_);
            changes_.push_back(change);
        };
    }
    std::vector<RecordChange> changes() const {
        std::lock_guard lock(mutex_);
        return changes_;
    }
    std::size_t size() const { return changes().size(); }
    bool Has(std::string_view id, ChangeKind kind) const {
        for (const auto& change : changes()) {
            if (change.id == id && change.kind == kind) {
                return true;
            }
        }
        return false;
    }

private:
    mutable std::mutex mutex_;
    std::vector<RecordChange> changes_;
};

class RedisChangeFeedTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto server = ea::testing::RedisServer::Start({"--requirepass", "feed-secret"});
        ASSERT_TRUE(server) << server.error().message;
        server_ = *std::move(server);
    }

    std::unique_ptr<RedisChangeFeed> Feed(const std::string& origin) {
        auto endpoint = auth::ParseRedisUrl(server_->AuthenticatedUrl());
        EXPECT_TRUE(endpoint);
        auth::RedisClientOptions options;
        options.connect_timeout = milliseconds(300);
        options.command_timeout = milliseconds(300);
        auto client = auth::RedisClient::Open(*endpoint, "change feed", options);
        EXPECT_TRUE(client) << client.error().message;
        auto feed = RedisChangeFeed::Open(std::shared_ptr<auth::RedisClient>(std::move(*client)),
                                          "ea:0:changes", origin);
        EXPECT_TRUE(feed) << feed.error().message;
        return feed ? *std::move(feed) : nullptr;
    }

    // Two feeds on one channel, each with a listener. The listeners come first, so each feed
    // (whose threads call them) is destroyed before them.
    struct TwoFeeds {
        Heard heard_a;
        Heard heard_b;
        std::unique_ptr<RedisChangeFeed> a;
        std::unique_ptr<RedisChangeFeed> b;
    };
    void OpenTwoFeeds() {
        feeds_.a = Feed("instance-a");
        feeds_.b = Feed("instance-b");
        ASSERT_TRUE(feeds_.a && feeds_.b);
        feeds_.a->Listen(feeds_.heard_a.Listener());
        feeds_.b->Listen(feeds_.heard_b.Listener());
    }

    std::unique_ptr<ea::testing::RedisServer> server_;
    TwoFeeds feeds_;
};

TEST_F(RedisChangeFeedTest, AChangeOnOneInstanceReachesTheOtherAndItsOwnListenersOnce) {
    ASSERT_NO_FATAL_FAILURE(OpenTwoFeeds());
    auto& [heard_a, heard_b, a, b] = feeds_;

    a->Publish(RecordChange{"Event", "e1", ChangeKind::kUpdated});
    // Its own listeners hear it at once, before Redis is involved.
    ASSERT_EQ(heard_a.size(), 1u);
    ASSERT_TRUE(WaitFor([&] { return heard_b.size() == 1; })) << "b never heard a's change";
    const RecordChange got = heard_b.changes().front();
    EXPECT_EQ(got.entity, "Event");
    EXPECT_EQ(got.id, "e1");
    EXPECT_EQ(got.kind, ChangeKind::kUpdated);

    // The other way; by the time a hears b's change, its own first one would have come back
    // through Redis if it were not filtered out.
    b->Publish(RecordChange{"User", "u1", ChangeKind::kDeleted});
    ASSERT_TRUE(WaitFor([&] { return heard_a.Has("u1", ChangeKind::kDeleted); }));
    EXPECT_EQ(heard_a.size(), 2u);
    EXPECT_EQ(heard_b.size(), 2u);
    EXPECT_EQ(a->received(), 1u);
    EXPECT_EQ(b->received(), 1u);
    EXPECT_TRUE(WaitFor([&] { return a->published() == 1 && b->published() == 1; }));
}

TEST_F(RedisChangeFeedTest, ChangesFromEveryInstanceArriveInOrderUnderConcurrentWriters) {
    ASSERT_NO_FATAL_FAILURE(OpenTwoFeeds());
    auto& [heard_a, heard_b, a, b] = feeds_;
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            for (int i = 0; i < 50; ++i) {
                a->Publish(
                    RecordChange{"Event", std::to_string(w * 1000 + i), ChangeKind::kCreated});
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
    ASSERT_TRUE(WaitFor([&] { return heard_b.size() == 200; })) << heard_b.size();
    // Each writer's changes keep their order (one queue, one connection).
    std::vector<int> last(4, -1);
    for (const auto& change : heard_b.changes()) {
        const int number = std::stoi(change.id);
        EXPECT_GT(number % 1000, last[number / 1000]);
        last[number / 1000] = number % 1000;
    }
}

TEST_F(RedisChangeFeedTest, PublishNeverWaitsOnRedisWhileItIsDownAndTheFeedRecoversByItself) {
    ASSERT_NO_FATAL_FAILURE(OpenTwoFeeds());
    auto& [heard_a, heard_b, a, b] = feeds_;

    server_->Stop();
    ASSERT_TRUE(WaitFor([&] { return !b->subscribed(); })) << "b did not notice Redis going";
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
        a->Publish(RecordChange{"Event", "down-" + std::to_string(i), ChangeKind::kUpdated});
    }
    const auto took = std::chrono::steady_clock::now() - started;
    // 1,000 publishes while each PUBLISH would take the 300 ms timeout: they only queue.
    EXPECT_LT(took, milliseconds(250)) << "Publish waited on Redis";
    EXPECT_EQ(heard_a.size(), 1000u) << "local listeners must not depend on Redis";
    ASSERT_TRUE(WaitFor([&] { return a->dropped() == 1000; })) << a->dropped();

    ASSERT_TRUE(server_->Restart());
    // Back by itself, and its listeners are told that anything may have changed meanwhile.
    ASSERT_TRUE(WaitFor([&] { return heard_b.Has("", ChangeKind::kWiped); }))
        << "no catch-up notice after the reconnect";
    ASSERT_TRUE(b->subscribed());
    a->Publish(RecordChange{"Event", "after", ChangeKind::kUpdated});
    EXPECT_TRUE(WaitFor([&] { return heard_b.Has("after", ChangeKind::kUpdated); }))
        << "b does not hear a after Redis came back";
    for (const auto& change : heard_b.changes()) {
        EXPECT_NE(change.id.rfind("down-", 0), 0u) << "a change from the outage was replayed";
    }
}

TEST_F(RedisChangeFeedTest, OpenFailsClearlyWhenRedisIsUnreachableAndNamesNoSecret) {
    auto endpoint = auth::ParseRedisUrl(server_->AuthenticatedUrl());
    ASSERT_TRUE(endpoint);
    auto client = auth::RedisClient::Open(*endpoint, "change feed");
    ASSERT_TRUE(client);
    server_->Stop();
    auto feed = RedisChangeFeed::Open(std::shared_ptr<auth::RedisClient>(std::move(*client)),
                                      "ea:0:changes", "instance-a");
    ASSERT_FALSE(feed);
    EXPECT_EQ(feed.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(feed.error().message, "change feed unavailable; try again later");
    EXPECT_NE(feed.error().detail.find("redis://127.0.0.1:" + std::to_string(server_->port())),
              std::string::npos)
        << feed.error().detail;
    EXPECT_EQ(feed.error().detail.find("feed-secret"), std::string::npos);
}

TEST(RedisChangeFeedMessageTest, EncodesEveryKindAndRefusesWhatIsNotAChange) {
    for (const auto kind :
         {ChangeKind::kCreated, ChangeKind::kUpdated, ChangeKind::kDeleted, ChangeKind::kWiped}) {
        const auto text = RedisChangeFeed::Encode({"Event", "id\"1", kind}, "origin-1");
        const auto decoded = RedisChangeFeed::Decode(text);
        ASSERT_TRUE(decoded) << text;
        EXPECT_EQ(decoded->origin, "origin-1");
        EXPECT_EQ(decoded->change.entity, "Event");
        EXPECT_EQ(decoded->change.id, "id\"1");
        EXPECT_EQ(decoded->change.kind, kind);
    }
    for (const std::string_view junk :
         {"", "not json", "[]", R"({"origin":"o","entity":"E","id":"1"})",
          R"({"origin":"o","entity":"E","id":"1","kind":9})",
          R"({"origin":1,"entity":"E","id":"1","kind":0})"}) {
        EXPECT_FALSE(RedisChangeFeed::Decode(junk)) << junk;
    }
}

}  // namespace
}  // namespace ea::service
