// Candidate queries over an entity's FTS5 search index ("_fts_<Entity>", see sqlite_dialect.hpp)
// that the SQL text of a list cannot express: the rows sharing at least k trigrams with a fuzzy
// query, merged from the trigrams' posting lists (search::RowsInAtLeast). Runs on the caller's
// connection, inside its read transaction. Internal to store/sqlite.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema/schema.hpp"
#include "store/search/shared_trigrams.hpp"
#include "store/sqlite/sqlite_statement.hpp"

namespace ea::store::sqlite {

// The rows of `entity` whose `field` has at least `k` of `trigrams` (distinct 3-character
// strings as search::QueryTrigrams gives them), ascending by row id, with how many each has.
// One statement per trigram reads its posting list in row id order; the statements are cached
// in `cache` (one slot per list position). Returns an SQLite result code (SQLITE_OK on success).
int RowsSharingTrigrams(StatementCache& cache, const schema::Entity& entity,
                        const schema::Field& field, const std::vector<std::string>& trigrams, int k,
                        std::vector<search::SharedCount>& out);

}  // namespace ea::store::sqlite
