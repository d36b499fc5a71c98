#include "store/sql/aggregate_builder.hpp"

#include <string>

#include "store/sql/ddl.hpp"
#include "store/sql/select_builder.hpp"

namespace ea::store::sql {
namespace {

bool BelongsTo(const schema::Entity& entity, const schema::Field* field) {
    const auto& fields = entity.fields();
    return field != nullptr && !fields.empty() && field >= &fields.front() &&
           field <= &fields.back();
}

}  // namespace

Result<Sql> BuildAggregateSql(const Dialect& dialect, const schema::Entity& entity,
                              const query::AggregateQuery& query) {
    if (query.metrics.empty()) {
        return InvalidArgument("an aggregate needs at least one metric");
    }
    if (query.max_groups < 1) {
        return InvalidArgument("an aggregate needs max_groups >= 1");
    }
    SqlWriter out(dialect);
    out.Append("SELECT ");
    bool first = true;
    const auto separator = [&] {
        if (!first) {
            out.Append(", ");
        }
        first = false;
    };
    for (const auto* field : query.group_by) {
        if (!BelongsTo(entity, field)) {
            return InvalidArgument("groupBy names a field that " + entity.name() +
                                   " does not have");
        }
        separator();
        out.Identifier(field->name);
    }
    for (const auto& metric : query.metrics) {
        if (metric.field != nullptr && !BelongsTo(entity, metric.field)) {
            return InvalidArgument("metrics name a field that " + entity.name() + " does not have");
        }
        if (metric.field == nullptr && metric.op != query::AggregateOp::kCount) {
            return InvalidArgument(std::string(query::ToString(metric.op)) + " needs a field");
        }
        separator();
        const std::string column =
            metric.field == nullptr ? "*" : Dialect::QuoteIdentifier(metric.field->name);
        switch (metric.op) {
            case query::AggregateOp::kCount:
                out.Append("COUNT(").Append(column).Append(")");
                break;
            case query::AggregateOp::kSum:
                out.Append("SUM(").Append(column).Append(")");
                break;
            case query::AggregateOp::kAvg:
                // One result type on every backend (PostgreSQL's AVG of an integer is numeric).
                out.Append("AVG(CAST(").Append(column).Append(" AS DOUBLE PRECISION))");
                break;
            case query::AggregateOp::kMin:
                out.Append("MIN(").Append(column).Append(")");
                break;
            case query::AggregateOp::kMax:
                out.Append("MAX(").Append(column).Append(")");
                break;
        }
    }
    out.Append(" FROM ").Identifier(TableName(entity));
    if (query.filter) {
        out.Append(" WHERE ");
        if (auto status = AppendFilterCondition(out, entity, *query.filter, query.matching,
                                                query.fuzzy_threshold);
            !status) {
            return status.error();
        }
    }
    if (!query.group_by.empty()) {
        out.Append(" GROUP BY ");
        for (std::size_t i = 0; i < query.group_by.size(); ++i) {
            out.Append(i == 0 ? "" : ", ").Identifier(query.group_by[i]->name);
        }
        out.Append(" ORDER BY ");
        for (std::size_t i = 0; i < query.group_by.size(); ++i) {
            out.Append(i == 0 ? "" : ", ").Identifier(query.group_by[i]->name);
            out.Append(" ASC NULLS FIRST");
        }
        out.Append(" LIMIT ").Param(static_cast<std::int64_t>(query.max_groups) + 1);
    }
    return out.Take();
}

}  // namespace ea::store::sql
