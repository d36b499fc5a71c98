#include "store/sqlite/fuzzy_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>

#include <sqlite3.h>

#include "store/search/shared_trigrams.hpp"
#include "store/search/similarity_page.hpp"
#include "store/search/trigram_text.hpp"
#include "store/search/word_similarity.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_dialect.hpp"

namespace ea::store::sqlite {
namespace {

// How many postings of each list are read ahead to estimate its length: ~n * 256 steps, well
// under a millisecond, against lists of up to ~75% of the table.
constexpr std::size_t kPeekPostings = 256;
// The first page try reads the smallest lists up to this many postings (~6 ms through FTS5).
constexpr std::int64_t kFirstTryPostings = 65'536;
// An FTS5 statement run (MATCH parsed, the term found, the block sought) costs about as much as
// reading this many postings (~250 µs against ~0.1 µs, from the sample's cost at 100k and 1M
// Events).
constexpr std::int64_t kStatementCostInPostings = 2'500;
// After a proved try, the sampled total judges after this many blocks whether to go on merging
// all n lists per block or to merge prefix filtering's candidates once.
constexpr std::size_t kTotalJudgedAfterBlocks = 4;
// Row ids per block of the sampled total. Small enough that the ~1,000 matches come from many
// places in the table, large enough that the n statement runs per block stay a small cost.
constexpr std::int64_t kSampleBlockIds = 4096;

// One trigram's posting list, read through a cached statement of the FTS5 table, optionally
// only the row ids in [from, to).
class FtsPostings final : public search::PostingCursor {
public:
    explicit FtsPostings(StatementLease stmt) : stmt_(std::move(stmt)) {}
    bool Next(std::int64_t& rowid) override {
        if (rc_ != SQLITE_OK) {
            return false;
        }
        const int rc = stmt_->Step();
        if (rc == SQLITE_ROW) {
            rowid = sqlite3_column_int64(stmt_->get(), 0);
            return true;
        }
        rc_ = rc;
        return false;
    }
    // SQLITE_OK while reading or after a clean end, else the error that stopped it.
    int error() const { return rc_ == SQLITE_DONE ? SQLITE_OK : rc_; }

private:
    StatementLease stmt_;
    int rc_ = SQLITE_OK;
};

// A list whose first postings were read ahead to judge its length; replays them, then goes on.
class PeekedPostings final : public search::PostingCursor {
public:
    explicit PeekedPostings(FtsPostings& list) : list_(list) {
        std::int64_t rowid = 0;
        while (ahead_.size() < kPeekPostings && list_.Next(rowid)) {
            ahead_.push_back(rowid);
        }
        ended_ = ahead_.size() < kPeekPostings;
    }
    bool Next(std::int64_t& rowid) override {
        if (at_ < ahead_.size()) {
            rowid = ahead_[at_++];
            return true;
        }
        return !ended_ && list_.Next(rowid);
    }
    // The whole list when it ended within the peek, else null.
    const std::vector<std::int64_t>* whole() const { return ended_ ? &ahead_ : nullptr; }
    // The list's length: exact when it ended within the peek, else scaled from how far into
    // the row ids its first postings reached (the lists are in row id order).
    std::int64_t EstimatedLength(std::int64_t max_rowid) const {
        const auto read = static_cast<std::int64_t>(ahead_.size());
        if (ended_) {
            return read;
        }
        const std::int64_t last = std::max<std::int64_t>(ahead_.back(), 1);
        return static_cast<std::int64_t>(static_cast<double>(read) *
                                         static_cast<double>(std::max(max_rowid, last)) /
                                         static_cast<double>(last));
    }

private:
    FtsPostings& list_;
    std::vector<std::int64_t> ahead_;
    std::size_t at_ = 0;
    bool ended_ = false;
};

// Opens one posting list per trigram of `field` (in `lists`, same order); with `range`, only the
// row ids in [range->first, range->second). The slot number makes each position its own cached
// statement, since all are open at once.
int OpenPostings(StatementCache& cache, const FuzzySearch& search,
                 const std::vector<std::string>& trigrams,
                 const std::optional<std::pair<std::int64_t, std::int64_t>>& range,
                 std::vector<std::unique_ptr<FtsPostings>>& lists) {
    lists.clear();
    const std::string fts = sql::Dialect::QuoteIdentifier(FtsTableName(*search.entity));
    const std::string column = FtsPhrase(FtsTrigramColumn(*search.field));
    for (std::size_t i = 0; i < trigrams.size(); ++i) {
        const std::string sql = "SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH ?1" +
                                (range ? " AND rowid >= ?2 AND rowid < ?3" : "") +
                                " ORDER BY rowid /* list " + std::to_string(i) + " */";
        int rc = SQLITE_OK;
        StatementLease stmt = cache.Get(sql, &rc);
        if (!stmt) {
            return rc;
        }
        if (rc = stmt->BindValue(1, boost::json::value(column + " : " + FtsPhrase(trigrams[i])));
            rc != SQLITE_OK) {
            return rc;
        }
        if (range) {
            if (rc = sqlite3_bind_int64(stmt->get(), 2, range->first); rc != SQLITE_OK) {
                return rc;
            }
            if (rc = sqlite3_bind_int64(stmt->get(), 3, range->second); rc != SQLITE_OK) {
                return rc;
            }
        }
        lists.push_back(std::make_unique<FtsPostings>(std::move(stmt)));
    }
    return SQLITE_OK;
}

int FirstError(const std::vector<std::unique_ptr<FtsPostings>>& lists) {
    for (const auto& list : lists) {
        if (list->error() != SQLITE_OK) {
            return list->error();
        }
    }
    return SQLITE_OK;
}

// The rows in at least k of the lists of `trigrams` (read from FTS5) and of `in_memory` (lists
// already read), restricted to `range` when given.
int RowsInAtLeastK(StatementCache& cache, const FuzzySearch& search,
                   const std::vector<std::string>& trigrams, int k,
                   const std::optional<std::pair<std::int64_t, std::int64_t>>& range,
                   std::vector<search::SharedCount>& out,
                   const std::vector<const std::vector<std::int64_t>*>& in_memory = {}) {
    out.clear();
    std::vector<std::unique_ptr<FtsPostings>> lists;
    if (int rc = OpenPostings(cache, search, trigrams, range, lists); rc != SQLITE_OK) {
        return rc;
    }
    std::vector<search::MemoryPostings> slices;
    slices.reserve(in_memory.size());
    std::vector<search::PostingCursor*> cursors;
    for (const auto* list : in_memory) {
        auto begin = list->begin();
        auto end = list->end();
        if (range) {
            begin = std::lower_bound(begin, end, range->first);
            end = std::lower_bound(begin, end, range->second);
        }
        if (begin != end) {
            cursors.push_back(&slices.emplace_back(std::span(begin, end)));
        }
    }
    for (const auto& list : lists) {
        cursors.push_back(list.get());
    }
    out = search::RowsInAtLeast(cursors, k);
    if (int rc = FirstError(lists); rc != SQLITE_OK) {
        out.clear();
        return rc;
    }
    return SQLITE_OK;
}

// Reads candidate rows and scores them, each row at most once per search.
class Scorer {
public:
    Scorer(StatementLease fetch, const search::WordSimilarityQuery& query, float at_least,
           const std::function<bool()>& past_deadline)
        : fetch_(std::move(fetch)),
          query_(query),
          at_least_(at_least),
          past_deadline_(past_deadline) {}
    Scorer(const Scorer&) = delete;
    Scorer& operator=(const Scorer&) = delete;

