// The parts of a list's total that do not depend on how a backend counts or estimates
// (docs/query.md, "Totals"): what the page itself tells, the bounds it puts on an estimate, and
// the page block built from the total. Shared by the SQL stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "query/query.hpp"
#include "store/document_store.hpp"

namespace ea::store::sql {

// count=auto counts exactly when the estimate says the count is at most this many rows (the row
// budget), on every backend, so both switch at the same size.
inline constexpr std::int64_t kAutoExactRows = 10'000;

struct CountedTotal {
    std::int64_t total = 0;
    TotalKind kind = TotalKind::kExact;
};

// The total without counting: none for count=none, and exact when the page (of `rows` rows,
// `has_more` when another row follows) reaches the end of the result. Nullopt: count or estimate.
std::optional<CountedTotal> TotalFromPage(const query::Query& query, std::size_t rows,
                                          bool has_more);

// `estimate` bounded by what the page saw: more rows than it read, or (past the end) no more than
// the rows before it.
CountedTotal BoundedEstimate(std::int64_t estimate, const query::Query& query, std::size_t rows,
                             bool has_more);

// The page block of a list answer: the query's page and size, the total and its page count.
void SetPage(Page& page, const query::Query& query, const CountedTotal& total);

}  // namespace ea::store::sql
