// Candidate queries over an entity's FTS5 search index ("_fts_<Entity>", see sqlite_dialect.hpp)
// that the SQL text of a list cannot express: the rows sharing at least k trigrams with a fuzzy
// query, merged from the trigrams' posting lists (search::RowsInAtLeast). Runs on the caller's
// connection, inside its read transaction. Internal to store/sqlite.
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
#include "store/search/shared_trigrams.hpp"
#include "store/sqlite/sqlite_statement.hpp"

namespace ea::store::sqlite {

// Bump when what the FTS index stores changes (TrigramIndexText, column layout): the index of a
// contentless FTS5 table can only be maintained with exactly the values it was built from, so a
// change rebuilds it on the next open.
inline constexpr std::string_view kFtsVersion = "fts-v3";

// The SQL text that creates, fills and maintains `entity`'s search index, built once at open.
// Every string is empty when the entity has no free-text field. Plain VALUES statements for the
// upkeep on purpose: an INSERT ... SELECT opens a statement savepoint, at which FTS5 flushes its
// pending terms (~3x slower writes).
struct SearchIndexSql {
    std::vector<const schema::Field*> fields;  // FreeTextFields(entity): the indexed columns
    std::string signature;   // kFtsVersion and the field names: a different one rebuilds
    std::string create;      // the contentless FTS5 table
    std::string fill;        // every row of the entity's table (a rebuild)
    std::string insert;      // adds rowid ?1 with the values ?2.. (one per field)
    std::string remove;      // removes rowid ?1 given the values ?2.. it was added with
    std::string old_values;  // SELECT "_rowid", fields... FROM the table WHERE "id" = ?1
};
SearchIndexSql BuildSearchIndexSql(const schema::Entity& entity);

// The rows of `entity` whose `field` has at least `k` of `trigrams` (distinct 3-character
// strings as search::QueryTrigrams gives them), ascending by row id, with how many each has.
// One statement per trigram reads its posting list in row id order; the statements are cached
// in `cache` (one slot per list position). Returns an SQLite result code (SQLITE_OK on success).
int RowsSharingTrigrams(StatementCache& cache, const schema::Entity& entity,
                        const schema::Field& field, const std::vector<std::string>& trigrams, int k,
                        std::vector<search::SharedCount>& out);

// A fuzzy search that is a list's whole filter, in similarity order (no sort).
struct FuzzySearch {
    const schema::Entity* entity = nullptr;
    const schema::Field* field = nullptr;  // a free-text field of entity
    std::string_view text;
    double threshold = 0.3;
    std::int64_t offset = 0;  // rows before the page
    int page_size = 25;
    query::CountMode count = query::CountMode::kAuto;
    // The table's largest row number: auto counts exactly on a table of at most kSampleMaxRows
    // rows, as for every other filter (docs/query.md, "Totals").
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

// Answers `search` from the search index, each candidate scored at most once (docs/query.md,
// "How fuzzy finds its candidates"):
//  1. candidates: the rows sharing at least k of the query's n distinct trigrams, merged from the
//     trigrams' posting lists (RowsSharingTrigrams). k = MinSharedTrigrams(n, t): a row scoring
//     s >= t has s = fl(count / (n + e - count)) for some extent holding `count` distinct query
//     trigrams and e >= count distinct trigrams, so fl(count / n) >= s >= t and the row shares
//     at least count >= k trigrams (proof in trigram_text.cpp). pg_trgm's GIN consistent function
//     for word_similarity keeps a row by the same test (ntrue / nkeys >= limit);
//  2. the page: candidates by shared count descending. A row sharing c trigrams scores at most
//     fl(c / n) (SimilarityBound), so once the bounded heap holds the page plus the row that
//     tells whether more follow, and the next candidate's bound is below the heap's worst
//     score, no remaining candidate can enter the page;
//  3. the total: the page phase's scores are kept. exact scores the rest (AtLeast, with pg's
//     early exit); auto does that when there are at most kAutoExactRows candidates (or the table
//     has at most kSampleMaxRows rows), otherwise
//     (and estimated always) it scores spread blocks of candidates until kSampleMinMatches
//     matches and scales by the candidate count (exact again when the estimate is within the
//     budget, for auto).
// `past_deadline` is asked every 128 scored rows; when it returns true the search stops with
// SQLITE_INTERRUPT. Returns an SQLite result code; on SQLITE_OK, `out` is empty when the
// search cannot be answered this way (threshold <= 0, where every row qualifies, or two query
// trigrams with the same pg code) and the caller's SQL plan must answer it.
int AnswerFuzzy(StatementCache& cache, const FuzzySearch& search,
                const std::function<bool()>& past_deadline, std::optional<FuzzyAnswer>& out);

// An estimate of how many rows of `entity` have `needle` in `field` (SQLite LIKE: a substring,
// ASCII case-insensitive), from the search index instead of a table sample: the candidates are
// the rows holding every trigram of the needle's runs (search::SubstringTrigrams, a superset of
// the matches, read from FTS5 in row order); blocks of 32 neighbouring candidates, in spread
// order, are checked against the row until kSampleMinMatches matches, and the matches scale by
// the candidate count (relative standard error ~1/sqrt(matches), as for the table sample). It
// reads ~1,000 rows where the table sample reads up to 65,536. `complete` says every candidate
// was checked (then `estimate` is the exact count). With `exact_within` > 0, an estimate at most
// that large is made exact by checking the remaining candidates (auto's row budget).
// Returns an SQLite result code; on SQLITE_OK `out` is empty when the needle has no run of three
// word characters (no trigram to look up: the caller's table sample answers).
struct ContainsTotal {
    std::int64_t estimate = 0;
    bool complete = false;
};
int EstimateContainsTotal(StatementCache& cache, const schema::Entity& entity,
                          const schema::Field& field, std::string_view needle,
                          std::int64_t exact_within, std::optional<ContainsTotal>& out);

}  // namespace ea::store::sqlite
