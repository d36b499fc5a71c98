#include "store/sqlite/count_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace ea::store::sqlite {
namespace {

constexpr int kStrataBits = 10;
static_assert(kSampleStrata == 1 << kStrataBits);
// The budget test needs a few blocks before it trusts a zero (1,024 row numbers).
constexpr int kMinStrataForBudget = 16;

int BitReversed(int value) {
    int out = 0;
    for (int bit = 0; bit < kStrataBits; ++bit) {
        out = (out << 1) | ((value >> bit) & 1);
    }
    return out;
}

// The first row number of stratum `index` of [1, max].
std::int64_t StratumStart(int index, std::int64_t max) {
    // floor(index * max / strata) without overflow: split max by strata.
    return 1 + index * (max / kSampleStrata) + index * (max % kSampleStrata) / kSampleStrata;
}

std::int64_t Scale(std::int64_t matches, std::int64_t max, std::int64_t sampled) {
    return static_cast<std::int64_t>(std::llround(
        static_cast<double>(matches) * static_cast<double>(max) / static_cast<double>(sampled)));
}

}  // namespace

Result<TotalEstimate> EstimateTotal(std::int64_t max_row_number, SampleGoal goal,
                                    std::int64_t budget, const RangeCounter& count_in) {
    TotalEstimate out;
    if (max_row_number <= 0) {
        out.complete = true;
        return out;
    }
    for (int visit = 0; visit < kSampleStrata; ++visit) {
        const int stratum = BitReversed(visit);
        const std::int64_t first = StratumStart(stratum, max_row_number);
        const std::int64_t next = StratumStart(stratum + 1, max_row_number);
        const std::int64_t last = std::min(first + kSampleBlockRows, next) - 1;
        if (last < first) {
            continue;  // fewer row numbers than strata: this stratum is empty
        }
        auto matches = count_in(first, last);
        if (!matches) {
            return matches.error();
        }
        out.matches += *matches;
        out.rows_sampled += last - first + 1;
        if (out.matches >= kSampleMinMatches) {
            break;
        }
        if (goal == SampleGoal::kDecideBudget && visit + 1 >= kMinStrataForBudget) {
            // ~97.5% upper bound of a Poisson count: m + 2 sqrt(m) + 2.
            const double m = static_cast<double>(out.matches);
            const double upper = (m + 2 * std::sqrt(m) + 2) * static_cast<double>(max_row_number) /
                                 static_cast<double>(out.rows_sampled);
            if (upper <= static_cast<double>(budget)) {
                break;
            }
        }
    }
    out.complete = out.rows_sampled >= max_row_number;
    out.estimate =
        out.complete ? out.matches : Scale(out.matches, max_row_number, out.rows_sampled);
    return out;
}

}  // namespace ea::store::sqlite
