// The pure parts of fuzzy candidate search: the k-of-n posting merge, the bounded top-k, the
// spread sample order, and the property that makes the candidate filter exact (a row scoring
// >= t shares at least MinSharedTrigrams(n, t) trigrams, and scores at most SimilarityBound).
#include "store/search/shared_trigrams.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "store/search/trigram_text.hpp"
#include "store/search/word_similarity.hpp"

namespace ea::store::search {
namespace {

class VectorCursor final : public PostingCursor {
public:
    explicit VectorCursor(std::vector<std::int64_t> rows) : rows_(std::move(rows)) {}
    bool Next(std::int64_t& rowid) override {
        if (at_ >= rows_.size()) {
            return false;
        }
        rowid = rows_[at_++];
        return true;
    }

private:
    std::vector<std::int64_t> rows_;
    std::size_t at_ = 0;
};

TEST(RowsInAtLeastTest, EqualsCountingEveryListForRandomLists) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        const int lists = 1 + static_cast<int>(rng() % 12);
        const int universe = 1 + static_cast<int>(rng() % 300);
        std::vector<std::unique_ptr<VectorCursor>> cursors;
        std::vector<PostingCursor*> raw;
        std::map<std::int64_t, int> counts;
        for (int l = 0; l < lists; ++l) {
            std::set<std::int64_t> rows;
            const int density = static_cast<int>(rng() % 100);
            for (int r = 1; r <= universe; ++r) {
                if (static_cast<int>(rng() % 100) < density) {
                    rows.insert(r);
                    ++counts[r];
                }
            }
            cursors.push_back(std::make_unique<VectorCursor>(
                std::vector<std::int64_t>(rows.begin(), rows.end())));
            raw.push_back(cursors.back().get());
        }
        const int k = 1 + static_cast<int>(rng() % static_cast<unsigned>(lists + 1));
        std::vector<SharedCount> expected;
        for (const auto& [row, count] : counts) {
            if (count >= k) {
                expected.push_back({row, count});
            }
        }
        const auto got = RowsInAtLeast(raw, k);
        ASSERT_EQ(got.size(), expected.size()) << "round " << round << " k " << k;
        for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].rowid, expected[i].rowid);
            EXPECT_EQ(got[i].shared, expected[i].shared);
        }
    }
}

TEST(RowsInAtLeastTest, MoreListsRequiredThanGivenFindsNothing) {
    VectorCursor a({1, 2, 3});
    VectorCursor b({2, 3});
    EXPECT_TRUE(RowsInAtLeast({&a, &b}, 3).empty());
    VectorCursor c({1, 2, 3});
    VectorCursor d({2, 3, 9});
    const auto both = RowsInAtLeast({&c, &d}, 2);
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0].rowid, 2);
    EXPECT_EQ(both[1].rowid, 3);
    EXPECT_EQ(both[1].shared, 2);
}

TEST(TopRowsTest, KeepsTheBestByScoreThenIdAgainstAFullSort) {
    std::mt19937 rng(11);
    for (int round = 0; round < 100; ++round) {
        const std::size_t capacity = 1 + rng() % 30;
        TopRows top(capacity);
        std::vector<ScoredRow> all;
        const int n = static_cast<int>(rng() % 200);
        for (int i = 0; i < n; ++i) {
            // Few distinct scores, so ties on score are common and id decides.
            const float score = static_cast<float>(rng() % 5) / 4.0f;
            const std::string id = "id" + std::to_string(rng() % 1000);
            all.push_back({score, id, i});
            top.Offer(score, id, i);
        }
        std::stable_sort(all.begin(), all.end(), RanksBefore);
        all.resize(std::min(all.size(), capacity));
        const auto kept = top.TakeSorted();
        ASSERT_EQ(kept.size(), all.size());
        for (std::size_t i = 0; i < kept.size(); ++i) {
            EXPECT_EQ(kept[i].score, all[i].score);
            EXPECT_EQ(kept[i].id, all[i].id);
        }
    }
}

TEST(SpreadOrderTest, VisitsEveryIndexOnceAndEachPrefixIsSpread) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 8u, 1000u}) {
        SpreadOrder order(n);
        std::vector<std::size_t> seen;
        std::size_t i = 0;
        while (order.Next(i)) {
            seen.push_back(i);
        }
        std::vector<std::size_t> sorted = seen;
        std::sort(sorted.begin(), sorted.end());
        ASSERT_EQ(sorted.size(), n);
        for (std::size_t k = 0; k < n; ++k) {
            EXPECT_EQ(sorted[k], k);
        }
        if (n == 1000) {
            // The first 64 visited indices fall in each tenth of the range.
            std::set<std::size_t> tenths;
            for (std::size_t k = 0; k < 64; ++k) {
                tenths.insert(seen[k] / 100);
            }
            EXPECT_EQ(tenths.size(), 10u);
        }
    }
}

// Distinct trigram codes of `text` (pg_trgm's set).
std::set<TrigramCode> Codes(std::string_view text) {
    std::vector<TrigramCode> codes;
    AppendTrigramCodes(text, codes);
    return {codes.begin(), codes.end()};
}

// The property the candidate filter rests on, over random strings built to share trigrams (a
// small alphabet, repeated words, non-ASCII letters, separators): whenever word_similarity
// reaches t, the value shares at least MinSharedTrigrams(n, t) of the query's n trigrams, and
// the score never exceeds SimilarityBound(shared, n).
TEST(MinSharedTrigramsTest, NeverDropsATrueMatchOverRandomStrings) {
    std::mt19937 rng(2024);
    const std::vector<std::string> pieces = {"a", "b", "ab", "ba", "c",     " ",    " ",   "-",
                                             "é", "ü", "ß",  "aa", "night", "nite", "jaz", "z"};
    auto random_text = [&](int max_pieces) {
        std::string out;
        const int count = static_cast<int>(rng() % static_cast<unsigned>(max_pieces + 1));
        for (int i = 0; i < count; ++i) {
            out += pieces[rng() % pieces.size()];
        }
        return out;
    };
    const std::vector<float> thresholds = {0.05f, 0.1f, 0.2f, 0.3f, 0.33333334f,
                                           0.5f,  0.6f, 0.7f, 0.9f, 1.0f};
    int matches = 0;
    for (int round = 0; round < 20000; ++round) {
        const std::string query = random_text(5);
        const std::string text = random_text(12);
        const WordSimilarityQuery parsed(query);
        const int n = parsed.trigram_count();
        const auto query_codes = Codes(query);
        const auto value_codes = Codes(text);
        int shared = 0;
        for (TrigramCode code : query_codes) {
            shared += value_codes.count(code) > 0 ? 1 : 0;
        }
        const float score = parsed.Against(text);
        EXPECT_LE(score, SimilarityBound(shared, n)) << "'" << query << "' vs '" << text << "'";
        for (float t : thresholds) {
            if (score >= t) {
                ++matches;
                EXPECT_GE(shared, MinSharedTrigrams(n, t))
                    << "'" << query << "' vs '" << text << "' t " << t;
            }
        }
    }
    EXPECT_GT(matches, 1000);  // the data really exercises the bound
}

}  // namespace
}  // namespace ea::store::search
