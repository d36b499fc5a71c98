// Every rule a list call needs, in the order the service applies them, as one call: the operation,
// the query's fields, the page clamp, and the row scope ANDed into the filter.
#pragma once

#include "common/result.hpp"
#include "query/query.hpp"
#include "rbac/authorizer.hpp"
#include "rbac/row_scope.hpp"

namespace ea::rbac {

// Authorizes reading access.entity() with `query` and rewrites the query for the store: page_size
// lowered to the role's maximum, the row scope ANDed into the filter. Returns the page decision
// (report `clamped` and `maximum` in the pagination block), or the first denial (Authorize, then
// CheckQuery, then ScopeFilter's). On error `query` is unchanged.
[[nodiscard]] Result<PageSize> GuardList(const EntityAccess& access, query::Query& query,
                                         const IdLookup& ids);

}  // namespace ea::rbac
