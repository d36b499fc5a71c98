#include "auth/session_store_conformance.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "auth/session_store.hpp"
#include "auth/token.hpp"

namespace ea::auth::testing {

void SessionStoreConformanceTest::SetUp() {
    auto harness = GetParam().make();
    ASSERT_TRUE(harness.has_value())
        << "cannot set up the " << GetParam().name << " session store: " << harness.error().message;
    harness_ = std::move(*harness);
    // Real wall-clock time (Redis also expires keys by its own clock), whole milliseconds so
    // that sessions compare equal after the round trip through the store.
    base_ =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

Session SessionStoreConformanceTest::MakeSession(std::string user_id,
                                                 std::chrono::seconds ttl) const {
    Session session;
    session.token_hash = HashToken(NewToken());
    session.user_id = std::move(user_id);
    session.username = "name-of-" + session.user_id;
    session.role = "admin";
    session.account_id = "01HACCOUNT0000000000000000";
    session.created_at = base_;
    session.expires_at = base_ + ttl;
    return session;
}

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

void ExpectUnauthenticated(const Result<Session>& result) {
    ASSERT_FALSE(result.has_value()) << "expected no session, got one for " << result->user_id;
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated) << result.error().message;
}

TEST_P(SessionStoreConformanceTest, PutThenGetReturnsEveryField) {
    const Session session = MakeSession("user-1");
    ASSERT_TRUE(store().Put(session));
    auto got = store().Get(session.token_hash, base_ + minutes(1));
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(*got, session);
}

TEST_P(SessionStoreConformanceTest, FieldsWithUnusualCharactersRoundTrip) {
    Session session = MakeSession("user:with spaces & ünïcode \"quotes\" 🙂");
    session.username = "O'Brien; DROP TABLE _sessions; --";
    session.role = "";
    session.account_id = "";
    ASSERT_TRUE(store().Put(session));
    auto got = store().Get(session.token_hash, base_);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(*got, session);
}

TEST_P(SessionStoreConformanceTest, UnknownTokenIsUnauthenticated) {
    ExpectUnauthenticated(store().Get(HashToken(NewToken()), base_));
    ExpectUnauthenticated(store().Get("", base_));
    ExpectUnauthenticated(store().Touch(HashToken(NewToken()), hours(1), base_));
}

TEST_P(SessionStoreConformanceTest, TimesAreKeptToTheMillisecond) {
    Session session = MakeSession("user-1");
    session.created_at += std::chrono::microseconds(1500);  // +1.5 ms
    session.expires_at += std::chrono::microseconds(2999);  // +2.999 ms
    ASSERT_TRUE(store().Put(session));
    auto got = store().Get(session.token_hash, base_);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->created_at, base_ + milliseconds(1));
    EXPECT_EQ(got->expires_at, base_ + hours(1) + milliseconds(2));
}

TEST_P(SessionStoreConformanceTest, SessionIsValidUntilItsExpiryInstant) {
    const Session session = MakeSession("user-1", hours(1));
    ASSERT_TRUE(store().Put(session));
    EXPECT_TRUE(store().Get(session.token_hash, session.expires_at - milliseconds(1)));
    ExpectUnauthenticated(store().Get(session.token_hash, session.expires_at));
}

