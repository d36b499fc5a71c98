#include "auth/verified_cache.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "auth/session_store.hpp"

namespace ea::auth::detail {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1'700'000'000));

Session MakeSession(std::string token_hash) {
    return Session{std::move(token_hash), "u1", "name", "admin", "acc", kT0, kT0 + hours(1)};
}

TEST(VerifiedCacheTest, ServesAnEntryOnlyUnderTheRevisionItWasReadAt) {
    VerifiedCache<Session> cache;
    const Session session = MakeSession("hash-a");
    cache.Remember(session, 7, kT0);
    auto hit = cache.Find("hash-a", 7, kT0);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(*hit, session);
    EXPECT_FALSE(cache.Find("hash-b", 7, kT0).has_value());
    // A newer revision empties the cache; going back to the old one finds nothing either.
    EXPECT_FALSE(cache.Find("hash-a", 8, kT0).has_value());
    EXPECT_FALSE(cache.Find("hash-a", 7, kT0).has_value());
    EXPECT_EQ(cache.SizeForTest(), 0u);
}

TEST(VerifiedCacheTest, DoesNotKeepWhatWasReadUnderARevisionThatHasMovedOn) {
    VerifiedCache<Session> cache;
    EXPECT_FALSE(cache.Find("hash-a", 9, kT0).has_value());  // another thread saw revision 9
    cache.Remember(MakeSession("hash-a"), 8, kT0);           // read under 8, maybe stale
    EXPECT_FALSE(cache.Find("hash-a", 9, kT0).has_value());
    EXPECT_EQ(cache.SizeForTest(), 0u);
}

TEST(VerifiedCacheTest, ServesAnEntryForLessThanMaxAgeAndNeverAfterExpiry) {
    VerifiedCache<Session> cache;
    Session session = MakeSession("hash-a");
    session.expires_at = kT0 + milliseconds(300);
    cache.Remember(session, 1, kT0);
    EXPECT_TRUE(cache.Find("hash-a", 1, kT0 + milliseconds(299)).has_value());
    EXPECT_FALSE(cache.Find("hash-a", 1, kT0 + milliseconds(300)).has_value());  // expired

    cache.Remember(MakeSession("hash-b"), 1, kT0);
    EXPECT_TRUE(cache.Find("hash-b", 1, kT0 + VerifiedCache<Session>::kMaxAge - milliseconds(1)));
    EXPECT_FALSE(cache.Find("hash-b", 1, kT0 + VerifiedCache<Session>::kMaxAge).has_value());
    // A clock that went back is no reason to trust an entry longer.
    cache.Remember(MakeSession("hash-c"), 1, kT0);
    EXPECT_FALSE(cache.Find("hash-c", 1, kT0 - milliseconds(1)).has_value());
}

TEST(VerifiedCacheTest, HoldsNoMoreThanItsCapacity) {
    VerifiedCache<Session> cache;
    for (std::size_t i = 0; i < 3 * VerifiedCache<Session>::kCapacity; ++i) {
        cache.Remember(MakeSession("hash-" + std::to_string(i)), 1, kT0);
    }
    EXPECT_LE(cache.SizeForTest(), VerifiedCache<Session>::kCapacity);
    EXPECT_GT(cache.SizeForTest(), 0u);
    // The newest entry is always kept.
    const std::string last = "hash-" + std::to_string(3 * VerifiedCache<Session>::kCapacity - 1);
    EXPECT_TRUE(cache.Find(last, 1, kT0).has_value());
}

}  // namespace
}  // namespace ea::auth::detail
