// The similarity-ordered page from bounded candidates (search::TakeTopRows) against a full sort
// of every candidate, on tables built so that a tier's rows often tie at its bound (where the
// walk in id order spares reads) and so that they rarely or never do (where it must not be
// taken, or must still give the same page).
#include "store/search/similarity_page.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace ea::store::search {
namespace {

// A table in vectors: every row's id and score, the candidates with their shared counts.
struct Table {
    int n = 8;
    int unread = 2;
    std::vector<SharedCount> candidates;                         // ascending by row id
    std::map<std::int64_t, std::pair<float, std::string>> rows;  // row id -> score, id
};

// Rows 1..size; about `candidate_share` of them are candidates sharing 1..n - unread of the read
// lists; a candidate scores its bound with probability `at_bound`, else one of a few values below
// it (so rows also tie below the bound). Ids are random hex, so id order is not row id order.
Table MakeTable(std::uint32_t seed, int size, double candidate_share, double at_bound) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    Table t;
    for (int r = 1; r <= size; ++r) {
        char id[17];
        std::snprintf(id, sizeof id, "%08x%08x", static_cast<unsigned>(rng()),
                      static_cast<unsigned>(rng()));
        float score = 0;
        if (unit(rng) < candidate_share) {
            // Most candidates in the top tier, as a rare word makes them.
            const int shared =
                unit(rng) < 0.7 ? t.n - t.unread : 1 + static_cast<int>(rng() % (t.n - t.unread));
            t.candidates.push_back({r, shared});
            const float bound = SimilarityBound(std::min(shared + t.unread, t.n), t.n);
            score = unit(rng) < at_bound ? bound : bound * static_cast<float>(1 + rng() % 4) / 5.0f;
        }
        t.rows[r] = {score, id};
    }
    return t;
}

class TableRows final : public PageRows {
public:
    explicit TableRows(const Table& table) : table_(table) {
        for (const auto& [rowid, row] : table.rows) {
            by_id_.emplace_back(row.second, rowid);
        }
        std::sort(by_id_.begin(), by_id_.end());
    }
    bool Score(std::int64_t rowid, float& score, std::string_view& id, bool& again) override {
        if (fail_after_ >= 0 && scored_ >= fail_after_) {
            return false;
        }
        const auto& row = table_.rows.at(rowid);
        score = row.first;
        again = !seen_.insert(rowid).second;
        id = again ? std::string_view() : std::string_view(row.second);
        scored_ += again ? 0 : 1;
        return true;
    }
    bool StartIdWalk() override {
        at_ = 0;
        return true;
    }
    bool NextById(std::int64_t& rowid, std::string_view& id, bool& end) override {
        end = at_ >= by_id_.size();
        if (!end) {
            id = by_id_[at_].first;
            rowid = by_id_[at_].second;
            ++at_;
        }
        return true;
    }
    int scored() const { return scored_; }
    int fail_after_ = -1;

private:
    const Table& table_;
    std::vector<std::pair<std::string, std::int64_t>> by_id_;
    std::set<std::int64_t> seen_;
    std::size_t at_ = 0;
    int scored_ = 0;
};

// The ids of the `capacity` best candidates scoring >= at_least, by a full sort.
std::vector<std::string> FullSort(const Table& t, std::size_t capacity, float at_least) {
    std::vector<ScoredRow> all;
    for (const auto& c : t.candidates) {
        const auto& row = t.rows.at(c.rowid);
        if (row.first >= at_least) {
            all.push_back({row.first, row.second, c.rowid});
        }
    }
    std::sort(all.begin(), all.end(), RanksBefore);
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < std::min(capacity, all.size()); ++i) {
        ids.push_back(all[i].id);
    }
    return ids;
}

std::vector<std::string> Take(const Table& t, std::size_t capacity, float at_least,
                              PageWork& work) {
    TableRows rows(t);
    TopRows top(capacity);
    EXPECT_TRUE(TakeTopRows(t.candidates, t.unread, t.n, at_least,
                            static_cast<std::int64_t>(t.rows.size()), rows, top, work));
    std::vector<std::string> ids;
    for (auto& row : top.TakeSorted()) {
        ids.push_back(std::move(row.id));
    }
    return ids;
}