TEST_P(SessionStoreConformanceTest, ExpiredSessionIsDeletedOnGet) {
    const Session session = MakeSession("user-1", hours(1));
    ASSERT_TRUE(store().Put(session));
    ExpectUnauthenticated(store().Get(session.token_hash, base_ + hours(2)));
    // Deleted, not merely hidden: an earlier `now` (clock stepped back) does not revive it.
    ExpectUnauthenticated(store().Get(session.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, TouchExtendsExpiryFromNow) {
    const Session session = MakeSession("user-1", hours(1));
    ASSERT_TRUE(store().Put(session));
    const TimePoint refresh_at = base_ + minutes(50);
    auto touched = store().Touch(session.token_hash, hours(1), refresh_at);
    ASSERT_TRUE(touched.has_value()) << touched.error().message;
    EXPECT_EQ(touched->expires_at, refresh_at + hours(1));
    EXPECT_EQ(touched->created_at, session.created_at);
    EXPECT_EQ(touched->user_id, session.user_id);

    // Past the original expiry, within the new one.
    auto got = store().Get(session.token_hash, base_ + minutes(100));
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->expires_at, refresh_at + hours(1));
    ExpectUnauthenticated(store().Get(session.token_hash, refresh_at + hours(1)));
}

TEST_P(SessionStoreConformanceTest, TouchCanShortenTheSession) {
    const Session session = MakeSession("user-1", hours(10));
    ASSERT_TRUE(store().Put(session));
    ASSERT_TRUE(store().Touch(session.token_hash, seconds(60), base_));
    ExpectUnauthenticated(store().Get(session.token_hash, base_ + seconds(60)));
}

TEST_P(SessionStoreConformanceTest, TouchOfAnExpiredSessionFailsAndDeletesIt) {
    const Session session = MakeSession("user-1", hours(1));
    ASSERT_TRUE(store().Put(session));
    ExpectUnauthenticated(store().Touch(session.token_hash, hours(1), base_ + hours(1)));
    ExpectUnauthenticated(store().Get(session.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, TouchRejectsANonPositiveOrHugeTtl) {
    const Session session = MakeSession("user-1");
    ASSERT_TRUE(store().Put(session));
    for (seconds ttl : {seconds(0), seconds(-5), seconds::max(),
                        std::chrono::duration_cast<seconds>(kMaxSessionTtl) + seconds(1)}) {
        auto touched = store().Touch(session.token_hash, ttl, base_);
        ASSERT_FALSE(touched.has_value());
        EXPECT_EQ(touched.error().code, ErrorCode::kInvalidArgument);
    }
    auto got = store().Get(session.token_hash, base_);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->expires_at, session.expires_at);
}

TEST_P(SessionStoreConformanceTest, DeleteRemovesOnlyThatSession) {
    const Session first = MakeSession("user-1");
    const Session second = MakeSession("user-1");
    ASSERT_TRUE(store().Put(first));
    ASSERT_TRUE(store().Put(second));
    ASSERT_TRUE(store().Delete(first.token_hash));
    ExpectUnauthenticated(store().Get(first.token_hash, base_));
    EXPECT_TRUE(store().Get(second.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, DeleteIsIdempotent) {
    const Session session = MakeSession("user-1");
    ASSERT_TRUE(store().Put(session));
    EXPECT_TRUE(store().Delete(session.token_hash));
    EXPECT_TRUE(store().Delete(session.token_hash));
    EXPECT_TRUE(store().Delete(HashToken(NewToken())));
}

TEST_P(SessionStoreConformanceTest, DeleteUserRemovesEverySessionOfThatUserOnly) {
    std::vector<Session> alice;
    for (int i = 0; i < 5; ++i) {
        alice.push_back(MakeSession("alice"));
        ASSERT_TRUE(store().Put(alice.back()));
    }
    const Session bob = MakeSession("bob");
    ASSERT_TRUE(store().Put(bob));

    ASSERT_TRUE(store().DeleteUser("alice"));
    for (const Session& session : alice) {
        ExpectUnauthenticated(store().Get(session.token_hash, base_));
    }
    EXPECT_TRUE(store().Get(bob.token_hash, base_));
    EXPECT_TRUE(store().DeleteUser("alice"));  // nothing left: still Ok
    EXPECT_TRUE(store().DeleteUser("nobody"));

    // A new login after "logout everywhere" works normally.
    const Session again = MakeSession("alice");
    ASSERT_TRUE(store().Put(again));
    EXPECT_TRUE(store().Get(again.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, DeleteUserAlsoRemovesTouchedSessions) {
    const Session session = MakeSession("alice", minutes(5));
    ASSERT_TRUE(store().Put(session));
    ASSERT_TRUE(store().Touch(session.token_hash, hours(5), base_ + minutes(4)));
    ASSERT_TRUE(store().DeleteUser("alice"));
    ExpectUnauthenticated(store().Get(session.token_hash, base_ + minutes(4)));
}

TEST_P(SessionStoreConformanceTest, DeleteAllRemovesEverySessionOfEveryUser) {
    std::vector<Session> sessions;
    for (const char* user : {"alice", "alice", "bob", "carol"}) {
        sessions.push_back(MakeSession(user));
        ASSERT_TRUE(store().Put(sessions.back()));
    }
    ASSERT_TRUE(store().Touch(sessions[2].token_hash, hours(3), base_));

    ASSERT_TRUE(store().DeleteAll());
    for (const Session& session : sessions) {
        ExpectUnauthenticated(store().Get(session.token_hash, base_));
    }
    EXPECT_TRUE(store().DeleteAll());  // nothing left: still Ok
    EXPECT_TRUE(store().DeleteUser("alice"));

    // The store keeps working: new logins are stored and found.
    const Session again = MakeSession("alice");
    ASSERT_TRUE(store().Put(again));
    EXPECT_TRUE(store().Get(again.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, DeleteAllRemovesManySessions) {
    // More than one SCAN page on Redis (COUNT 1000 is a hint; 2500 keys need several rounds).
    std::vector<Session> sessions;
    for (int i = 0; i < 1250; ++i) {
        sessions.push_back(MakeSession("user-" + std::to_string(i % 50)));
        ASSERT_TRUE(store().Put(sessions.back()));
    }
    ASSERT_TRUE(store().DeleteAll());
    for (const Session& session : sessions) {
        ExpectUnauthenticated(store().Get(session.token_hash, base_));
    }
}

TEST_P(SessionStoreConformanceTest, PutReplacesASessionWithTheSameHash) {
    Session session = MakeSession("alice");
    ASSERT_TRUE(store().Put(session));
    session.user_id = "bob";
    session.role = "read";
    ASSERT_TRUE(store().Put(session));
    // The session now belongs to bob only: logging alice out everywhere leaves it alone.
    ASSERT_TRUE(store().DeleteUser("alice"));
    auto got = store().Get(session.token_hash, base_);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(*got, session);
    ASSERT_TRUE(store().DeleteUser("bob"));
    ExpectUnauthenticated(store().Get(session.token_hash, base_));
}

TEST_P(SessionStoreConformanceTest, PutRejectsMalformedSessionsNamingTheField) {
    struct Case {
        const char* what;
        std::function<void(Session&)> spoil;
    };
    const Case cases[] = {
        {"token_hash", [](Session& s) { s.token_hash.clear(); }},
        {"user_id", [](Session& s) { s.user_id.clear(); }},
        {"expires_at", [](Session& s) { s.expires_at = s.created_at; }},
        {"expires_at", [](Session& s) { s.expires_at = s.created_at - seconds(1); }},
    };
    for (const auto& c : cases) {
        Session session = MakeSession("user-1");
        c.spoil(session);
        auto put = store().Put(session);
        ASSERT_FALSE(put.has_value()) << c.what;
        EXPECT_EQ(put.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(put.error().message.find(c.what), std::string::npos) << put.error().message;
    }
}

TEST_P(SessionStoreConformanceTest, PingSucceeds) {
    EXPECT_TRUE(store().Ping());
}

TEST_P(SessionStoreConformanceTest, ConcurrentUseFromSeveralThreads) {
    constexpr int kThreads = 6;
    constexpr int kSessionsPerThread = 40;
    std::atomic<int> failures{0};
    std::vector<std::vector<Session>> kept(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string user = "user-" + std::to_string(t);
            for (int i = 0; i < kSessionsPerThread; ++i) {
                const Session session = MakeSession(user);
                bool ok = static_cast<bool>(store().Put(session));
                auto got = store().Get(session.token_hash, base_);
                ok = ok && got.has_value() && *got == session;
                ok = ok && store().Touch(session.token_hash, hours(2), base_).has_value();
                if (i % 2 == 0) {
                    ok = ok && store().Delete(session.token_hash).has_value();
                } else {
                    kept[t].push_back(session);
                }
                if (!ok) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    for (int t = 0; t < kThreads; ++t) {
        ASSERT_EQ(kept[t].size(), static_cast<std::size_t>(kSessionsPerThread / 2));
        for (const Session& session : kept[t]) {
            auto got = store().Get(session.token_hash, base_ + minutes(90));
            ASSERT_TRUE(got.has_value()) << got.error().message;
            EXPECT_EQ(got->expires_at, base_ + hours(2));
        }
    }
    ASSERT_TRUE(store().DeleteUser("user-0"));
    ExpectUnauthenticated(store().Get(kept[0].front().token_hash, base_));
    EXPECT_TRUE(store().Get(kept[1].front().token_hash, base_));
}

// Lookups race one revocation: once `revoke` has returned, no lookup that starts afterwards may
// succeed (a lookup already under way when it is called may still see the session: that one
// started before the revocation). Every reader thread loops until it has seen the refusal.
void ExpectNoLookupSucceedsAfterRevocation(SessionStore& store,
                                           const std::vector<Session>& sessions, TimePoint now,
                                           const std::function<Status()>& revoke) {
    constexpr int kReaders = 4;
    std::atomic<bool> revoked{false};
    std::atomic<int> late_successes{0};
    std::atomic<int> lookups_before{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
        readers.emplace_back([&, r] {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            for (std::size_t i = static_cast<std::size_t>(r);
                 std::chrono::steady_clock::now() < deadline; ++i) {
                const bool after = revoked.load(std::memory_order_acquire);
                auto got = store.Get(sessions[i % sessions.size()].token_hash, now);
                if (got.has_value()) {
                    if (after) {
                        ++late_successes;
                    } else {
                        ++lookups_before;
                    }
                } else if (got.error().code != ErrorCode::kUnauthenticated) {
                    ++failures;
                    return;
                } else if (after) {
                    return;  // refused after the revocation: the expected end
                }
            }
            ++failures;  // never saw the revocation within the deadline
        });
    }
    // Let the readers get going, so the revocation really lands among lookups.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (lookups_before.load() < 50 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
    }
    const Status status = revoke();
    revoked.store(true, std::memory_order_release);
    for (auto& reader : readers) {
        reader.join();
    }
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_GE(lookups_before.load(), 50) << "the readers never overlapped the revocation";
    EXPECT_EQ(late_successes.load(), 0) << "a lookup succeeded after the revocation returned";
    EXPECT_EQ(failures.load(), 0);
    for (const Session& session : sessions) {
        ExpectUnauthenticated(store.Get(session.token_hash, now));
    }
}

TEST_P(SessionStoreConformanceTest, NoLookupSucceedsAfterDeleteUserReturns) {
    std::vector<Session> sessions;
    for (int i = 0; i < 8; ++i) {
        sessions.push_back(MakeSession("racing-user"));
        ASSERT_TRUE(store().Put(sessions.back()));
    }
    const Session other = MakeSession("bystander");
    ASSERT_TRUE(store().Put(other));
    ExpectNoLookupSucceedsAfterRevocation(store(), sessions, base_,
                                          [&] { return store().DeleteUser("racing-user"); });
    EXPECT_TRUE(store().Get(other.token_hash, base_).has_value());
}

TEST_P(SessionStoreConformanceTest, NoLookupSucceedsAfterDeleteReturns) {
    const Session session = MakeSession("racing-user");
    ASSERT_TRUE(store().Put(session));
    ExpectNoLookupSucceedsAfterRevocation(store(), {session}, base_,
                                          [&] { return store().Delete(session.token_hash); });
}

TEST_P(SessionStoreConformanceTest, NoLookupSucceedsAfterDeleteAllReturns) {
    std::vector<Session> sessions;
    for (int i = 0; i < 8; ++i) {
        sessions.push_back(MakeSession("racing-user-" + std::to_string(i)));
        ASSERT_TRUE(store().Put(sessions.back()));
    }
    ExpectNoLookupSucceedsAfterRevocation(store(), sessions, base_,
                                          [&] { return store().DeleteAll(); });
}

}  // namespace
}  // namespace ea::auth::testing
