#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "auth/redis_session_store.hpp"
#include "auth/session_store_conformance.hpp"
#include "auth/store_harness.hpp"
#include "auth/token.hpp"
#include "testing/redis_server.hpp"

namespace ea::auth {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;
using ea::testing::RedisServer;
using testing::SessionStoreConformanceTest;

RedisSessionStoreOptions FastOptions() {
    RedisSessionStoreOptions options;
    options.connect_timeout = milliseconds(500);
    options.command_timeout = milliseconds(500);
    return options;
}

INSTANTIATE_TEST_SUITE_P(
    Redis, SessionStoreConformanceTest,
    ::testing::Values(testing::SessionStoreBackend{
        "Redis",
        [] {
            return testing::MakeRedisHarness<testing::SessionStoreHarness, RedisSessionStore>(
                FastOptions());
        }}),
    testing::BackendName);

TimePoint Now() {
    return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

Session MakeSession(std::string user_id, TimePoint created_at, std::chrono::seconds ttl) {
    return Session{HashToken(NewToken()), std::move(user_id), "name", "admin", "acct", created_at,
                   created_at + ttl};
}

// Starts a server and a store on it, failing the test (never skipping) when it cannot.
class RedisSessionStoreTest : public ::testing::Test {
protected:
    void StartServer(std::vector<std::string> args = {}) {
        auto server = RedisServer::Start(std::move(args));
        ASSERT_TRUE(server.has_value()) << server.error().message;
        server_ = std::move(*server);
    }
    void OpenStore(const std::string& url) {
        auto endpoint = ParseRedisUrl(url);
        ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message;
        auto store = RedisSessionStore::Open(*endpoint, FastOptions());
        ASSERT_TRUE(store.has_value()) << store.error().message;
        store_ = std::move(*store);
    }

    std::unique_ptr<RedisServer> server_;
    std::unique_ptr<RedisSessionStore> store_;
};

TEST_F(RedisSessionStoreTest, ReportsUnavailableWhileTheServerIsDownAndRecoversAfterRestart) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));
    const TimePoint now = Now();
    const Session before = MakeSession("alice", now, hours(1));
    ASSERT_TRUE(store_->Put(before));

    server_->Stop();
    const Session during = MakeSession("alice", now, hours(1));
    auto expect_unavailable = [](const auto& result, const char* call) {
        ASSERT_FALSE(result.has_value()) << call;
        EXPECT_EQ(result.error().code, ErrorCode::kUnavailable) << call;
    };
    expect_unavailable(store_->Put(during), "Put");
    expect_unavailable(store_->Get(before.token_hash, now), "Get");
    expect_unavailable(store_->Touch(before.token_hash, hours(1), now), "Touch");
    expect_unavailable(store_->Delete(before.token_hash), "Delete");
    expect_unavailable(store_->DeleteUser("alice"), "DeleteUser");
    expect_unavailable(store_->DeleteAll(), "DeleteAll");
    expect_unavailable(store_->Ping(), "Ping");
    auto get = store_->Get(before.token_hash, now);
    ASSERT_FALSE(get.has_value());
    // Clients see a generic message; the log's detail names the server.
    EXPECT_EQ(get.error().message, "session store unavailable; try again later");
    EXPECT_NE(get.error().detail.find(server_->Url()), std::string::npos)
        << "the detail names the server: " << get.error().detail;

    ASSERT_TRUE(server_->Restart());
    // The server restarted empty (no persistence): the store reconnects by itself and works.
    EXPECT_TRUE(store_->Ping());
    auto lost = store_->Get(before.token_hash, now);
    ASSERT_FALSE(lost.has_value());
    EXPECT_EQ(lost.error().code, ErrorCode::kUnauthenticated);
    const Session after = MakeSession("alice", now, hours(1));
    ASSERT_TRUE(store_->Put(after));
    EXPECT_TRUE(store_->Get(after.token_hash, now));
}

