// A fuzzy search (pg_trgm word_similarity >= threshold) answered from an entity's FTS5 trigram
// index when it is a list's whole filter and no sort is given: the page in similarity order and
// the total the count mode asks for, each candidate row scored at most once. Runs on the
// caller's connection, inside its read transaction. Internal to store/sqlite; docs/query.md,
// "How fuzzy finds its candidates".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
#include "store/sqlite/sqlite_statement.hpp"

namespace ea::store::sqlite {

// A fuzzy search that is a list's whole filter, in similarity order (no sort).
struct FuzzySearch {
    const schema::Entity* entity = nullptr;
    const schema::Field* field = nullptr;  // a free-text field of entity
    std::string_view text;
    double threshold = 0.3;
    std::int64_t offset = 0;  // rows before the page
    int page_size = 25;
    query::CountMode count = query::CountMode::kAuto;
    // The table's largest row number (for auto and estimated): auto counts exactly on a table of
    // at most kSampleMaxRows rows, as for every other filter (docs/query.md, "Totals"), and a
    // sampled total scales by it.
    std::int64_t table_rows = 0;
};

// What it answers: the page's ids in order, whether a row follows the page, and the total the
// count mode asks for.
struct FuzzyAnswer {
    std::vector<std::string> page_ids;
    bool has_more = false;
    std::int64_t total = 0;
    TotalKind total_kind = TotalKind::kExact;
};

// Let n be the query's distinct trigrams and k = MinSharedTrigrams(n, t): a row scoring s >= t
// has s = fl(count / (n + e - count)) for some extent holding `count` distinct query trigrams
// among e >= count distinct trigrams, so fl(count / n) >= s >= t and the row shares at least
// count >= k of the query's trigrams (proof in trigram_text.cpp; pg_trgm's GIN consistent
// function keeps a row by the same test, ntrue / nkeys >= limit).
//  * count=exact, and auto on a table of at most kSampleMaxRows rows: the candidates are the rows
//    in at least k of the n posting lists (a heap merge of all of them, search::RowsInAtLeast);
//    the page is taken from them by shared count (below), and every other candidate is checked
//    once (WordSimilarityQuery::AtLeast, pg's early exit).
//  * count=auto (larger tables), estimated and none. The page (search::TakeTopRows: candidates
//    by their bound SimilarityBound(shared, n) = fl(shared / n) descending, each scored at most
//    once into a bounded heap of offset + page + 1 rows, until the heap is full and the next
//    bound is below its worst score; a large tier of one bound visited in id order when its
//    rows tie at the bound) is tried first from the smallest lists only, up to
//    kFirstTryPostings postings (m lists): a row in none of them shares at most n - m
//    trigrams, so the try proves the page when its worst row scores above fl((n - m) / n).
//    Else prefix filtering: a row in at least k of n lists is in at least one of any n - k + 1
//    of them, so the k - 1 largest lists (sizes estimated from their first postings) are not
//    read; the candidates are the rows of the others, each with c = how many of those hold it,
//    so it shares at most c + k - 1 trigrams, and the page is taken again from them (the rows
//    the try scored are kept and not read again).
//    The total, when the page does not reach the end: spread blocks of row ids are visited,
//    until kSampleMinMatches matches, and the matches scale by the row ids visited. In a block,
//    the rows sharing >= k are found from lists merged over the block's row ids only (FTS5
//    seeks to the block) and checked: all n lists after a proved try; with prefix filtering's
//    candidates, only the k - 1 unread lists, which complete the candidates' shared counts.
//    auto makes an estimate within kAutoExactRows exact by prefix filtering's candidates and
//    every block, as for every filter.
// `past_deadline` is asked every 128 scored rows; when it returns true the search stops with
// SQLITE_INTERRUPT. Returns an SQLite result code; on SQLITE_OK, `out` is empty when the search
// cannot be answered this way (threshold <= 0, where every row qualifies, or two query trigrams
// with the same pg code) and the caller's SQL plan must answer it.
int AnswerFuzzy(StatementCache& cache, const FuzzySearch& search,
                const std::function<bool()>& past_deadline, std::optional<FuzzyAnswer>& out);

}  // namespace ea::store::sqlite
