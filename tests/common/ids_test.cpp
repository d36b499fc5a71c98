// Ids: ULID shape and ordering, client id rules, normalisation.
#include "common/ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ea {
namespace {

bool IsCrockfordLower(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' &&
                                      c != 'u');
}

TEST(IdsTest, NewIdIsALowerCaseUlid) {
    const auto id = NewId();
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) EXPECT_TRUE(IsCrockfordLower(c)) << id;
    EXPECT_TRUE(IsValidId(id));
    EXPECT_EQ(NormalizeId(id), id);
}

TEST(IdsTest, NewIdsIncreaseStrictlyWithinOneProcess) {
    std::string previous = NewId();
    for (int i = 0; i < 10000; ++i) {
        auto next = NewId();
        ASSERT_LT(previous, next);
        previous = std::move(next);
    }
}

TEST(IdsTest, NewIdIsUniqueAcrossThreads) {
    std::vector<std::vector<std::string>> per_thread(4);
    std::vector<std::thread> threads;
    for (auto& out : per_thread) {
        threads.emplace_back([&out] {
            for (int i = 0; i < 2000; ++i) out.push_back(NewId());
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (const auto& out : per_thread) all.insert(out.begin(), out.end());
    EXPECT_EQ(all.size(), 8000u);
}

TEST(IdsTest, MakeUlidEncodesTimeFirst) {
    EXPECT_EQ(MakeUlid(0, 0, 0), std::string(26, '0'));
    EXPECT_LT(MakeUlid(1, 0xFFFF, ~0ULL), MakeUlid(2, 0, 0));
    EXPECT_EQ(MakeUlid(0, 0, 31), "0000000000000000000000000z");
    // 48 bits of time are the first 10 characters.
    EXPECT_EQ(MakeUlid(0xFFFFFFFFFFFFULL, 0, 0).substr(0, 10), "7zzzzzzzzz");
}

struct IdCase {
    std::string id;
    bool valid;
};

class IsValidIdTest : public ::testing::TestWithParam<IdCase> {};

TEST_P(IsValidIdTest, FollowsTheClientIdRules) {
    EXPECT_EQ(IsValidId(GetParam().id), GetParam().valid) << GetParam().id;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IsValidIdTest,
    ::testing::Values(IdCase{"acc_system", true}, IdCase{"01J0ABCDEF", true},
                      IdCase{"a", true}, IdCase{"a.b:c-d_e", true},
                      IdCase{std::string(64, 'x'), true}, IdCase{std::string(65, 'x'), false},
                      IdCase{"", false}, IdCase{"a b", false}, IdCase{"a/b", false},
                      IdCase{"../etc", false}, IdCase{"a%2e", false}, IdCase{"id'; DROP", false},
                      IdCase{"é", false}, IdCase{std::string("a\0b", 3), false},
                      IdCase{"a\r\nSet-Cookie: x", false}));

TEST(IdsTest, NormalizeIdLowerCasesAsciiOnly) {
    EXPECT_EQ(NormalizeId("01J0ABCDEF"), "01j0abcdef");
    EXPECT_EQ(NormalizeId("Acc_System-1"), "acc_system-1");
    EXPECT_EQ(NormalizeId(""), "");
}

}  // namespace
}  // namespace ea
