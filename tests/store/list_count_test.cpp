// List totals in each query::CountMode on a real SQLite file: exact, estimated and auto agree on
// small data; on a table larger than the sample, estimates are marked, near the truth, and
// selective filters are still counted exactly; count=none pages walk the whole result.
#include <cstdio>
#include <set>

#include <gtest/gtest.h>

#include "store/search/word_similarity.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_test_util.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using query::CountMode;
using query::Op;

// `rows` Items; count = i, price = i % 100 (so price < p keeps p% of rows).
std::unique_ptr<sqlite::SqliteStore> StoreWithItems(const ea::testing::TempDir& dir, int rows) {
    auto opened = sqlite::SqliteStore::Open((dir / "count.db").string(), StoreTestSchema());
    EXPECT_TRUE(opened);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    std::vector<DocumentStore::BatchItem> items;
    items.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        Record r = MakeRecord("{}");
        r["id"] = "c" + std::to_string(100'000 + i);
        r["count"] = i;
        r["price"] = static_cast<double>((i * 7919) % 100);
        items.push_back({&item, std::move(r), false});
    }
    EXPECT_TRUE((*opened)->Batch(std::move(items)));
    return std::move(*opened);
}

ListResult List(DocumentStore& store, query::FilterPtr filter, CountMode count, int page = 1,
                int page_size = 10) {
    const auto& item = *StoreTestSchema().FindEntity("Item");
    query::Query q;
    q.filter = std::move(filter);
    q.sort = {{item.FindField("count"), true}};
    q.page = page;
    q.page_size = page_size;
    q.count = count;
    auto result = store.List(item, q);
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : ListResult{};
}

query::FilterPtr PriceBelow(double price) {
    return Cmp(*StoreTestSchema().FindEntity("Item"), "price", Op::kLt, value(price));
}

