// query::AggregateQuery -> one SELECT ... GROUP BY statement, shared by the SQL backends through
// Dialect (the WHERE clause is List's: select_builder.hpp). Identifiers come from the schema,
// values are bound.
#pragma once

#include "common/result.hpp"
#include "query/aggregate.hpp"
#include "schema/schema.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

// Result columns: the group-by fields in order, then one per metric in order: COUNT(*) or
// COUNT(field) (non-null values), SUM(field), AVG(field) as double precision, MIN(field),
// MAX(field). Rows ordered by the group-by fields (nulls first), at most max_groups + 1 of them:
// the extra one only says the result was truncated. Without a group-by: exactly one row.
// Errors: kInvalidArgument (no metric, max_groups < 1, a field not of `entity`, a filter error).
[[nodiscard]] Result<Sql> BuildAggregateSql(const Dialect& dialect, const schema::Entity& entity,
                                            const query::AggregateQuery& query);

}  // namespace ea::store::sql