TEST(TakeTopRowsTest, EqualsAFullSortWhateverTheTiesAndThePageDepth) {
    std::uint32_t seed = 1;
    for (double at_bound : {1.0, 0.3, 0.02, 0.0}) {
        for (double share : {0.05, 0.5}) {
            const Table t = MakeTable(seed++, 12'000, share, at_bound);
            for (std::size_t capacity : {1, 26, 251, 4'000}) {
                for (float at_least : {0.3f, 0.7f}) {
                    PageWork work;
                    EXPECT_EQ(Take(t, capacity, at_least, work), FullSort(t, capacity, at_least))
                        << "at_bound " << at_bound << " share " << share << " capacity " << capacity
                        << " at_least " << at_least;
                    EXPECT_LE(work.scored, t.candidates.size());
                }
            }
        }
    }
}

TEST(TakeTopRowsTest, ATierTiedAtItsBoundIsWalkedInIdOrderAndMostOfItIsNeverScored) {
    // 6,000 candidates, ~4,200 in the top tier, every one scoring its bound: a page of 26 needs
    // the 26 smallest ids of the top tier, not 4,200 reads.
    const Table t = MakeTable(42, 12'000, 0.5, 1.0);
    PageWork work;
    EXPECT_EQ(Take(t, 26, 0.3f, work), FullSort(t, 26, 0.3f));
    EXPECT_GT(work.walked, 0u);
    EXPECT_LE(work.scored, kIdWalkSample + 26);
}

TEST(TakeTopRowsTest, ATierThatRarelyReachesItsBoundIsScoredInRowOrderWithoutAWalk) {
    const Table t = MakeTable(43, 12'000, 0.5, 0.0);
    PageWork work;
    EXPECT_EQ(Take(t, 26, 0.3f, work), FullSort(t, 26, 0.3f));
    EXPECT_EQ(work.walked, 0u);
}

TEST(TakeTopRowsTest, ATryThatGivesUpLeavesRowsASecondCallCompletesWithoutScoringThemAgain) {
    // The first try sees a third of the candidates and must beat 1 (no row can): it gives up
    // once its sample is scored and its page is full. The second call, over all the
    // candidates and with the same heap, gives the full sort's page and scores no row twice.
    const Table t = MakeTable(45, 12'000, 0.5, 0.3);
    std::vector<SharedCount> third;
    for (std::size_t i = 0; i < t.candidates.size(); i += 3) {
        third.push_back(t.candidates[i]);
    }
    TableRows rows(t);
    TopRows top(26);
    PageWork first;
    ASSERT_TRUE(TakeTopRows(third, t.unread, t.n, 0.3f, static_cast<std::int64_t>(t.rows.size()),
                            rows, top, first, 1.0f));
    EXPECT_TRUE(first.gave_up);
    EXPECT_EQ(first.scored, kIdWalkSample);
    PageWork second;
    ASSERT_TRUE(TakeTopRows(t.candidates, t.unread, t.n, 0.3f,
                            static_cast<std::int64_t>(t.rows.size()), rows, top, second));
    EXPECT_FALSE(second.gave_up);
    std::vector<std::string> ids;
    for (auto& row : top.TakeSorted()) {
        ids.push_back(std::move(row.id));
    }
    EXPECT_EQ(ids, FullSort(t, 26, 0.3f));
    EXPECT_EQ(static_cast<std::size_t>(rows.scored()),
              first.scored + second.scored);  // each row read once
}

TEST(TakeTopRowsTest, ATryWhosePageBeatsTheBoundDoesNotGiveUp) {
    const Table t = MakeTable(46, 12'000, 0.5, 1.0);
    PageWork work;
    TableRows rows(t);
    TopRows top(26);
    ASSERT_TRUE(TakeTopRows(t.candidates, t.unread, t.n, 0.3f,
                            static_cast<std::int64_t>(t.rows.size()), rows, top, work, 0.5f));
    EXPECT_FALSE(work.gave_up);
    EXPECT_GT(top.worst().score, 0.5f);
}

TEST(TakeTopRowsTest, AFailedReadStopsThePageAndSaysSo) {
    const Table t = MakeTable(44, 4'000, 0.5, 1.0);
    // In the sample (< 256) and in the walk (this table's page scores 276 rows in all).
    for (int fail_after : {0, 10, 100, 260}) {
        TableRows rows(t);
        rows.fail_after_ = fail_after;
        TopRows top(26);
        PageWork work;
        EXPECT_FALSE(TakeTopRows(t.candidates, t.unread, t.n, 0.3f,
                                 static_cast<std::int64_t>(t.rows.size()), rows, top, work))
            << fail_after;
        EXPECT_EQ(work.scored, static_cast<std::size_t>(fail_after));
    }
}

}  // namespace
}  // namespace ea::store::search
