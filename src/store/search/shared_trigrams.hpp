// Fuzzy candidates by shared trigrams: the T-occurrence problem (which rows appear in at least k
// of n sorted posting lists) and the bounded top-k of a similarity-ordered page. Pure
// computation over abstract posting lists, so a backend can feed it from its own index (SQLite
// FTS5 here) and tests from vectors. docs/query.md, "How fuzzy finds its candidates".
#pragma once

#include <cstddef>
#include <cstdint>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ea::store::search {

// One posting list: the row ids holding one trigram, strictly ascending.
class PostingCursor {
public:
    virtual ~PostingCursor() = default;
    // Sets `rowid` to the next row id and returns true, or returns false at the end (or on an
    // error, which the cursor keeps for its owner to report).
    virtual bool Next(std::int64_t& rowid) = 0;
};

// A posting list (or a slice of one) already in memory. It does not own the rows.
class MemoryPostings final : public PostingCursor {
public:
    explicit MemoryPostings(std::span<const std::int64_t> rows) : rows_(rows) {}
    bool Next(std::int64_t& rowid) override {
        if (at_ >= rows_.size()) {
            return false;
        }
        rowid = rows_[at_++];
        return true;
    }

private:
    std::span<const std::int64_t> rows_;
    std::size_t at_ = 0;
};

struct SharedCount {
    std::int64_t rowid = 0;
    int shared = 0;  // how many of the lists hold rowid
};

// The rows present in at least `k` of `lists` (k >= 1), ascending by row id, each with the
// number of lists holding it: a heap merge of the lists, one step per posting, memory O(lists +
// result). Stops reading once fewer than k lists have rows left. `expected_rows`, when known
// (an upper bound of the result), is reserved up front: the memory is only touched as rows are
// found, and the vector never holds two copies while it grows.
std::vector<SharedCount> RowsInAtLeast(const std::vector<PostingCursor*>& lists, int k,
                                       std::size_t expected_rows = 0);

// Prefix filtering: a row sharing at least k of n lists holds at least one of any n - k + 1 of
// them, so the k - 1 largest lists can go unread when candidates are generated (each candidate's
// shared count is then known only up to those k - 1). Returns the indices of the
// min(k - 1, lists) largest of `sizes` (estimated list lengths), largest first; ties by index.
std::vector<std::size_t> LargestLists(const std::vector<std::int64_t>& sizes, int k);

// Positions 0..rows.size()-1 ordered by `shared` descending, ascending position within one
// shared count (a counting sort: O(rows + largest count), no comparison sort of all rows).
std::vector<std::uint32_t> BySharedDescending(const std::vector<SharedCount>& rows);

// The order of a fuzzy page when no sort is given: similarity descending, then id ascending
// (byte order, as SQLite's BINARY collation compares the id column).
struct ScoredRow {
    float score = 0;
    std::string id;
    std::int64_t rowid = 0;
};
inline bool RanksBefore(const ScoredRow& a, const ScoredRow& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

// Keeps the `capacity` best rows offered (RanksBefore order) in a heap whose top is the worst
// kept: O(log capacity) per offer, never more than capacity rows.
class TopRows {
public:
    explicit TopRows(std::size_t capacity) : capacity_(capacity) {}
    void Offer(float score, std::string_view id, std::int64_t rowid);
    bool full() const { return heap_.size() >= capacity_; }
    std::size_t capacity() const { return capacity_; }
    // The worst row kept. REQUIRES: !empty().
    const ScoredRow& worst() const { return heap_.top(); }
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    // The kept rows, best first. Empties the heap.
    std::vector<ScoredRow> TakeSorted();

private:
    struct WorstOnTop {
        bool operator()(const ScoredRow& a, const ScoredRow& b) const { return RanksBefore(a, b); }
    };
    std::size_t capacity_;
    std::priority_queue<ScoredRow, std::vector<ScoredRow>, WorstOnTop> heap_;
};

// An upper bound of word_similarity for a value sharing `shared` distinct trigrams with a query
// of `query_trigram_count` (proof beside MinSharedTrigrams in trigram_text.cpp: the score is
// fl(count / d) with count <= shared and d >= query_trigram_count).
float SimilarityBound(int shared, int query_trigram_count);

// Indices 0..n-1 in bit-reversed order of the next power of two (0, n/2, n/4, 3n/4, ...): every
// prefix of the visit is spread evenly over the range, so stopping early still samples all of it.
class SpreadOrder {
public:
    explicit SpreadOrder(std::size_t n);
    // The next index, or false when all n were visited.
    bool Next(std::size_t& index);

private:
    std::size_t n_;
    int bits_ = 0;
    std::uint64_t next_ = 0;
};

}  // namespace ea::store::search
