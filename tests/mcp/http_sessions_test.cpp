// The session table of Streamable HTTP: bounded, idle sessions expire, a session is its owner's.
#include "mcp/http_sessions.hpp"

#include <gtest/gtest.h>

namespace ea::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = HttpSessionTable::Clock;

TEST(HttpSessionTableTest, FindsOnlyItsOwnersSessionAndRemoveEndsIt) {
    HttpSessionTable table(4, 60s);
    const auto now = Clock::now();
    std::string id;
    auto session = table.Create("alice", &id, now);
    ASSERT_NE(session, nullptr);
    EXPECT_EQ(table.Find(id, "alice", now), session);
    EXPECT_EQ(table.Find(id, "bob", now), nullptr);
    EXPECT_FALSE(table.Remove(id, "bob"));
    EXPECT_EQ(table.Find(id, "alice", now), session);  // bob's attempt ended nothing
    EXPECT_TRUE(table.Remove(id, "alice"));
    EXPECT_EQ(table.Find(id, "alice", now), nullptr);
    EXPECT_EQ(table.size(), 0u);
}

TEST(HttpSessionTableTest, IdleSessionsExpireAndUseRestartsTheClock) {
    HttpSessionTable table(4, 60s);
    const auto start = Clock::now();
    std::string used, idle;
    table.Create("alice", &used, start);
    table.Create("alice", &idle, start);
    EXPECT_NE(table.Find(used, "alice", start + 50s), nullptr);
    EXPECT_NE(table.Find(used, "alice", start + 100s), nullptr);  // 50 s since its last use
    EXPECT_EQ(table.Find(idle, "alice", start + 100s), nullptr);  // 100 s idle: gone
    EXPECT_EQ(table.size(), 1u);
}

TEST(HttpSessionTableTest, IsBoundedAndSweepsExpiredSessionsToMakeRoom) {
    HttpSessionTable table(2, 60s);
    const auto start = Clock::now();
    std::string a, b, c;
    ASSERT_NE(table.Create("alice", &a, start), nullptr);
    ASSERT_NE(table.Create("bob", &b, start + 30s), nullptr);
    EXPECT_EQ(table.Create("carol", &c, start + 40s), nullptr);  // full
    EXPECT_NE(table.Create("carol", &c, start + 61s), nullptr);  // alice's expired: room
    EXPECT_EQ(table.Find(a, "alice", start + 61s), nullptr);
    EXPECT_NE(table.Find(b, "bob", start + 61s), nullptr);
    EXPECT_NE(a, c);
}

}  // namespace
}  // namespace ea::mcp
