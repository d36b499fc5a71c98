// The sampled total (store/sqlite/count_estimate.hpp) on data whose distribution is known: a
// counter over row numbers stands in for the table, so the truth is computed here by brute force.
#include "store/sqlite/count_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

namespace ea::store::sqlite {
namespace {

// A fixed pseudo-random bit per row number (splitmix64), so "17% of rows" is a real scatter.
std::uint64_t Mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct FakeTable {
    std::vector<bool> matches;                                  // index = row number - 1
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // what was counted

    std::int64_t Truth() const {
        std::int64_t n = 0;
        for (bool m : matches) {
            n += m ? 1 : 0;
        }
        return n;
    }
    RangeCounter Counter() {
        return [this](std::int64_t first, std::int64_t last) -> Result<std::int64_t> {
            ranges.emplace_back(first, last);
            std::int64_t n = 0;
            for (std::int64_t row = first; row <= last; ++row) {
                n += matches[static_cast<std::size_t>(row - 1)] ? 1 : 0;
            }
            return n;
        };
    }
};

FakeTable Table(std::int64_t rows, const std::function<bool(std::int64_t)>& matches) {
    FakeTable table;
    table.matches.resize(static_cast<std::size_t>(rows));
    for (std::int64_t row = 1; row <= rows; ++row) {
        table.matches[static_cast<std::size_t>(row - 1)] = matches(row);
    }
    return table;
}

double RelativeError(std::int64_t estimate, std::int64_t truth) {
    return std::abs(static_cast<double>(estimate - truth)) / static_cast<double>(truth);
}

TEST(CountEstimateTest, WithinTenPercentOnScatteredRowsOfEverySelectivity) {
    for (int percent : {2, 5, 17, 50, 90}) {
        auto table = Table(1'000'000, [&](std::int64_t row) {
            return Mix(static_cast<std::uint64_t>(row)) % 100 < static_cast<std::uint64_t>(percent);
        });
        auto estimate =
            EstimateTotal(1'000'000, SampleGoal::kEstimate, kAutoExactRows, table.Counter());
        ASSERT_TRUE(estimate);
        EXPECT_FALSE(estimate->complete);
        EXPECT_LT(RelativeError(estimate->estimate, table.Truth()), 0.10)
            << percent << "%: estimate " << estimate->estimate << ", truth " << table.Truth();
        EXPECT_LE(estimate->rows_sampled, kSampleMaxRows);
    }
}

// Rows matching only in one part of the table (new rows, say) are still found in proportion:
// the blocks visited first are spread over the whole table.
TEST(CountEstimateTest, WithinTenPercentWhenMatchesClusterInOnePartOfTheTable) {
    auto table = Table(1'000'000, [](std::int64_t row) {
        return row > 800'000 && Mix(static_cast<std::uint64_t>(row)) % 2 == 0;  // 10%, all late
    });
    auto estimate =
        EstimateTotal(1'000'000, SampleGoal::kEstimate, kAutoExactRows, table.Counter());
    ASSERT_TRUE(estimate);
    EXPECT_LT(RelativeError(estimate->estimate, table.Truth()), 0.10)
        << estimate->estimate << " vs " << table.Truth();
}

TEST(CountEstimateTest, BlocksAreDisjointAndInsideTheTable) {
    auto table =
        Table(300'001, [](std::int64_t) { return false; });  // nothing matches: every block
    auto estimate = EstimateTotal(300'001, SampleGoal::kEstimate, kAutoExactRows, table.Counter());
    ASSERT_TRUE(estimate);
    EXPECT_EQ(estimate->estimate, 0);
    ASSERT_EQ(table.ranges.size(), static_cast<std::size_t>(kSampleStrata));
    auto sorted = table.ranges;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted.front().first, 1);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        EXPECT_EQ(sorted[i].second - sorted[i].first + 1, kSampleBlockRows);
        EXPECT_LE(sorted[i].second, 300'001);
        if (i > 0) {
            EXPECT_GT(sorted[i].first, sorted[i - 1].second);
        }
    }
    EXPECT_EQ(estimate->rows_sampled, kSampleMaxRows);
}

// A table no larger than the sample is covered whole: the "estimate" is the exact count.
TEST(CountEstimateTest, ASmallTableIsCountedExactly) {
    for (std::int64_t rows : std::vector<std::int64_t>{1, 7, 1000, 5000, kSampleMaxRows}) {
        auto table = Table(rows, [](std::int64_t row) { return row % 97 == 3; });  // ~1%
        auto estimate = EstimateTotal(rows, SampleGoal::kEstimate, kAutoExactRows, table.Counter());
        ASSERT_TRUE(estimate);
        EXPECT_TRUE(estimate->complete) << rows;
        EXPECT_EQ(estimate->estimate, table.Truth()) << rows;
    }
}

// count=auto only needs to know whether the total is within the budget: a rare filter stops
// after a few blocks instead of reading the whole sample.
TEST(CountEstimateTest, DecidingTheBudgetStopsEarlyForARareFilter) {
    auto table = Table(1'000'000, [](std::int64_t row) { return row % 10'000 == 0; });  // 100
    auto estimate =
        EstimateTotal(1'000'000, SampleGoal::kDecideBudget, kAutoExactRows, table.Counter());
    ASSERT_TRUE(estimate);
    EXPECT_LE(estimate->estimate, kAutoExactRows);
    EXPECT_LE(table.ranges.size(), 64u);
    // An unselective one is sampled until the estimate is precise, and is over the budget.
    auto common = Table(1'000'000, [](std::int64_t row) { return row % 5 == 0; });
    auto over =
        EstimateTotal(1'000'000, SampleGoal::kDecideBudget, kAutoExactRows, common.Counter());
    ASSERT_TRUE(over);
    EXPECT_GE(over->matches, kSampleMinMatches);
    EXPECT_LT(RelativeError(over->estimate, 200'000), 0.10);
}

TEST(CountEstimateTest, ACounterErrorIsReturned) {
    auto failed = EstimateTotal(1'000'000, SampleGoal::kEstimate, kAutoExactRows,
                                [](std::int64_t, std::int64_t) -> Result<std::int64_t> {
                                    return Unavailable("the database is busy; try again");
                                });
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace ea::store::sqlite
