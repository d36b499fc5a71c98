// The pagination block of a list answer, the same on every face (the REST envelope's
// "pagination", an MCP list tool's structured result): what a client reads to page on.
#pragma once

#include <boost/json/object.hpp>

#include "store/document_store.hpp"

namespace ea::service {

// {page, pageSize, total, totalPages, totalIsEstimate, hasMore}. With count=none, total and
// totalPages are null and hasMore alone tells whether a next page exists. pageSizeClampedFrom
// (what was asked) is added when the caller's role lowered pageSize to its maximum.
boost::json::object PaginationJson(const store::Page& page);

}  // namespace ea::service
