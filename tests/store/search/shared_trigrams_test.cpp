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

// MemoryPostings over rows it owns.
class VectorCursor final : public PostingCursor {
public:
    explicit VectorCursor(std::vector<std::int64_t> rows)
        : rows_(std::move(rows)), postings_(rows_) {}
    VectorCursor(const VectorCursor&) = delete;  // postings_ points into rows_
    VectorCursor& operator=(const VectorCursor&) = delete;
    bool Next(std::int64_t& rowid) override { return postings_.Next(rowid); }

private:
    std::vector<std::int64_t> rows_;
    MemoryPostings postings_;
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

// Prefix filtering: reading every list but the k - 1 largest finds every row that is in at least
// k of all the lists, and the shared count over the read lists plus k - 1 bounds the true one.
TEST(LargestListsTest, SkippingThemLosesNoRowInAtLeastKListsAndBoundsTheCount) {
    std::mt19937 rng(17);
    for (int round = 0; round < 300; ++round) {
        const int lists = 1 + static_cast<int>(rng() % 12);
        const int universe = 1 + static_cast<int>(rng() % 300);
        std::vector<std::vector<std::int64_t>> rows(static_cast<std::size_t>(lists));
        std::map<std::int64_t, int> counts;
        for (auto& list : rows) {
            // Some lists dense (the word-start trigrams), most sparse.
            const int density =
                rng() % 4 == 0 ? 50 + static_cast<int>(rng() % 50) : static_cast<int>(rng() % 20);
            for (int r = 1; r <= universe; ++r) {
                if (static_cast<int>(rng() % 100) < density) {
                    list.push_back(r);
                    ++counts[r];
                }
            }
        }
        const int k = 1 + static_cast<int>(rng() % static_cast<unsigned>(lists));
        std::vector<std::int64_t> sizes;
        for (const auto& list : rows) {
            // An estimate, not the truth: the choice of lists must not matter for correctness.
            sizes.push_back(static_cast<std::int64_t>(list.size()) +
                            static_cast<std::int64_t>(rng() % 40) - 20);
        }
        const auto skipped = LargestLists(sizes, k);
        ASSERT_EQ(skipped.size(), static_cast<std::size_t>(k - 1));
        for (std::size_t i = 1; i < skipped.size(); ++i) {
            EXPECT_GE(sizes[skipped[i - 1]], sizes[skipped[i]]);
        }
        std::vector<std::unique_ptr<VectorCursor>> cursors;
        std::vector<PostingCursor*> read;
        for (std::size_t l = 0; l < rows.size(); ++l) {
            if (std::find(skipped.begin(), skipped.end(), l) == skipped.end()) {
                cursors.push_back(std::make_unique<VectorCursor>(rows[l]));
                read.push_back(cursors.back().get());
            }
        }
        const auto got = RowsInAtLeast(read, 1);
        std::map<std::int64_t, int> found;
        for (const auto& row : got) {
            found[row.rowid] = row.shared;
        }
        for (const auto& [row, count] : counts) {
            if (count >= k) {
                ASSERT_TRUE(found.count(row)) << "round " << round << " row " << row;
            }
            if (found.count(row)) {
                EXPECT_LE(count, found[row] + (k - 1));
                EXPECT_LE(found[row], count);
            }
        }
    }
}

TEST(BySharedDescendingTest, EqualsAStableSortByShared) {
    std::mt19937 rng(23);
    for (int round = 0; round < 100; ++round) {
        std::vector<SharedCount> rows;
        const int n = static_cast<int>(rng() % 500);
        for (int i = 0; i < n; ++i) {
            rows.push_back({i, static_cast<int>(rng() % 9)});
        }
        std::vector<std::uint32_t> expected(rows.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            expected[i] = static_cast<std::uint32_t>(i);
        }
        std::stable_sort(expected.begin(), expected.end(), [&](std::uint32_t a, std::uint32_t b) {
            return rows[a].shared > rows[b].shared;
        });
        EXPECT_EQ(BySharedDescending(rows), expected);
    }
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
