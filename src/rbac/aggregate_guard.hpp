// The rules of an aggregate call, which are a read's: an aggregate is a read that returns
// functions of field values, so output masking cannot hide them (sum(salary) reveals salary).
#pragma once

#include "common/result.hpp"
#include "query/aggregate.hpp"
#include "rbac/authorizer.hpp"
#include "rbac/row_scope.hpp"

namespace ea::rbac {

// Authorizes an aggregate of access.entity() and rewrites `query` for the store, in this order:
// read on the entity (Authorize: "ai_agent role cannot read Crawl"); the filter's fields
// (CheckFilter: "... cannot filter User on password"); each metric's field and each group-by
// field, which must be readable and queryable (not hidden, not write-only, not in
// forbidden_filters): "... cannot sum User on password", "... cannot group User on password"
// (the verb is the metric's op, or "group"); then the row scope ANDed into the filter (as a
// list's: ScopeFilter). On error `query` is unchanged.
[[nodiscard]] Status GuardAggregate(const EntityAccess& access, query::AggregateQuery& query,
                                    const IdLookup& ids);

}  // namespace ea::rbac
