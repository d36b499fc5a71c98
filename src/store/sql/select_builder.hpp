// query::Query -> SELECT text + bound values for a list call, and the batched look-up a `view`
// needs. Shared by the SQL backends through Dialect. Every identifier comes from the schema (a
// Comparison's field pointer), every value is a bound parameter; nothing from the request is ever
// spliced into SQL text.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

struct ListSql {
    Sql rows;   // SELECT <every column> ... ORDER BY ... LIMIT/OFFSET
    Sql count;  // SELECT COUNT(*) with the same WHERE
    // Alternative plans for a backend whose planner cannot judge range selectivity (empty text
    // when the dialect has no hint for the query). Same rows, same count, different access path:
    // rows_by_sort_index walks the first sort key's index (or, for a contains search with no
    // sort, the id order, without the search's candidate clause) and stops after the page (fast
    // when the filter keeps a fair share of rows); count_full_scan counts with a table scan (fast
    // when the filter keeps many rows, where an index range would fetch each row at random).
    Sql rows_by_sort_index;
    Sql count_full_scan;
    // SELECT COUNT(*) of the rows matching the filter whose row number (Dialect::RowNumberColumn)
    // lies in a range: the last two parameters are the range's first and last row number, for
    // the caller to set. A table scan of the range only (no index, and search predicates without
    // their candidate clauses, which would read the whole search index for each range). Empty
    // when the dialect has no row number column.
    Sql count_sample;
    // The sample evaluates a fuzzy predicate on every row it reads (no candidates): reading the
    // sample costs more than counting the search index's candidates exactly.
    bool sample_is_costly = false;
};

// Builds the page and count statements for `query` on `entity`.
// Semantics (one meaning for every backend):
// - scalar $eq/$ne null test IS NULL / IS NOT NULL; $ne and $nin also match NULL columns;
//   $in/$nin with a null in the list match / exclude NULL columns; an empty $in matches nothing.
// - Array fields: $eq/$in (and $gt...) match when any element matches; $ne/$nin negate them.
// - $exists true/false: the column IS NOT NULL / IS NULL.
// - $eq on a free-text String follows query.matching: exact, contains (case-insensitive substring),
//   fuzzy (word_similarity(value, column) >= fuzzy_threshold).
// - ORDER BY: query.sort, Strings case-insensitively, nulls first ascending and last descending,
//   then id ascending as the tiebreak; fuzzy with no sort orders by similarity descending first.
// - rows reads page_size + 1 rows: the extra one only says whether another page exists.
// Errors: kInvalidArgument (page < 1, page_size outside 1..kMaxPageSize, a field not of `entity`).
[[nodiscard]] Result<ListSql> BuildListSql(const Dialect& dialect, const schema::Entity& entity,
                                           const query::Query& query);

// SELECT id, fields... FROM target WHERE id IN (ids), ids bound as one parameter.
// Write-only fields are never selected. Result columns: id first, then `fields` minus id and
// write-only ones, in order; `selected` receives the fields in that column order.
Sql BuildViewSql(const Dialect& dialect, const schema::Entity& target,
                 const std::vector<const schema::Field*>& fields, const std::vector<std::string>& ids,
                 std::vector<const schema::Field*>& selected);

}  // namespace ea::store::sql

namespace ea::store::sql {

// Appends `filter` as List's WHERE condition (without "WHERE"), with search predicates matching
// per `matching` and their index candidate clauses: for statements other than a list's (the
// aggregate builder) that must select exactly the rows List would.
[[nodiscard]] Status AppendFilterCondition(SqlWriter& out, const schema::Entity& entity,
                                           const query::FilterNode& filter,
                                           query::Matching matching, double fuzzy_threshold);

}  // namespace ea::store::sql
