#include "service/pagination.hpp"

#include <boost/json/value.hpp>

namespace ea::service {

boost::json::object PaginationJson(const store::Page& page) {
    const bool counted = page.total_kind != store::TotalKind::kNone;
    return boost::json::object{
        {"page", page.page},
        {"pageSize", page.page_size},
        {"total", counted ? boost::json::value(page.total) : boost::json::value()},
        {"totalPages", counted ? boost::json::value(page.total_pages) : boost::json::value()},
        {"totalIsEstimate", page.total_kind == store::TotalKind::kEstimate},
        {"hasMore", page.has_more}};
}

}  // namespace ea::service
