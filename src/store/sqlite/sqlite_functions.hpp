// SQL functions the SQLite store registers on every connection it opens:
//   ea_word_similarity(query, value) -> pg_trgm word_similarity as a REAL (NULL if either is NULL);
//     the parsed query is cached per statement with sqlite3_get_auxdata.
//   ea_word_similarity_at_least(query, value, threshold) -> 1 when word_similarity >= threshold
//     (threshold read as a float), stopping as soon as that is known; the WHERE form of fuzzy.
//   ea_trigram_text(value) -> search::TrigramIndexText(value), what the FTS5 index stores for fuzzy.
// Both are deterministic and innocuous, so triggers and indexes may use them. A database whose
// triggers call them can only be written by a connection that registered them (our store).
#pragma once

struct sqlite3;

namespace ea::store::sqlite {

// Returns an SQLite result code (SQLITE_OK on success).
int RegisterFunctions(sqlite3* db);

}  // namespace ea::store::sqlite
