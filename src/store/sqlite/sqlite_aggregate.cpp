// SqliteStore::Aggregate: the shared aggregate SQL (sql/aggregate_builder.hpp) run on a read
// connection under List's time limit, its columns decoded by field type (group-by, min and max
// fields are scalar, query/aggregate.cpp, so ColumnValue reads them as a get does).
#include <string_view>

#include <sqlite3.h>

#include "store/sql/aggregate_builder.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_values.hpp"

namespace ea::store::sqlite {
namespace {

using boost::json::value;

value MetricColumn(sqlite3_stmt* stmt, int column, const query::Metric& metric) {
    const int type = sqlite3_column_type(stmt, column);
    if (type == SQLITE_NULL) {
        return nullptr;
    }
    switch (metric.op) {
        case query::AggregateOp::kCount:
            return static_cast<std::int64_t>(sqlite3_column_int64(stmt, column));
        case query::AggregateOp::kAvg:
            return sqlite3_column_double(stmt, column);
        case query::AggregateOp::kSum:
            if (type == SQLITE_INTEGER && metric.field->type == schema::FieldType::kInteger) {
                return static_cast<std::int64_t>(sqlite3_column_int64(stmt, column));
            }
            return sqlite3_column_double(stmt, column);
        case query::AggregateOp::kMin:
        case query::AggregateOp::kMax:
            return ColumnValue(stmt, column, *metric.field);
    }
    return nullptr;
}

}  // namespace

Result<AggregateResult> SqliteStore::Aggregate(const schema::Entity& entity,
                                               const query::AggregateQuery& query) {
    AggregateResult out;
    const auto keys = static_cast<int>(query.group_by.size());
    auto status = ReadRows(
        [&](const sql::Dialect& dialect) { return sql::BuildAggregateSql(dialect, entity, query); },
        [&](sqlite3_stmt* stmt) {
            if (out.groups.size() >= static_cast<std::size_t>(query.max_groups)) {
                out.truncated = true;
                return false;
            }
            AggregateGroup group;
            group.keys.reserve(query.group_by.size());
            for (int i = 0; i < keys; ++i) {
                group.keys.push_back(ColumnValue(stmt, i, *query.group_by[i]));
            }
            group.values.reserve(query.metrics.size());
            for (std::size_t i = 0; i < query.metrics.size(); ++i) {
                group.values.push_back(
                    MetricColumn(stmt, keys + static_cast<int>(i), query.metrics[i]));
            }
            out.groups.push_back(std::move(group));
            return true;
        });
    if (!status) {
        return status.error();
    }
    return out;
}

}  // namespace ea::store::sqlite