TEST_F(RedisSessionStoreTest, OpenFailsClearlyWhenNothingListens) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    const std::string url = "redis://:s3cret-pw@127.0.0.1:" + std::to_string(server_->port());
    server_->Stop();
    auto store = OpenSessionStore(url, "unused.db");
    ASSERT_FALSE(store.has_value());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(store.error().message.find("127.0.0.1"), std::string::npos) << store.error().message;
    EXPECT_NE(store.error().detail.find("127.0.0.1:" + std::to_string(server_->port())),
              std::string::npos)
        << store.error().detail;
    EXPECT_EQ(store.error().message.find("s3cret"), std::string::npos) << store.error().message;
    EXPECT_EQ(store.error().detail.find("s3cret"), std::string::npos) << store.error().detail;
}

TEST_F(RedisSessionStoreTest, AuthenticatesWithThePasswordFromTheUrl) {
    ASSERT_NO_FATAL_FAILURE(StartServer({"--requirepass", "p@ss:w/ord"}));
    const std::string host = "127.0.0.1:" + std::to_string(server_->port());

    auto store = OpenSessionStore("redis://:p%40ss%3Aw%2Ford@" + host, "unused.db");
    ASSERT_TRUE(store.has_value()) << store.error().message;
    const Session session = MakeSession("alice", Now(), hours(1));
    ASSERT_TRUE((*store)->Put(session));
    EXPECT_TRUE((*store)->Get(session.token_hash, Now()));

    for (const std::string& url : {"redis://:wrong-s3cret@" + host, "redis://" + host}) {
        auto refused = OpenSessionStore(url, "unused.db");
        ASSERT_FALSE(refused.has_value()) << url;
        EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
        EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos)
            << refused.error().message;
        EXPECT_EQ(refused.error().detail.find("s3cret"), std::string::npos)
            << refused.error().detail;
    }
}

TEST_F(RedisSessionStoreTest, UsesTheDatabaseNumberFromTheUrl) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url() + "/3"));
    const Session session = MakeSession("alice", Now(), hours(1));
    ASSERT_TRUE(store_->Put(session));
    EXPECT_EQ(server_->Command({"DBSIZE"}), "0");  // db 0 untouched
    EXPECT_EQ(
        server_->Command({"EVAL", "redis.call('SELECT', 3) return redis.call('DBSIZE')", "0"}),
        "2");  // the session hash and alice's index set

    auto bad_db = OpenSessionStore(server_->Url() + "/100000", "unused.db");
    ASSERT_FALSE(bad_db.has_value());
    EXPECT_EQ(bad_db.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(bad_db.error().detail.find("SELECT"), std::string::npos) << bad_db.error().detail;
}

TEST_F(RedisSessionStoreTest, RedisExpiresSessionsAtTheirExpiry) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));
    const TimePoint now = Now();
    const Session session = MakeSession("alice", now, hours(1));
    ASSERT_TRUE(store_->Put(session));
    const std::string key = "ea:session:" + session.token_hash;
    const auto expires_ms =
        std::chrono::duration_cast<milliseconds>(session.expires_at.time_since_epoch()).count();
    // PEXPIRETIME (Redis 7) reads back the absolute expiry the store set.
    EXPECT_EQ(server_->Command({"PEXPIRETIME", key}), std::to_string(expires_ms));
    EXPECT_EQ(server_->Command({"PEXPIRETIME", "ea:user-sessions:alice"}),
              std::to_string(expires_ms));

    ASSERT_TRUE(store_->Touch(session.token_hash, hours(3), now));
    const auto touched_ms = expires_ms + 2 * 3600 * 1000;
    EXPECT_EQ(server_->Command({"PEXPIRETIME", key}), std::to_string(touched_ms));
    EXPECT_EQ(server_->Command({"PEXPIRETIME", "ea:user-sessions:alice"}),
              std::to_string(touched_ms));
    // A shorter session does not cut the index set's life short.
    ASSERT_TRUE(store_->Put(MakeSession("alice", now, seconds(60))));
    EXPECT_EQ(server_->Command({"PEXPIRETIME", "ea:user-sessions:alice"}),
              std::to_string(touched_ms));
}

