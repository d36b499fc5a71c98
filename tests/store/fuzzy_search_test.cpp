// Fuzzy search from the search index (candidates sharing >= k trigrams, a bounded top-k page,
// one score per candidate) against a brute-force word_similarity scan of every row, on data
// built so that common trigrams ("  n", " ni", "ght", ...) give many candidates that do not
// match. Real SQLite files.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "store/search/word_similarity.hpp"
#include "store_test_util.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using query::CountMode;
using query::Matching;
using query::Op;

class FuzzySearchTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = OpenStore(StoreConfig{StoreUrl(Backend::kSqlite, dir_)}, StoreTestSchema());
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        std::mt19937 rng(99);
        const std::vector<std::string> words = {
            "night",   "nite",    "knight", "nights", "nine",   "jazz",  "jam",     "jaz",
            "jazzy",   "tasting", "tastng", "wine",   "wines",  "twine", "café",    "cafe",
            "ünïcödé", "fést",    "a",      "ab",     "poetry", "slam",  "slammed", "the",
            "of",      "x1",      "Ñandú",  "straße", "strasse"};
        std::vector<DocumentStore::BatchItem> items;
        for (int i = 0; i < 2500; ++i) {
            std::string title;
            const int count = 1 + static_cast<int>(rng() % 4);
            for (int w = 0; w < count; ++w) {
                title += (w > 0 ? (rng() % 5 == 0 ? "-" : " ") : "") + words[rng() % words.size()];
            }
            if (i % 97 == 0) {
                title = "";  // no words: never a candidate, never a match
            }
            Record record = MakeRecord("{}");
            record["id"] = "r" + std::to_string(i);  // ids not in row order: "r10" < "r2"
            record["title"] = title;
            titles_.emplace_back(record["id"].as_string().c_str(), title);
            items.push_back({&Item(), std::move(record), false});
        }
        Record untitled = MakeRecord("{}");
        untitled["id"] = "untitled";
        items.push_back({&Item(), std::move(untitled), false});
        ASSERT_TRUE(store_->Batch(std::move(items)));
    }

    static const schema::Entity& Item() { return *StoreTestSchema().FindEntity("Item"); }

    query::Query Fuzzy(const std::string& text, double threshold, CountMode count) {
        query::Query q;
        q.filter = Cmp(Item(), "title", Op::kEq, value(text));
        q.matching = Matching::kFuzzy;
        q.fuzzy_threshold = threshold;
        q.count = count;
        return q;
    }

    // Ids scoring >= threshold, best first, ties by id: what PostgreSQL's ORDER BY gives.
    std::vector<std::string> BruteForce(const std::string& text, double threshold) const {
        std::vector<std::pair<float, std::string>> scored;
        for (const auto& [id, title] : titles_) {
            const float s = search::WordSimilarity(text, title);
            if (static_cast<double>(s) >= threshold) {
                scored.emplace_back(s, id);
            }
        }
        std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        std::vector<std::string> out;
        for (auto& s : scored) {
            out.push_back(std::move(s.second));
        }
        return out;
    }

    ea::testing::TempDir dir_;
    DocumentStorePtr store_;
    std::vector<std::pair<std::string, std::string>> titles_;  // id, title
};

const std::vector<std::string> kQueries = {"a",
                                           "ab",
                                           "jaz",
                                           "nite",
                                           "jaz nite",
                                           "wine tastng",
                                           "ünïcödé fést",
                                           "cafe",
                                           "Ñandu",
                                           "strasse",
                                           "poetry slamm",
                                           "knights of the jazz",
                                           "x",
                                           "",
                                           "zzz qqq",
                                           "the"};

TEST_F(FuzzySearchTest, PagesWithCountNoneWalkTheBruteForceOrderWithoutGapsOrRepeats) {
    for (double threshold : {0.3, 0.6, 0.1, 1.0}) {
        for (const auto& text : kQueries) {
            auto q = Fuzzy(text, threshold, CountMode::kNone);
            // Small pages where few rows match, larger ones at 0.1 (most rows) to keep it quick.
            const auto got = AllIds(*store_, Item(), q, threshold < 0.2 ? 60 : 7);
            EXPECT_EQ(got, BruteForce(text, threshold)) << "'" << text << "' t " << threshold;
            EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
        }
    }
}