    // The full score of `rowid` in `s`, and its id in `id` (valid until the next call; empty,
    // with score 0, when the row is gone). Remembered for the total, and for a later page
    // attempt: a row scored before gets its score again, no id, and `again` set.
    int Score(std::int64_t rowid, float& s, std::string_view& id, bool& again) {
        id = {};
        if (const auto it = known_.find(rowid); it != known_.end()) {
            s = it->second;
            again = true;
            return SQLITE_OK;
        }
        again = false;
        std::string_view text;
        if (int rc = Read(rowid, text, id); rc != SQLITE_OK) {
            return rc;
        }
        s = query_.Against(text);
        known_[rowid] = s;
        return SQLITE_OK;
    }

    // Whether `rowid` scores >= the threshold: a score the page phase knows, or pg's early-exit
    // check. Not remembered: the total checks each row once, and an exact count's hundreds of
    // thousands of entries would be the search's largest allocation.
    int Matches(std::int64_t rowid, bool& match) {
        if (const auto it = known_.find(rowid); it != known_.end()) {
            match = it->second >= at_least_;
            return SQLITE_OK;
        }
        std::string_view text;
        std::string_view id;
        if (int rc = Read(rowid, text, id); rc != SQLITE_OK) {
            return rc;
        }
        match = query_.AtLeast(text, at_least_);
        return SQLITE_OK;
    }

private:
    int Read(std::int64_t rowid, std::string_view& text, std::string_view& id) {
        if ((++reads_ & 127) == 0 && past_deadline_()) {
            return SQLITE_INTERRUPT;
        }
        sqlite3_stmt* row = fetch_->get();
        fetch_->Reset();
        if (int rc = sqlite3_bind_int64(row, 1, rowid); rc != SQLITE_OK) {
            return rc;
        }
        const int rc = fetch_->Step();
        if (rc != SQLITE_ROW) {
            // Absent (cannot happen in one snapshot): not a match.
            return rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(row, 1));
        text = {value == nullptr ? "" : value,
                static_cast<std::size_t>(sqlite3_column_bytes(row, 1))};
        const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
        id = {key == nullptr ? "" : key, static_cast<std::size_t>(sqlite3_column_bytes(row, 0))};
        return SQLITE_OK;
    }

