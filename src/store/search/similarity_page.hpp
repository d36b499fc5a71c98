// The page of a similarity-ordered search (score descending, then id ascending) from candidates
// whose scores are bounded by how many of the query's trigrams they may share: the fewest rows
// scored that prove the page. Pure computation over an abstract row source, so a backend can
// feed it from its own table and tests from vectors. docs/query.md, "How fuzzy finds its
// candidates".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "store/search/shared_trigrams.hpp"

namespace ea::store::search {

// What the page reads. Each call returns false on an error, which the source keeps for its owner
// to report; the page stops at once.
class PageRows {
public:
    virtual ~PageRows() = default;
    // The score of `rowid` and its id (the id is valid until the next Score; empty, with score
    // 0, when the row is gone). `again` is set when this source scored the row before: it was
    // offered to the page then (an earlier call of TakeTopRows with the same TopRows), so only
    // its score is given and it is not offered twice.
    virtual bool Score(std::int64_t rowid, float& score, std::string_view& id, bool& again) = 0;
    // Starts a walk over every row of the table in id order (byte order, as RanksBefore).
    virtual bool StartIdWalk() = 0;
    // The walk's next row; `end` is set when there is none (the id is valid until the next call).
    virtual bool NextById(std::int64_t& rowid, std::string_view& id, bool& end) = 0;
};

// What taking the page cost, for benchmarks and tests.
struct PageWork {
    std::size_t scored = 0;  // rows scored (not counting rows scored before)
    std::size_t walked = 0;  // rows stepped over in id order
    bool gave_up = false;    // stopped by `give_up_at`: `top` is not the page
};

// A tier is the candidates of one bound. A tier smaller than this is scored whole.
inline constexpr std::size_t kIdWalkMinTier = 1024;
// How many of a larger tier's rows (in row id order) are scored to judge a walk in id order.
inline constexpr std::size_t kIdWalkSample = 256;

// Offers to `top` every candidate that can rank among its capacity best, scoring as few as it
// can prove. `top` may hold the rows of an earlier call over a subset of these candidates (a
// first try from fewer lists): they stay, and are not scored again. `candidates` ascend by row id,
// and each holds `shared` of the lists that were read and may hold each of the `unread` others, so
// it scores at most SimilarityBound(min(shared + unread, n), n). Tiers are taken by bound
// descending; once `top` is full and its worst row ranks before anything a tier's bound allows, the
// rest is not read.
//
// Within a large tier, many rows often score exactly the bound (every row holding "poetry" and
// "slam" scores 11/13 against "poetry slamm"), and ties rank by id: once `top` is full of rows
// at the bound, only rows with a smaller id can still enter. When a sample of the tier suggests
// the page fills from the bound soon enough, the tier is visited in id order (PageRows's walk,
// membership by binary search) and the visit stops at the first id past the worst row kept;
// the rows it never reaches are never scored. Otherwise the tier is scored in row id order
// (neighbouring rows share table pages).
//
// A caller trying a cheaper candidate set first, one that proves the page only if its worst row
// scores above some bound, passes that bound as `give_up_at`: once kIdWalkSample rows are
// scored and `top` is full with its worst row at or below it, the try is judged lost and
// TakeTopRows gives up (work.gave_up) instead of scoring on.
bool TakeTopRows(const std::vector<SharedCount>& candidates, int unread, int n, float at_least,
                 std::int64_t table_rows, PageRows& rows, TopRows& top, PageWork& work,
                 float give_up_at = -1.0f);

}  // namespace ea::store::search