TEST_F(RedisSessionStoreTest, StoresOnlyTheHashAndPrunesTheUserIndex) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));
    const TimePoint now = Now();
    const Session first = MakeSession("alice", now, hours(1));
    ASSERT_TRUE(store_->Put(first));
    EXPECT_EQ(server_->Command({"SMEMBERS", "ea:user-sessions:alice"}), first.token_hash);
    EXPECT_EQ(server_->Command({"HGET", "ea:session:" + first.token_hash, "user_id"}), "alice");

    // Simulate Redis expiring the first session: the next Put drops it from the index.
    ASSERT_EQ(server_->Command({"DEL", "ea:session:" + first.token_hash}), "1");
    const Session second = MakeSession("alice", now, hours(1));
    ASSERT_TRUE(store_->Put(second));
    EXPECT_EQ(server_->Command({"SMEMBERS", "ea:user-sessions:alice"}), second.token_hash);

    ASSERT_TRUE(store_->Delete(second.token_hash));
    EXPECT_EQ(server_->Command({"EXISTS", "ea:user-sessions:alice"}), "0");
}

TEST_F(RedisSessionStoreTest, DeleteAllRemovesOnlyThisStoresKeys) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));
    ASSERT_TRUE(store_->Put(MakeSession("alice", Now(), hours(1))));
    ASSERT_TRUE(store_->Put(MakeSession("bob", Now(), hours(1))));
    // Someone else's data, also under the prefix and elsewhere: a wipe of sessions keeps it.
    ASSERT_EQ(server_->Command({"SET", "ea:ratelimit:x", "1"}), "OK");
    ASSERT_EQ(server_->Command({"SET", "other:session:y", "1"}), "OK");
    ASSERT_EQ(server_->Command({"DBSIZE"}), "6");

    ASSERT_TRUE(store_->DeleteAll());
    EXPECT_EQ(server_->Command({"DBSIZE"}), "2");
    EXPECT_EQ(server_->Command({"EXISTS", "ea:ratelimit:x", "other:session:y"}), "2");
}

TEST_F(RedisSessionStoreTest, MalformedRecordIsAnErrorNotACrash) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));
    const std::string hash = HashToken(NewToken());
    ASSERT_EQ(server_->Command(
                  {"HSET", "ea:session:" + hash, "user_id", "x", "expires_at", "not-a-number"}),
              "2");
    auto got = store_->Get(hash, Now());
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kUnavailable);

    const std::string wrong_type = HashToken(NewToken());
    ASSERT_EQ(server_->Command({"SET", "ea:session:" + wrong_type, "text"}), "OK");
    auto wrong = store_->Get(wrong_type, Now());
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, ErrorCode::kUnavailable);
}

TEST_F(RedisSessionStoreTest, KeyPrefixSeparatesApplications) {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    auto endpoint = ParseRedisUrl(server_->Url());
    ASSERT_TRUE(endpoint.has_value());
    RedisSessionStoreOptions options = FastOptions();
    options.key_prefix = "other-app:";
    auto other = RedisSessionStore::Open(*endpoint, options);
    ASSERT_TRUE(other.has_value()) << other.error().message;
    ASSERT_NO_FATAL_FAILURE(OpenStore(server_->Url()));

    const Session session = MakeSession("alice", Now(), hours(1));
    ASSERT_TRUE((*other)->Put(session));
    EXPECT_EQ(server_->Command({"EXISTS", "other-app:session:" + session.token_hash}), "1");
    EXPECT_FALSE(store_->Get(session.token_hash, Now()));
    ASSERT_TRUE(store_->DeleteUser("alice"));
    EXPECT_TRUE((*other)->Get(session.token_hash, Now()));
}

}  // namespace
}  // namespace ea::auth
