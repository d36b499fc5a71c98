// An entity's FTS5 search index ("_fts_<Entity>", see sqlite_dialect.hpp): the SQL that builds
// and maintains it, and the contains total sampled from its candidates. Fuzzy search over it is
// fuzzy_search.hpp. Runs on the caller's connection, inside its read transaction. Internal to
// store/sqlite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
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

// An FTS5 string ("...") with embedded quotes doubled: read literally by the FTS5 query parser.
std::string FtsPhrase(std::string_view text);

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
