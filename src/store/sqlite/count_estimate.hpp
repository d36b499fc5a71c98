// Estimating a list's total from a sample of row ranges, so a page need not count a million rows
// to say how many match (query::CountMode; docs/query.md, "Totals").
//
// The table's row numbers 1..max (SQLite's _rowid, dense in insertion order, holes where rows
// were deleted) are cut into kSampleStrata equal strata; the first kSampleBlockRows row numbers
// of each stratum form its block. Blocks are counted in bit-reversed stratum order, so every
// prefix of the visit is spread evenly over the table (no bias towards old or new rows). The
// count stops when kSampleMinMatches matches were seen (relative standard error 1/sqrt(matches)
// ~ 3.2%), or every block was counted (at most kSampleMaxRows rows read). The estimate is
// matches x max / row numbers sampled. Only rows are counted, never time: the same database and
// query give the same estimate on every machine.
#pragma once

#include <cstdint>
#include <functional>

#include "common/result.hpp"
#include "store/sql/list_totals.hpp"

namespace ea::store::sqlite {

inline constexpr int kSampleStrata = 1024;
inline constexpr std::int64_t kSampleBlockRows = 64;
inline constexpr std::int64_t kSampleMaxRows = kSampleStrata * kSampleBlockRows;  // 65,536
inline constexpr std::int64_t kSampleMinMatches = 1'000;
// count=auto counts exactly when the estimate is at most sql::kAutoExactRows rows (the row
// budget), or when the table has at most kSampleMaxRows rows.
using sql::kAutoExactRows;

// What to sample for. kDecideBudget also stops as soon as the total is confidently at most
// `budget` (then the caller counts exactly, and the estimate only chose to).
enum class SampleGoal { kEstimate, kDecideBudget };

struct TotalEstimate {
    std::int64_t estimate = 0;
    std::int64_t matches = 0;       // matching rows in the blocks counted
    std::int64_t rows_sampled = 0;  // row numbers covered by those blocks
    bool complete = false;          // the blocks covered 1..max: estimate is the exact count
};

// Counts the matching rows whose row number lies in [first, last].
using RangeCounter = std::function<Result<std::int64_t>(std::int64_t first, std::int64_t last)>;

// Samples row numbers 1..max_row_number as described above. Errors: those of count_in.
[[nodiscard]] Result<TotalEstimate> EstimateTotal(std::int64_t max_row_number, SampleGoal goal,
                                                  std::int64_t budget,
                                                  const RangeCounter& count_in);

}  // namespace ea::store::sqlite