TEST_F(FuzzySearchTest, ExactAndAutoTotalsEqualTheBruteForceCount) {
    for (double threshold : {0.3, 0.5}) {
        for (const auto& text : kQueries) {
            const auto expected = static_cast<std::int64_t>(BruteForce(text, threshold).size());
            for (CountMode mode : {CountMode::kExact, CountMode::kAuto}) {
                for (int page : {1, 2}) {
                    auto q = Fuzzy(text, threshold, mode);
                    q.page = page;
                    q.page_size = 10;
                    auto result = store_->List(Item(), q);
                    ASSERT_TRUE(result) << result.error().message;
                    EXPECT_EQ(result->page.total, expected) << "'" << text << "' t " << threshold;
                    EXPECT_EQ(result->page.total_kind, TotalKind::kExact);
                    const auto all = BruteForce(text, threshold);
                    const std::vector<std::string> want(
                        all.begin() + std::min<std::size_t>(all.size(), (page - 1) * 10),
                        all.begin() + std::min<std::size_t>(all.size(), page * 10));
                    EXPECT_EQ(Ids(*result), want) << "'" << text << "' page " << page;
                    EXPECT_EQ(result->page.has_more,
                              all.size() > static_cast<std::size_t>(page * 10));
                }
            }
        }
    }
}

TEST_F(FuzzySearchTest, EstimatedTotalIsWithinTenPercentAndSaysSo) {
    for (const std::string text : {"a", "nite", "jaz nite", "the"}) {
        const auto exact = static_cast<double>(BruteForce(text, 0.3).size());
        ASSERT_GT(exact, 30) << text;
        auto result = store_->List(Item(), Fuzzy(text, 0.3, CountMode::kEstimated));
        ASSERT_TRUE(result) << result.error().message;
        EXPECT_LE(std::abs(static_cast<double>(result->page.total) - exact), 0.1 * exact) << text;
        if (result->page.total_kind == TotalKind::kExact) {
            EXPECT_EQ(static_cast<double>(result->page.total), exact);
        }
    }
}

TEST_F(FuzzySearchTest, UpdatesAndDeletesAreSeenAtOnce) {
    const std::string text = "jaz nite";
    auto before = BruteForce(text, 0.3);
    ASSERT_FALSE(before.empty());
    // Delete the best match, retitle another row into the best match.
    ASSERT_TRUE(store_->Delete(Item(), before.front()));
    titles_.erase(std::find_if(titles_.begin(), titles_.end(),
                               [&](const auto& t) { return t.first == before.front(); }));
    auto updated = store_->Update(Item(), "r5", [](const Record& old) -> Result<Record> {
        Record record = old;
        record["title"] = "jaz nite";
        return record;
    });
    ASSERT_TRUE(updated) << updated.error().message;
    for (auto& t : titles_) {
        if (t.first == "r5") {
            t.second = "jaz nite";
        }
    }
    auto q = Fuzzy(text, 0.3, CountMode::kNone);
    const auto got = AllIds(*store_, Item(), q, 25);
    EXPECT_EQ(got, BruteForce(text, 0.3));
    EXPECT_NE(std::find(got.begin(), got.end(), "r5"), got.end());
    EXPECT_EQ(std::find(got.begin(), got.end(), before.front()), got.end());
}

// Thousands of rows tied at the best score, ids in no relation to row order: the page walks the
// tie in id order (the id index) and reads few of them; the pages must still be the brute-force
// order, deep pages (where the walk no longer pays and every tied row is scored) included.
class FuzzyTiesTest : public FuzzySearchTest {
protected:
    void SetUp() override {
        auto opened = OpenStore(StoreConfig{StoreUrl(Backend::kSqlite, dir_)}, StoreTestSchema());
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
        std::mt19937 rng(5);
        const std::vector<std::string> titles = {"poetry slam", "Poetry Slam Night",
                                                 "slam poetry", "poetry slammed",
                                                 "poet slam",   "jazz night"};
        std::vector<DocumentStore::BatchItem> items;
        for (int i = 0; i < 4000; ++i) {
            Record record = MakeRecord("{}");
            char id[17];
            std::snprintf(id, sizeof id, "%08x%08x", static_cast<unsigned>(rng()),
                          static_cast<unsigned>(rng()));
            // Some ids start with "-" (before the digits) or "_" (between digits and letters).
            record["id"] = std::string(i % 7 == 0 ? "-" : i % 11 == 0 ? "_" : "") + id;
            // Three rows in four score 1 against "poetry slam".
            record["title"] = rng() % 4 != 0 ? titles[rng() % 3] : titles[3 + rng() % 3];
            titles_.emplace_back(record["id"].as_string().c_str(),
                                 record["title"].as_string().c_str());
            items.push_back({&Item(), std::move(record), false});
        }
        auto batch = store_->Batch(std::move(items));
        ASSERT_TRUE(batch) << batch.error().message;
    }
};

