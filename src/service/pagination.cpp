#include "service/pagination.hpp"

#include <boost/json/value.hpp>

namespace ea::service {

boost::json::object PaginationJson(const store::Page& page) {
    const bool counted = page.total_kind != store::TotalKind::kNone;
    boost::json::object block{
        {"page", page.page},
        {"pageSize", page.page_size},
        {"total", counted ? boost::json::value(page.total) : boost::json::value()},
        {"totalPages", counted ? boost::json::value(page.total_pages) : boost::json::value()},
        {"totalIsEstimate", page.total_kind == store::TotalKind::kEstimate},
        {"hasMore", page.has_more}};
    if (page.page_size_clamped_from > 0) {
        // The caller's role lowered the page size to its maximum: said, never silent.
        block["pageSizeClampedFrom"] = page.page_size_clamped_from;
    }
    return block;
}

}  // namespace ea::service
