#include "store/sql/list_totals.hpp"

#include <algorithm>

namespace ea::store::sql {
namespace {

std::int64_t Offset(const query::Query& query) {
    return static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
}

}  // namespace

std::optional<CountedTotal> TotalFromPage(const query::Query& query, std::size_t rows,
                                          bool has_more) {
    if (query.count == query::CountMode::kNone) {
        return CountedTotal{0, TotalKind::kNone};
    }
    if (!has_more && (rows > 0 || query.page == 1)) {
        return CountedTotal{Offset(query) + static_cast<std::int64_t>(rows), TotalKind::kExact};
    }
    return std::nullopt;
}

CountedTotal BoundedEstimate(std::int64_t estimate, const query::Query& query, std::size_t rows,
                             bool has_more) {
    const std::int64_t offset = Offset(query);
    const std::int64_t seen = offset + static_cast<std::int64_t>(rows);
    estimate = has_more ? std::max(estimate, seen + 1) : std::min(estimate, offset);
    return CountedTotal{estimate, TotalKind::kEstimate};
}

void SetPage(Page& page, const query::Query& query, const CountedTotal& total) {
    page.page = query.page;
    page.page_size = query.page_size;
    page.total_kind = total.kind;
    if (total.kind != TotalKind::kNone) {
        page.total = total.total;
        page.total_pages = (total.total + query.page_size - 1) / query.page_size;
    }
}

}  // namespace ea::store::sql
