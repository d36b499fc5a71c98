#include "store/search/similarity_page.hpp"

#include <algorithm>

namespace ea::store::search {
namespace {

// A row scored counts as this many steps of the walk in id order (a table row read, most often
// its own page, and a score, against the next entry of the id index). It is set above the
// measured ratio (~5-25, by cache and mapping) because the sample's count of rows at the bound
// is small and noisy: at 8, "roftop" on 1M Events turned down a walk that paid (21.6 ms
// against 15.8 ms with it).
constexpr double kScoreCostInSteps = 25;

// Whether visiting a tier in id order should cost less than scoring the rest of it, judged from
// a sample: `hits` of its first `sampled` rows scored the bound. The walk scores about
// capacity * sampled / hits of the tier's rows before the page is full of rows at the bound, and
// steps over table_rows / size rows of the table per row of the tier it meets.
bool WalkPaysOff(std::size_t hits, std::size_t sampled, std::size_t size, std::size_t capacity,
                 std::int64_t table_rows) {
    if (hits == 0 || sampled >= size) {
        return false;
    }
    const double members =
        static_cast<double>(capacity) * static_cast<double>(sampled) / static_cast<double>(hits);
    if (members >= static_cast<double>(size)) {
        return false;
    }
    const double steps = members * static_cast<double>(std::max<std::int64_t>(table_rows, 1)) /
                         static_cast<double>(size);
    return members * kScoreCostInSteps + steps <
           static_cast<double>(size - sampled) * kScoreCostInSteps;
}

}  // namespace

bool TakeTopRows(const std::vector<SharedCount>& candidates, int unread, int n, float at_least,
                 std::int64_t table_rows, PageRows& rows, TopRows& top, PageWork& work,
                 float give_up_at) {
    // False on an error, or (with work.gave_up set) when the try is judged lost.
    const auto score = [&](std::int64_t rowid, float& s) {
        if (work.scored >= kIdWalkSample && top.full() && top.worst().score <= give_up_at) {
            work.gave_up = true;
            return false;
        }
        std::string_view id;
        bool again = false;
        if (!rows.Score(rowid, s, id, again)) {
            return false;
        }
        if (!again) {
            ++work.scored;
            if (s >= at_least) {
                top.Offer(s, id, rowid);
            }
        }
        return true;
    };
    const std::vector<std::uint32_t> order = BySharedDescending(candidates);
    // Of a tier walked in id order: a bit per row id, set while the row is in the tier and not
    // yet scored (one test per row of the walk).
    std::vector<std::uint64_t> unscored;
    for (std::size_t at = 0; at < order.size();) {
        const int shared = candidates[order[at]].shared;
        std::size_t end = at;
        while (end < order.size() && candidates[order[end]].shared == shared) {
            ++end;
        }
        const float bound = SimilarityBound(std::min(shared + unread, n), n);
        // Nothing in this tier or a later one (lower bounds) can enter.
        const auto closed = [&] { return top.full() && top.worst().score > bound; };
        if (bound < at_least || closed()) {
            return true;
        }
        const std::size_t size = end - at;
        std::size_t next = at;  // the first row of the tier not yet scored, in row id order
        if (size >= kIdWalkMinTier) {
            std::size_t hits = 0;
            for (; next < at + kIdWalkSample; ++next) {
                float s = 0;
                if (!score(candidates[order[next]].rowid, s)) {
                    return work.gave_up;
                }
                hits += s >= bound ? 1 : 0;
            }
            if (closed()) {
                return true;
            }
            // Row ids ascend within a tier. The bitmap spans them: table_rows / 8 bytes at most.
            const std::int64_t smallest_rowid = candidates[order[at]].rowid;
            const std::int64_t largest_rowid = candidates[order[end - 1]].rowid;
            if (smallest_rowid >= 0 && largest_rowid <= table_rows &&
                WalkPaysOff(hits, kIdWalkSample, size, top.capacity(), table_rows)) {
                const auto largest = static_cast<std::uint64_t>(largest_rowid);
                unscored.assign(largest / 64 + 1, 0);
                for (std::size_t i = next; i < end; ++i) {
                    const auto r = static_cast<std::uint64_t>(candidates[order[i]].rowid);
                    unscored[r / 64] |= std::uint64_t{1} << (r % 64);
                }
                if (!rows.StartIdWalk()) {
                    return false;
                }
                for (;;) {
                    std::int64_t rowid = 0;
                    std::string_view id;
                    bool finished = false;
                    if (!rows.NextById(rowid, id, finished)) {
                        return false;
                    }
                    if (finished) {
                        break;  // every row of the tier was met
                    }
                    ++work.walked;
                    // The tier's rows not yet met have this id or a larger one and score at
                    // most the bound: none ranks before the worst row kept.
                    if (top.full() && (top.worst().score > bound ||
                                       (top.worst().score == bound && id >= top.worst().id))) {
                        break;
                    }
                    const auto r = static_cast<std::uint64_t>(rowid);
                    if (rowid < 0 || r / 64 >= unscored.size() ||
                        (unscored[r / 64] & (std::uint64_t{1} << (r % 64))) == 0) {
                        continue;
                    }
                    unscored[r / 64] &= ~(std::uint64_t{1} << (r % 64));
                    float s = 0;
                    if (!score(rowid, s)) {
                        return work.gave_up;
                    }
                }
                at = end;
                continue;
            }
        }
        for (; next < end; ++next) {
            if (closed()) {
                return true;
            }
            float s = 0;
            if (!score(candidates[order[next]].rowid, s)) {
                return work.gave_up;
            }
        }
        at = end;
    }
    return true;
}

}  // namespace ea::store::search