TEST_F(FuzzyTiesTest, PagesOfATieEqualTheBruteForceOrder) {
    for (CountMode mode : {CountMode::kNone, CountMode::kExact}) {
        for (int page_size : {25, 400}) {
            auto q = Fuzzy("poetry slam", 0.3, mode);
            const auto want = BruteForce("poetry slam", 0.3);
            ASSERT_GT(want.size(), 3000u);
            EXPECT_EQ(AllIds(*store_, Item(), q, page_size), want) << page_size;
            q.page = 3;
            q.page_size = page_size;
            auto result = store_->List(Item(), q);
            ASSERT_TRUE(result) << result.error().message;
            EXPECT_EQ(Ids(*result), std::vector<std::string>(want.begin() + 2 * page_size,
                                                             want.begin() + 3 * page_size));
        }
    }
}

// A sampled total after a page the first try proved, on a table of many blocks of row ids
// where 1,000 matches are not found in the first few: the sample changes its way of counting
// blocks part way (docs/query.md, "How fuzzy finds its candidates", step 4) and must still
// count every match once. 40,000 rows, 800 of them poetry slams among other events.
TEST(FuzzySampledTotalTest, CountsEveryBlockExactlyWhenItChangesItsWayPartWay) {
    ea::testing::TempDir dir;
    auto opened = OpenStore(StoreConfig{StoreUrl(Backend::kSqlite, dir)}, StoreTestSchema());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& store = **opened;
    const auto& item = *StoreTestSchema().FindEntity("Item");
    const std::vector<std::string> others = {"jazz night",     "wine tasting", "chess club",
                                             "rooftop cinema", "book fair",    "yoga in the park"};
    std::vector<DocumentStore::BatchItem> items;
    std::vector<std::pair<std::string, std::string>> titles;
    std::mt19937 rng(17);
    for (int i = 0; i < 40'000; ++i) {
        Record record = MakeRecord("{}");
        record["id"] = "e" + std::to_string(rng() % 1'000'000'000) + "-" + std::to_string(i);
        record["title"] =
            i % 50 == 7 ? "Poetry Slam " + std::to_string(i % 13) : others[rng() % others.size()];
        titles.emplace_back(record["id"].as_string().c_str(), record["title"].as_string().c_str());
        items.push_back({&item, std::move(record), false});
    }
    auto batch = store.Batch(std::move(items));
    ASSERT_TRUE(batch) << batch.error().message;
    std::int64_t expected = 0;
    for (const auto& [id, title] : titles) {
        expected += search::WordSimilarity("poetry slamm", title) >= 0.3f ? 1 : 0;
    }
    ASSERT_EQ(expected, 800);
    for (CountMode mode : {CountMode::kEstimated, CountMode::kAuto}) {
        query::Query q;
        q.filter = Cmp(item, "title", Op::kEq, value("poetry slamm"));
        q.matching = Matching::kFuzzy;
        q.count = mode;
        q.page_size = 10;
        auto result = store.List(item, q);
        ASSERT_TRUE(result) << result.error().message;
        // Fewer than 1,000 matches: the sample visits every block, so the total is exact.
        EXPECT_EQ(result->page.total, expected);
        EXPECT_EQ(result->page.total_kind, TotalKind::kExact);
        EXPECT_EQ(result->rows.size(), 10u);
    }
}

}  // namespace
}  // namespace ea::store::testing