TEST(ListCountTest, EveryModeGivesTheExactTotalOnSmallData) {
    ea::testing::TempDir dir;
    auto store = StoreWithItems(dir, 2'000);
    for (double price : {0.0, 1.0, 17.0, 60.0, 100.0}) {
        const auto expected = static_cast<std::int64_t>(price) * 20;  // 20 rows per price
        for (CountMode mode : {CountMode::kAuto, CountMode::kExact, CountMode::kEstimated}) {
            auto result = List(*store, PriceBelow(price), mode);
            EXPECT_EQ(result.page.total, expected) << price;
            EXPECT_EQ(result.page.total_kind, TotalKind::kExact) << price;
            EXPECT_EQ(result.page.total_pages, (expected + 9) / 10);
            EXPECT_EQ(result.page.has_more, expected > 10);
        }
    }
}

TEST(ListCountTest, CountNoneWalksTheWholeResultWithoutGapsOrRepeats) {
    ea::testing::TempDir dir;
    auto store = StoreWithItems(dir, 2'000);
    std::vector<std::int64_t> counts;
    int page = 1;
    for (;; ++page) {
        auto result = List(*store, PriceBelow(17.0), CountMode::kNone, page, 7);
        EXPECT_EQ(result.page.total_kind, TotalKind::kNone);
        EXPECT_EQ(result.page.total, 0);
        for (const auto& row : result.rows) {
            counts.push_back(row.at("count").as_int64());
        }
        if (!result.page.has_more) {
            break;
        }
        EXPECT_EQ(result.rows.size(), 7u);
        ASSERT_LT(page, 1000);
    }
    // Every row with price < 17, once, in count order (descending).
    std::vector<std::int64_t> expected;
    for (int i = 1'999; i >= 0; --i) {
        if ((i * 7919) % 100 < 17) {
            expected.push_back(i);
        }
    }
    EXPECT_EQ(counts, expected);
    EXPECT_EQ(page, static_cast<int>((expected.size() + 6) / 7));
}

// Larger than the sample (kSampleMaxRows): the unselective filter's total is an estimate under
// auto and estimated, near the truth; exact still counts; a selective filter is exact in auto.
TEST(ListCountTest, ALargeTableEstimatesUnselectiveTotalsAndCountsSelectiveOnes) {
    constexpr int kRows = 80'000;
    static_assert(kRows > sqlite::kSampleMaxRows);
    ea::testing::TempDir dir;
    auto store = StoreWithItems(dir, kRows);
    const std::int64_t truth = kRows * 30 / 100;
    for (CountMode mode : {CountMode::kAuto, CountMode::kEstimated}) {
        auto result = List(*store, PriceBelow(30.0), mode, 3);
        EXPECT_EQ(result.page.total_kind, TotalKind::kEstimate);
        EXPECT_NEAR(static_cast<double>(result.page.total), static_cast<double>(truth),
                    0.10 * static_cast<double>(truth));
        EXPECT_EQ(result.page.total_pages, (result.page.total + 9) / 10);
        EXPECT_TRUE(result.page.has_more);
        ASSERT_EQ(result.rows.size(), 10u);
    }
    auto exact = List(*store, PriceBelow(30.0), CountMode::kExact, 3);
    EXPECT_EQ(exact.page.total_kind, TotalKind::kExact);
    EXPECT_EQ(exact.page.total, truth);
    // 1% of 80,000 = 800 rows: within auto's budget, so exact.
    auto selective = List(*store, PriceBelow(1.0), CountMode::kAuto, 2);
    EXPECT_EQ(selective.page.total_kind, TotalKind::kExact);
    EXPECT_EQ(selective.page.total, kRows / 100);
    // No filter: the whole table, estimated under auto (it is over the budget).
    auto all = List(*store, nullptr, CountMode::kAuto);
    EXPECT_EQ(all.page.total_kind, TotalKind::kEstimate);
    EXPECT_NEAR(static_cast<double>(all.page.total), kRows, 0.10 * kRows);
    // The page holding the last row knows the exact total without counting, in every mode.
    const auto last_page = static_cast<int>((truth + 9) / 10);
    auto last = List(*store, PriceBelow(30.0), CountMode::kAuto, last_page);
    EXPECT_EQ(last.page.total_kind, TotalKind::kExact);
    EXPECT_EQ(last.page.total, truth);
    EXPECT_FALSE(last.page.has_more);
    // Past the end: no rows, and the estimate is no more than the rows before the page.
    auto past = List(*store, PriceBelow(30.0), CountMode::kAuto, last_page + 100);
    EXPECT_TRUE(past.rows.empty());
    EXPECT_FALSE(past.page.has_more);
    EXPECT_LE(past.page.total, static_cast<std::int64_t>(last_page + 99) * 10);
}

// Contains on a table larger than the sample: the total comes from a sample of the search
// index's candidates. "Jazz" is in 20% of titles (always an estimate, near the truth, for auto
// and estimated), "jazaazz" (6% of rows: every trigram of "jazz", not the needle) keeps
// candidates and matches apart, "rarebird" in 0.5% (auto counts it exactly), and
// every mode gives the same page as the exact count.
TEST(ListCountTest, SearchTotalsOnALargeTableSampleTheSearchIndexCandidates) {
    constexpr int kRows = 70'000;
    static_assert(kRows > sqlite::kSampleMaxRows);
    ea::testing::TempDir dir;
    auto opened = sqlite::SqliteStore::Open((dir / "contains.db").string(), StoreTestSchema());
    ASSERT_TRUE(opened);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    std::vector<DocumentStore::BatchItem> items;
    std::int64_t jazz = 0;
    std::int64_t rare = 0;
    std::vector<std::string> titles;
    for (int i = 0; i < kRows; ++i) {
        Record r = MakeRecord("{}");
        r["id"] = "t" + std::to_string(100'000 + i);
        r["count"] = i;
        const int h = (i * 7919) % 1000;
        std::string title = "Evening " + std::to_string(i % 37);
        if (h < 200) {
            title = (h % 2 == 0 ? "JAZZ night " : "late jazz ") + title;
            ++jazz;
        } else if (h < 260) {
            title = "jazaazz " + title;  // holds the trigrams of "jazz", not "jazz"
        }
        if (h % 200 == 7) {
            title += " rarebird";
            ++rare;
        }
        r["title"] = title;
        titles.push_back(title);
        items.push_back({&item, std::move(r), false});
    }
    ASSERT_TRUE((*opened)->Batch(std::move(items)));
    auto& store = **opened;
    auto contains = [&](const char* needle, CountMode mode) {
        query::Query q;
        q.filter = Cmp(item, "title", Op::kEq, value(needle));
        q.matching = query::Matching::kContains;
        q.count = mode;
        q.page_size = 10;
        auto result = store.List(item, q);
        EXPECT_TRUE(result) << result.error().message;
        return result ? *result : ListResult{};
    };
    const auto exact = contains("jazz", CountMode::kExact);
    EXPECT_EQ(exact.page.total, jazz);
    for (CountMode mode : {CountMode::kAuto, CountMode::kEstimated}) {
        const auto sampled = contains("jazz", mode);
        EXPECT_EQ(sampled.page.total_kind, TotalKind::kEstimate);
        EXPECT_NEAR(static_cast<double>(sampled.page.total), static_cast<double>(jazz),
                    0.10 * static_cast<double>(jazz));
        EXPECT_EQ(Ids(sampled), Ids(exact));
        EXPECT_TRUE(sampled.page.has_more);
    }
    // Fuzzy "jazz" has ~18,000 candidates (over auto's 10,000) on a table over the sample size:
    // auto answers an estimate from a sample of the candidates, near the brute-force count.
    std::int64_t fuzzy_truth = 0;
    for (const auto& title : titles) {
        fuzzy_truth += search::WordSimilarity("jazz", title) >= 0.3f ? 1 : 0;
    }
    query::Query fq;
    fq.filter = Cmp(item, "title", Op::kEq, value("jazz"));
    fq.matching = query::Matching::kFuzzy;
    fq.page_size = 10;
    auto fuzzy_auto = store.List(item, fq);
    ASSERT_TRUE(fuzzy_auto) << fuzzy_auto.error().message;
    EXPECT_EQ(fuzzy_auto->page.total_kind, TotalKind::kEstimate);
    EXPECT_NEAR(static_cast<double>(fuzzy_auto->page.total), static_cast<double>(fuzzy_truth),
                0.10 * static_cast<double>(fuzzy_truth));
    fq.count = CountMode::kExact;
    auto fuzzy_exact = store.List(item, fq);
    ASSERT_TRUE(fuzzy_exact) << fuzzy_exact.error().message;
    EXPECT_EQ(fuzzy_exact->page.total, fuzzy_truth);
    EXPECT_EQ(Ids(*fuzzy_auto), Ids(*fuzzy_exact));

    // Prefix filtering (auto and none read every list but the k - 1 largest, "  e", " ev", ...):
    // the page equals the brute-force order, and auto's sampled total is near the truth, for
    // queries whose common trigrams give many candidates that do not match.
    const std::vector<std::pair<std::string, double>> searches = {
        {"jaz nite", 0.3}, {"late evning", 0.3}, {"jazz evening 3", 0.3}, {"jazaazz", 0.7}};
    for (const auto& [text, threshold] : searches) {
        std::vector<std::pair<float, std::string>> scored;
        for (std::size_t i = 0; i < titles.size(); ++i) {
            const float s = search::WordSimilarity(text, titles[i]);
            if (s >= static_cast<float>(threshold)) {
                scored.emplace_back(s, "t" + std::to_string(100'000 + i));
            }
        }
        std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        ASSERT_GT(scored.size(), 1'000u) << text;
        std::printf("fuzzy '%s': %zu matches\n", text.c_str(), scored.size());
        for (int page : {1, 3}) {
            std::vector<std::string> want;
            for (std::size_t r = (page - 1) * 10;
                 r < std::min<std::size_t>(scored.size(), page * 10); ++r) {
                want.push_back(scored[r].second);
            }
            for (CountMode mode : {CountMode::kAuto, CountMode::kNone, CountMode::kExact}) {
                query::Query q;
                q.filter = Cmp(item, "title", Op::kEq, value(text));
                q.matching = query::Matching::kFuzzy;
                q.fuzzy_threshold = threshold;
                q.page_size = 10;
                q.page = page;
                q.count = mode;
                auto got = store.List(item, q);
                ASSERT_TRUE(got) << got.error().message;
                EXPECT_EQ(Ids(*got), want) << text << " page " << page;
                EXPECT_TRUE(got->page.has_more);
                if (mode == CountMode::kExact) {
                    EXPECT_EQ(got->page.total, static_cast<std::int64_t>(scored.size()));
                } else if (mode == CountMode::kAuto && scored.size() < 9'000) {
                    // Well within auto's budget (10,000): the sample's estimate is too, so the
                    // rest of the row ids are visited and the total is exact.
                    EXPECT_EQ(got->page.total, static_cast<std::int64_t>(scored.size())) << text;
                    EXPECT_EQ(got->page.total_kind, TotalKind::kExact) << text;
                } else if (mode == CountMode::kAuto) {
                    EXPECT_NEAR(static_cast<double>(got->page.total),
                                static_cast<double>(scored.size()),
                                0.10 * static_cast<double>(scored.size()))
                        << text;
                }
            }
        }
    }

    const auto selective = contains("rarebird", CountMode::kAuto);
    EXPECT_EQ(selective.page.total_kind, TotalKind::kExact);
    EXPECT_EQ(selective.page.total, rare);
    EXPECT_EQ(Ids(selective), Ids(contains("rarebird", CountMode::kExact)));
}

}  // namespace
}  // namespace ea::store::testing