    StatementLease fetch_;
    const search::WordSimilarityQuery& query_;
    float at_least_;
    const std::function<bool()>& past_deadline_;
    std::size_t reads_ = 0;
    std::unordered_map<std::int64_t, float> known_;  // the full scores of the page phase
};

// The scorer and the table's id order, as the page reads them; keeps the first SQLite error.
class TablePageRows final : public search::PageRows {
public:
    TablePageRows(StatementCache& cache, const FuzzySearch& search, Scorer& scorer,
                  const std::function<bool()>& past_deadline)
        : cache_(cache), search_(search), scorer_(scorer), past_deadline_(past_deadline) {}

    bool Score(std::int64_t rowid, float& score, std::string_view& id, bool& again) override {
        rc_ = scorer_.Score(rowid, score, id, again);
        return rc_ == SQLITE_OK;
    }
    bool StartIdWalk() override {
        if (!walk_) {
            // The id column's unique index covers the walk (each entry holds the row id).
            walk_.emplace(
                cache_.Get("SELECT \"_rowid\", \"id\" FROM " +
                               sql::Dialect::QuoteIdentifier(sql::TableName(*search_.entity)) +
                               " ORDER BY \"id\"",
                           &rc_));
            if (!*walk_) {
                return false;
            }
        }
        (*walk_)->Reset();
        return true;
    }
    bool NextById(std::int64_t& rowid, std::string_view& id, bool& end) override {
        if ((++steps_ & 4095) == 0 && past_deadline_()) {
            rc_ = SQLITE_INTERRUPT;
            return false;
        }
        const int rc = (*walk_)->Step();
        end = rc != SQLITE_ROW;
        if (end) {
            rc_ = rc == SQLITE_DONE ? SQLITE_OK : rc;
            return rc_ == SQLITE_OK;
        }
        sqlite3_stmt* row = (*walk_)->get();
        rowid = sqlite3_column_int64(row, 0);
        const auto* key = reinterpret_cast<const char*>(sqlite3_column_text(row, 1));
        id = {key == nullptr ? "" : key, static_cast<std::size_t>(sqlite3_column_bytes(row, 1))};
        return true;
    }
    int rc() const { return rc_; }

private:
    StatementCache& cache_;
    const FuzzySearch& search_;
    Scorer& scorer_;
    const std::function<bool()>& past_deadline_;
    std::optional<StatementLease> walk_;  // leased at the first walk
    std::size_t steps_ = 0;
    int rc_ = SQLITE_OK;
};

// Offers `candidates` to `top`: each shares at most min(shared + unread, n) of the query's n
// distinct trigrams (`unread` lists were not merged); search::TakeTopRows scores as few as prove
// the page.
int TakeRows(const std::vector<search::SharedCount>& candidates, int unread, int n, float at_least,
             const FuzzySearch& search, TablePageRows& rows, search::TopRows& top,
             search::PageWork& work, float give_up_at = -1.0f) {
    if (!search::TakeTopRows(candidates, unread, n, at_least, search.table_rows, rows, top, work,
                             give_up_at)) {
        return rows.rc() != SQLITE_OK ? rows.rc() : SQLITE_ERROR;
    }
    return SQLITE_OK;
}

// The page and has_more from the offset + page + 1 best rows.
void FillPage(search::TopRows& top, const FuzzySearch& search, FuzzyAnswer& answer) {
    auto ranked = top.TakeSorted();
    const auto page_end = search.offset + search.page_size;
    answer.has_more = static_cast<std::int64_t>(ranked.size()) > page_end;
    for (auto r = search.offset; r < std::min<std::int64_t>(page_end, ranked.size()); ++r) {
        answer.page_ids.push_back(std::move(ranked[static_cast<std::size_t>(r)].id));
    }
}

// The exact count over the rows in at least k of all n lists.
int CountExactly(const std::vector<search::SharedCount>& candidates, Scorer& scorer,
                 std::int64_t& total) {
    total = 0;
    for (const auto& candidate : candidates) {
        bool match = false;
        if (int rc = scorer.Matches(candidate.rowid, match); rc != SQLITE_OK) {
            return rc;
        }
        total += match ? 1 : 0;
    }
    return SQLITE_OK;
}

}  // namespace

int AnswerFuzzy(StatementCache& cache, const FuzzySearch& search,
                const std::function<bool()>& past_deadline, std::optional<FuzzyAnswer>& out) {
    out.reset();
    const search::WordSimilarityQuery parsed(search.text);
    // The smallest float >= threshold: the float scores compare with it as with the double.
    float at_least = static_cast<float>(search.threshold);
    if (static_cast<double>(at_least) < search.threshold) {
        at_least = std::nextafter(at_least, std::numeric_limits<float>::infinity());
    }
    const int n = parsed.trigram_count();
    const int k = search::MinSharedTrigrams(n, at_least);
    if (k <= 0 || n != static_cast<int>(parsed.trigrams().size())) {
        return SQLITE_OK;
    }
    FuzzyAnswer answer;
    answer.total_kind =
        search.count == query::CountMode::kNone ? TotalKind::kNone : TotalKind::kExact;
    if (k > n) {
        out = std::move(answer);  // no value can reach the threshold
        return SQLITE_OK;
    }
    int rc = SQLITE_OK;
    StatementLease fetch =
        cache.Get("SELECT \"id\", " + sql::Dialect::QuoteIdentifier(search.field->name) + " FROM " +
                      sql::Dialect::QuoteIdentifier(sql::TableName(*search.entity)) +
                      " WHERE \"_rowid\" = ?1",
                  &rc);
    if (!fetch) {
        return rc;
    }
    Scorer scorer(std::move(fetch), parsed, at_least, past_deadline);
    TablePageRows rows(cache, search, scorer, past_deadline);
    const auto capacity = static_cast<std::size_t>(search.offset + search.page_size + 1);
    const auto& trigrams = parsed.trigrams();
    const bool automatic = search.count == query::CountMode::kAuto;
    const auto finish = [&](std::int64_t total, TotalKind kind) {
        answer.total = total;
        answer.total_kind = kind;
        out = std::move(answer);
        return SQLITE_OK;
    };

    // count=exact, or auto where the table is small enough to count: all lists, exact counts.
    std::vector<search::SharedCount> all;
    const auto count_all = [&]() -> int {
        if (all.empty()) {
            if (int src = RowsInAtLeastK(cache, search, trigrams, k, std::nullopt, all);
                src != SQLITE_OK) {
                return src;
            }
        }
        std::int64_t total = 0;
        if (int src = CountExactly(all, scorer, total); src != SQLITE_OK) {
            return src;
        }
        return finish(total, TotalKind::kExact);
    };
    if (search.count == query::CountMode::kExact ||
        (automatic && search.table_rows <= kSampleMaxRows)) {
        if (rc = RowsInAtLeastK(cache, search, trigrams, k, std::nullopt, all); rc != SQLITE_OK) {
            return rc;
        }
        search::TopRows top(capacity);
        search::PageWork work;
        if (rc = TakeRows(all, 0, n, at_least, search, rows, top, work); rc != SQLITE_OK) {
            return rc;
        }
        FillPage(top, search, answer);
        if (!answer.has_more && (!answer.page_ids.empty() || search.offset == 0)) {
            return finish(search.offset + static_cast<std::int64_t>(answer.page_ids.size()),
                          TotalKind::kExact);
        }
        return count_all();
    }

    // 1. The lists, with their lengths estimated from their first postings; the smallest first.
    std::vector<std::unique_ptr<FtsPostings>> lists;
    if (rc = OpenPostings(cache, search, trigrams, std::nullopt, lists); rc != SQLITE_OK) {
        return rc;
    }
    std::vector<std::unique_ptr<PeekedPostings>> peeked;
    std::vector<std::int64_t> lengths;
    for (const auto& list : lists) {
        peeked.push_back(std::make_unique<PeekedPostings>(*list));
        lengths.push_back(peeked.back()->EstimatedLength(search.table_rows));
    }
    // Prefix filtering: a row in at least k of the n lists is in one of any n - k + 1 of them,
    // so the k - 1 largest need not be read to find the candidates.
    const auto skipped = search::LargestLists(lengths, k);
    std::vector<std::size_t> by_length;  // the other lists, the smallest first
    std::vector<std::string> unread_trigrams;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        if (std::find(skipped.begin(), skipped.end(), i) == skipped.end()) {
            by_length.push_back(i);
        } else {
            unread_trigrams.push_back(trigrams[i]);
        }
    }
    std::stable_sort(by_length.begin(), by_length.end(),
                     [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
    const std::size_t prefix = by_length.size();

    // 2. The page. First try: the smallest lists up to kFirstTryPostings postings (m of them).
    // A row in none of them shares at most n - m trigrams, so once the page's worst row scores
    // above SimilarityBound(n - m, n), the rows of the other lists cannot enter it, however
    // many: for "chess turnament", the lists of "tur", "urn", "rna", "nam" and "men" (~64k
    // postings) instead of the twelve of prefix filtering (~520k).
    search::TopRows top(capacity);
    std::vector<std::vector<std::int64_t>> read_whole;  // the first try's lists, by position
    std::size_t first_try = 0;
    for (std::int64_t postings = 0;
         first_try + 1 < prefix && postings + lengths[by_length[first_try]] <= kFirstTryPostings;
         ++first_try) {
        postings += lengths[by_length[first_try]];
    }
    std::int64_t rest_of_prefix = 0;  // postings of prefix filtering's lists not read by the try
    for (std::size_t i = first_try; i < prefix; ++i) {
        rest_of_prefix += lengths[by_length[i]];
    }
    bool proved = false;
    if (first_try > 0) {
        std::vector<search::PostingCursor*> read;
        for (std::size_t i = 0; i < first_try; ++i) {
            auto& rows_of_list = read_whole.emplace_back();
            std::int64_t rowid = 0;
            while (peeked[by_length[i]]->Next(rowid)) {
                rows_of_list.push_back(rowid);
            }
        }
        if (rc = FirstError(lists); rc != SQLITE_OK) {
            return rc;
        }
        std::vector<search::MemoryPostings> replay(read_whole.begin(), read_whole.end());
        for (auto& list : replay) {
            read.push_back(&list);
        }
        const auto candidates = search::RowsInAtLeast(read, 1);
        // Each candidate may hold all n - m unread lists, a looser bound than prefix
        // filtering's, so a try that cannot prove the page may score many rows prefix filtering
        // would skip: it gives up as soon as its page is full at or below the bound it must
        // beat ("jaz nite": 0.462 against 5/9). The rows it scored are not scored again.
        const int unread = n - static_cast<int>(first_try);
        const float must_beat = search::SimilarityBound(unread, n);
        search::PageWork work;
        if (rc = TakeRows(candidates, unread, n, at_least, search, rows, top, work, must_beat);
            rc != SQLITE_OK) {
            return rc;
        }
        proved = !work.gave_up && top.full() && top.worst().score > must_beat;
    }
    // Else prefix filtering: the n - k + 1 smallest lists (the first try's again from memory),
    // every row in them a candidate holding at most its count + k - 1 query trigrams; `top`
    // keeps what the first try found, and its rows are not scored again.
    std::vector<search::SharedCount> candidates;  // shared: how many of the read lists
    const auto prefix_candidates = [&]() -> int {
        std::vector<search::MemoryPostings> replay(read_whole.begin(), read_whole.end());
        std::vector<search::PostingCursor*> read;
        std::int64_t most = 0;  // the union is at most the sum (estimates: a hint only)
        for (std::size_t i = 0; i < prefix; ++i) {
            read.push_back(i < replay.size() ? static_cast<search::PostingCursor*>(&replay[i])
                                             : peeked[by_length[i]].get());
            most += lengths[by_length[i]];
        }
        candidates = search::RowsInAtLeast(
            read, 1, static_cast<std::size_t>(std::min<std::int64_t>(most, search.table_rows + 1)));
        return FirstError(lists);
    };
    if (!proved) {
        if (rc = prefix_candidates(); rc != SQLITE_OK) {
            return rc;
        }
        search::PageWork work;
        if (rc = TakeRows(candidates, static_cast<int>(unread_trigrams.size()), n, at_least, search,
                          rows, top, work);
            rc != SQLITE_OK) {
            return rc;
        }
    }
    FillPage(top, search, answer);

    // 3. The total.
    const auto seen = search.offset + static_cast<std::int64_t>(answer.page_ids.size());
    if (search.count == query::CountMode::kNone) {
        return finish(0, TotalKind::kNone);
    }
    if (!answer.has_more && (!answer.page_ids.empty() || search.offset == 0)) {
        return finish(seen, TotalKind::kExact);
    }
    // Spread blocks of row ids until kSampleMinMatches matches. In a block, the rows sharing
    // >= k are found by merging lists over the block's row ids only (FTS5 seeks to it), and
    // checked: with prefix filtering's candidates, only the unread lists are merged, which
    // completes the shared count of the block's candidates; after a proved first try, all n.
    const std::int64_t max_rowid = std::max<std::int64_t>(search.table_rows, 1);
    const auto blocks = static_cast<std::size_t>(max_rowid / kSampleBlockIds + 1);
    search::SpreadOrder order(blocks);
    std::int64_t hits = 0;
    std::int64_t visited_ids = 0;
    std::size_t visited_blocks = 0;
    std::vector<std::unique_ptr<FtsPostings>> block_lists;
    std::vector<int> shared;  // per candidate of the block
    std::vector<search::SharedCount> block_rows;
    const auto by_rowid = [](const search::SharedCount& c, std::int64_t r) { return c.rowid < r; };
    bool have_candidates = !proved;
    // After a proved try: the lists whose postings are all in memory (the try's, and those that
    // ended within their first postings), and the trigrams of the others.
    std::vector<const std::vector<std::int64_t>*> memory_lists;
    std::vector<std::string> fts_trigrams;
    if (!have_candidates) {
        std::vector<const std::vector<std::int64_t>*> in_memory(lists.size(), nullptr);
        for (std::size_t i = 0; i < read_whole.size(); ++i) {
            in_memory[by_length[i]] = &read_whole[i];
        }
        for (std::size_t i = 0; i < lists.size(); ++i) {
            if (in_memory[i] == nullptr) {
                in_memory[i] = peeked[i]->whole();
            }
            if (in_memory[i] != nullptr) {
                memory_lists.push_back(in_memory[i]);
            } else {
                fts_trigrams.push_back(trigrams[i]);
            }
        }
    }
    const auto visit = [&](std::size_t b) -> int {
        ++visited_blocks;
        const std::int64_t from = static_cast<std::int64_t>(b) * kSampleBlockIds;
        // The last block is open-ended, so the blocks together cover every row id.
        const std::int64_t to =
            b + 1 == blocks ? std::numeric_limits<std::int64_t>::max() : from + kSampleBlockIds;
        visited_ids += std::min(to, max_rowid + 1) - std::max<std::int64_t>(from, 1);
        if (!have_candidates) {
            // The lists in memory are sliced to the block; the others are read from FTS5.
            if (int src = RowsInAtLeastK(cache, search, fts_trigrams, k, std::make_pair(from, to),
                                         block_rows, memory_lists);
                src != SQLITE_OK) {
                return src;
            }
            for (const auto& row : block_rows) {
                bool match = false;
                if (int mrc = scorer.Matches(row.rowid, match); mrc != SQLITE_OK) {
                    return mrc;
                }
                hits += match ? 1 : 0;
            }
            return SQLITE_OK;
        }
        const auto first = std::lower_bound(candidates.begin(), candidates.end(), from, by_rowid);
        const auto last = std::lower_bound(first, candidates.end(), to, by_rowid);
        if (first == last) {
            return SQLITE_OK;
        }
        shared.clear();
        for (auto it = first; it != last; ++it) {
            shared.push_back(it->shared);
        }
        if (int src =
                OpenPostings(cache, search, unread_trigrams, std::make_pair(from, to), block_lists);
            src != SQLITE_OK) {
            return src;
        }
        for (const auto& list : block_lists) {
            auto at = first;
            std::int64_t rowid = 0;
            while (at != last && list->Next(rowid)) {
                at = std::lower_bound(at, last, rowid, by_rowid);
                if (at != last && at->rowid == rowid) {
                    ++shared[static_cast<std::size_t>(at - first)];
                    ++at;
                }
            }
        }
        const int src = FirstError(block_lists);
        block_lists.clear();
        if (src != SQLITE_OK) {
            return src;
        }
        for (auto it = first; it != last; ++it) {
            if (shared[static_cast<std::size_t>(it - first)] < k) {
                continue;
            }
            bool match = false;
            if (int mrc = scorer.Matches(it->rowid, match); mrc != SQLITE_OK) {
                return mrc;
            }
            hits += match ? 1 : 0;
        }
        return SQLITE_OK;
    };
    for (std::size_t b = 0; hits < kSampleMinMatches && order.Next(b);) {
        if (rc = visit(b); rc != SQLITE_OK) {
            return rc;
        }
        // All n lists per block read fewer postings than prefix filtering's merge, but run
        // more statements: where the sample must visit many blocks (tables of ~100k rows,
        // where 1,000 matches take much of the table), merging the rest of prefix filtering's
        // lists once and then only the k - 1 unread per block costs less. The blocks already
        // visited were counted exactly either way.
        if (!have_candidates && visited_blocks == kTotalJudgedAfterBlocks) {
            const auto left = static_cast<double>(blocks - visited_blocks);
            const double blocks_to_go =
                hits == 0 ? left
                          : std::min(left, static_cast<double>(kSampleMinMatches - hits) *
                                               static_cast<double>(visited_blocks) /
                                               static_cast<double>(hits));
            const auto extra_statements = static_cast<double>(
                std::max<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(fts_trigrams.size()) -
                                             static_cast<std::ptrdiff_t>(unread_trigrams.size()),
                                         0));
            const double local_extra =
                blocks_to_go *
                (extra_statements * static_cast<double>(kStatementCostInPostings) +
                 static_cast<double>(rest_of_prefix) * static_cast<double>(kSampleBlockIds) /
                     static_cast<double>(max_rowid));
            if (local_extra > static_cast<double>(rest_of_prefix)) {
                if (rc = prefix_candidates(); rc != SQLITE_OK) {
                    return rc;
                }
                have_candidates = true;
            }
        }
    }
    if (visited_blocks == blocks) {
        return finish(hits, TotalKind::kExact);  // every row id was visited
    }
    std::int64_t estimate = static_cast<std::int64_t>(
        std::llround(static_cast<double>(hits) * static_cast<double>(max_rowid) /
                     static_cast<double>(std::max<std::int64_t>(visited_ids, 1))));
    if (automatic && estimate <= kAutoExactRows) {
        // Within auto's budget: visit the remaining blocks too (the unread lists over the rest
        // of the row ids; the read lists are not merged again), which makes the count exact.
        // After a proved first try, prefix filtering's candidates are found now and every block
        // is counted again their way.
        if (!have_candidates) {
            if (rc = prefix_candidates(); rc != SQLITE_OK) {
                return rc;
            }
            have_candidates = true;
            hits = 0;
            order = search::SpreadOrder(blocks);
        }
        for (std::size_t b = 0; order.Next(b);) {
            if (rc = visit(b); rc != SQLITE_OK) {
                return rc;
            }
        }
        return finish(hits, TotalKind::kExact);
    }
    // What the page saw bounds the estimate: more rows than it read, or (past the end) no more
    // than the rows before it.
    estimate = answer.has_more ? std::max(estimate, seen + 1) : std::min(estimate, search.offset);
    return finish(estimate, TotalKind::kEstimate);
}

}  // namespace ea::store::sqlite
