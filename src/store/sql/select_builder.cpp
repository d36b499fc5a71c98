#include "store/sql/select_builder.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "store/sql/ddl.hpp"

namespace ea::store::sql {

std::string Dialect::QuoteIdentifier(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

std::string Dialect::LikeEscaped(std::string_view needle) {
    std::string escaped;
    escaped.reserve(needle.size());
    for (char c : needle) {
        if (c == '%' || c == '_' || c == '\\') {
            escaped += '\\';
        }
        escaped += c;
    }
    return escaped;
}

boost::json::value Dialect::BindableValue(const Record& record, const schema::Field& field) const {
    const boost::json::value* v = record.if_contains(field.name);
    if (v == nullptr || v->is_null()) {
        return nullptr;
    }
    if (field.type == schema::FieldType::kJson || field.type == schema::FieldType::kArray) {
        return boost::json::value(boost::json::serialize(*v));
    }
    return *v;
}

SqlWriter& SqlWriter::Param(boost::json::value value) {
    sql_.params.push_back(std::move(value));
    sql_.text += dialect_.Placeholder(sql_.params.size());
    return *this;
}

SqlWriter& SqlWriter::Identifier(std::string_view name) {
    sql_.text += Dialect::QuoteIdentifier(name);
    return *this;
}

namespace {

using query::FilterNode;
using query::Op;

bool BelongsTo(const schema::Entity& entity, const schema::Field* field) {
    if (field == nullptr) {
        return false;
    }
    const auto& fields = entity.fields();
    return !fields.empty() && field >= &fields.front() && field <= &fields.back();
}

const char* ComparisonSql(Op op) {
    switch (op) {
        case Op::kEq: return "=";
        case Op::kNe: return "<>";
        case Op::kGt: return ">";
        case Op::kGte: return ">=";
        case Op::kLt: return "<";
        case Op::kLte: return "<=";
        case Op::kIn:
        case Op::kNin:
        case Op::kExists: break;
    }
    return "=";
}

// Bounds the builder's recursion whatever the parser allows (a backend has its own, lower,
// expression limits, which surface as kInvalidArgument too).
constexpr int kMaxFilterDepth = 64;

class WhereBuilder {
public:
    // with_candidates: search predicates also get their index's candidate clause.
    WhereBuilder(SqlWriter& out, const schema::Entity& entity, const query::Query& query,
                 bool with_candidates = true)
        : out_(out), entity_(entity), query_(query), with_candidates_(with_candidates) {}

    Status Node(const FilterNode& node, int depth = 0) {
        if (depth > kMaxFilterDepth) {
            return InvalidArgument("the filter is nested too deeply (at most " +
                                   std::to_string(kMaxFilterDepth) + " levels)");
        }
        switch (node.kind) {
            case FilterNode::Kind::kComparison: return Comparison(node.comparison);
            case FilterNode::Kind::kAnd:
            case FilterNode::Kind::kOr: {
                if (node.children.empty()) {
                    // $and of nothing is true, $or of nothing is false (as in MongoDB).
                    out_.Append(node.kind == FilterNode::Kind::kAnd ? "1 = 1" : "1 = 0");
                    return Ok();
                }
                const char* joiner = node.kind == FilterNode::Kind::kAnd ? " AND " : " OR ";
                out_.Append("(");
                for (std::size_t i = 0; i < node.children.size(); ++i) {
                    if (i > 0) {
                        out_.Append(joiner);
                    }
                    if (!node.children[i]) {
                        return InvalidArgument("filter has an empty node");
                    }
                    if (auto status = Node(*node.children[i], depth + 1); !status) {
                        return status;
                    }
                }
                out_.Append(")");
                return Ok();
            }
        }
        return InvalidArgument("filter has an unknown node");
    }

private:
    Status Comparison(const query::Comparison& cmp) {
        if (!BelongsTo(entity_, cmp.field)) {
            return InvalidArgument("filter names a field that " + entity_.name() + " does not have");
        }
        const schema::Field& field = *cmp.field;
        const std::string column = Dialect::QuoteIdentifier(field.name);
        const auto& dialect = out_.dialect();

        if (cmp.op == Op::kExists) {
            const bool wanted = !cmp.value.is_bool() || cmp.value.get_bool();
            out_.Append("(").Append(column).Append(wanted ? " IS NOT NULL)" : " IS NULL)");
            return Ok();
        }
        if (cmp.op == Op::kIn || cmp.op == Op::kNin) {
            if (!cmp.value.is_array()) {
                return InvalidArgument("$in and $nin on " + field.name + " need a list");
            }
            return InList(field, column, cmp.value.get_array(), cmp.op == Op::kNin);
        }
        if (cmp.value.is_null()) {
            if (cmp.op == Op::kEq) {
                out_.Append("(").Append(column).Append(" IS NULL)");
            } else if (cmp.op == Op::kNe) {
                out_.Append("(").Append(column).Append(" IS NOT NULL)");
            } else {
                out_.Append("1 = 0");  // ordering against null matches nothing
            }
            return Ok();
        }
        if (field.type == schema::FieldType::kArray) {
            if (cmp.op == Op::kNe) {
                out_.Append("NOT ");
                dialect.AppendArrayAny(out_, column, "=", {cmp.value});
            } else {
                dialect.AppendArrayAny(out_, column, ComparisonSql(cmp.op), {cmp.value});
            }
            return Ok();
        }
        if (cmp.op == Op::kEq && field.is_free_text() && cmp.value.is_string() &&
            query_.matching != query::Matching::kExact) {
            const std::string_view text = cmp.value.get_string();
            searched_ = true;
            fuzzy_ = fuzzy_ || query_.matching == query::Matching::kFuzzy;
            out_.Append("(");
            if (query_.matching == query::Matching::kContains) {
                dialect.AppendContains(out_, column, text);
                // A field without the search index (`search_index: false`) is scanned.
                if (with_candidates_ && field.is_search_indexed()) {
                    dialect.AppendContainsCandidates(out_, entity_, field, text);
                }
            } else {
                dialect.AppendFuzzyMatch(out_, column, text, query_.fuzzy_threshold);
                if (with_candidates_ && field.is_search_indexed()) {
                    dialect.AppendFuzzyCandidates(out_, entity_, field, text,
                                                  query_.fuzzy_threshold);
                }
            }
            out_.Append(")");
            return Ok();
        }
        if (cmp.op == Op::kNe) {
            dialect.AppendNullSafeNotEqual(out_, column, cmp.value);
            return Ok();
        }
        out_.Append("(").Append(column).Append(" ").Append(ComparisonSql(cmp.op)).Append(" ");
        out_.Param(cmp.value).Append(")");
        return Ok();
    }

    Status InList(const schema::Field& field, const std::string& column,
                  const boost::json::array& values, bool negate) {
        boost::json::array non_null;
        bool has_null = false;
        for (const auto& v : values) {
            if (v.is_null()) {
                has_null = true;
            } else {
                non_null.push_back(v);
            }
        }
        const auto& dialect = out_.dialect();
        if (field.type == schema::FieldType::kArray) {
            std::vector<boost::json::value> list(non_null.begin(), non_null.end());
            out_.Append(negate ? "(NOT " : "(");
            if (has_null) {
                out_.Append("(").Append(column).Append(" IS NULL) OR ");
            }
            dialect.AppendArrayAny(out_, column, "IN", list);
            out_.Append(")");
            return Ok();
        }
        if (!negate) {
            out_.Append("(");
            dialect.AppendInList(out_, column, std::move(non_null));
            if (has_null) {
                out_.Append(" OR ").Append(column).Append(" IS NULL");
            }
            out_.Append(")");
            return Ok();
        }
        // $nin keeps NULL columns unless null itself is excluded.
        out_.Append("(").Append(column);
        out_.Append(has_null ? " IS NOT NULL AND NOT " : " IS NULL OR NOT ");
        dialect.AppendInList(out_, column, std::move(non_null));
        out_.Append(")");
        return Ok();
    }

    SqlWriter& out_;
    const schema::Entity& entity_;
    const query::Query& query_;
    bool with_candidates_ = true;

public:
    bool searched() const { return searched_; }
    bool fuzzy() const { return fuzzy_; }

private:
    bool searched_ = false;  // a contains or fuzzy predicate was written
    bool fuzzy_ = false;     // a fuzzy one
};

// The first fuzzy equality in the filter (depth first), which orders results when no sort is given.
const query::Comparison* FirstFuzzy(const FilterNode* node) {
    if (node == nullptr) {
        return nullptr;
    }
    if (node->kind == FilterNode::Kind::kComparison) {
        const auto& cmp = node->comparison;
        if (cmp.op == Op::kEq && cmp.field != nullptr && cmp.field->is_free_text() &&
            cmp.value.is_string()) {
            return &cmp;
        }
        return nullptr;
    }
    if (node->kind == FilterNode::Kind::kOr) {
        return nullptr;  // an $or branch may not have matched; its similarity says little
    }
    for (const auto& child : node->children) {
        if (const auto* found = FirstFuzzy(child.get())) {
            return found;
        }
    }
    return nullptr;
}

// Appends ORDER BY (query.sort, then the id tiebreak; fuzzy relevance first when unsorted) and
// LIMIT/OFFSET for the page.
void AppendOrderAndPage(const Dialect& dialect, const query::Query& query, SqlWriter& rows) {
    rows.Append(" ORDER BY ");
    bool id_sorted = false;
    if (query.sort.empty() && query.matching == query::Matching::kFuzzy) {
        if (const auto* fuzzy = FirstFuzzy(query.filter.get())) {
            dialect.AppendSimilarity(rows, Dialect::QuoteIdentifier(fuzzy->field->name),
                                     fuzzy->value.get_string());
            rows.Append(" DESC, ");
        }
    }
    for (const auto& key : query.sort) {
        if (key.field->type == schema::FieldType::kString) {
            dialect.AppendCaseInsensitiveOrderKey(rows, Dialect::QuoteIdentifier(key.field->name));
        } else {
            rows.Identifier(key.field->name);
        }
        // Explicit null placement so every backend orders the same way (SQLite's own default;
        // spelled out it still lets SQLite walk an index in either direction).
        rows.Append(key.descending ? " DESC NULLS LAST" : " ASC NULLS FIRST");
        id_sorted = id_sorted || key.field->name == "id";
        if (&key != &query.sort.back() || !id_sorted) {
            rows.Append(", ");
        }
    }
    if (!id_sorted) {
        // Tiebreak on id so page N+1 never repeats or skips a row of page N.
        rows.Identifier("id").Append(" ASC");
    }
    const std::int64_t offset =
        static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
    rows.Append(" LIMIT ").Param(static_cast<std::int64_t>(query.page_size) + 1);
    rows.Append(" OFFSET ").Param(offset);
}

}  // namespace

Result<ListSql> BuildListSql(const Dialect& dialect, const schema::Entity& entity,
                             const query::Query& query) {
    if (query.page < 1) {
        return InvalidArgument("page must be at least 1");
    }
    if (query.page_size < 1 || query.page_size > query::kMaxPageSize) {
        return InvalidArgument("pageSize must be between 1 and " +
                               std::to_string(query::kMaxPageSize));
    }
    for (const auto& key : query.sort) {
        if (!BelongsTo(entity, key.field)) {
            return InvalidArgument("sort names a field that " + entity.name() + " does not have");
        }
    }

    const std::string table = Dialect::QuoteIdentifier(TableName(entity));
    ListSql out;

    // The WHERE clause is built once per statement so each numbers its own parameters.
    bool searched = false;
    bool fuzzy = false;
    auto build = [&](SqlWriter& writer, bool with_candidates = true) -> Status {
        if (!query.filter) {
            return Ok();
        }
        writer.Append(" WHERE ");
        WhereBuilder where(writer, entity, query, with_candidates);
        auto status = where.Node(*query.filter);
        searched = where.searched();
        fuzzy = where.fuzzy();
        return status;
    };

    auto count_sql = [&](const std::string& hint) -> Result<Sql> {
        SqlWriter count(dialect);
        count.Append("SELECT COUNT(*) FROM ").Append(table).Append(hint);
        if (auto status = build(count); !status) {
            return status.error();
        }
        return count.Take();
    };
    auto rows_sql = [&](const std::string& hint, bool with_candidates = true) -> Result<Sql> {
        SqlWriter rows(dialect);
        rows.Append("SELECT ").Append(ColumnList(entity)).Append(" FROM ").Append(table);
        rows.Append(hint);
        if (auto status = build(rows, with_candidates); !status) {
            return status.error();
        }
        AppendOrderAndPage(dialect, query, rows);
        return rows.Take();
    };

    auto count = count_sql("");
    if (!count) {
        return count.error();
    }
    out.count = std::move(*count);
    auto rows = rows_sql("");
    if (!rows) {
        return rows.error();
    }
    out.rows = std::move(*rows);
    if (const std::string row_number = dialect.RowNumberColumn(); !row_number.empty()) {
        SqlWriter sample(dialect);
        sample.Append("SELECT COUNT(*) FROM ").Append(table).Append(dialect.FullScanHint());
        if (query.filter) {
            sample.Append(" WHERE (");
            WhereBuilder where(sample, entity, query, /*with_candidates=*/false);
            if (auto status = where.Node(*query.filter); !status) {
                return status.error();
            }
            out.sample_is_costly = where.fuzzy();
            sample.Append(") AND ");
        } else {
            sample.Append(" WHERE ");
        }
        sample.Append(row_number).Append(" BETWEEN ").Param(boost::json::value(0));
        sample.Append(" AND ").Param(boost::json::value(0));
        out.count_sample = sample.Take();
    }
    // Search predicates come with their own candidate clause (an index of their own): no hints,
    // except one for contains: the page in the requested order without the candidate clause.
    // A common needle's first matches lie among the first page_size / selectivity rows in that
    // order, so walking it (the id index, or the first sort key's) finds the page without
    // reading every candidate; a rare needle runs past the caller's budget and the candidate
    // plan answers.
    if (searched) {
        if (!fuzzy) {
            const std::string hint =
                query.sort.empty() ? std::string()
                                   : dialect.SortIndexHint(entity, *query.sort.front().field);
            if (query.sort.empty() || !hint.empty()) {
                auto walk = rows_sql(hint, /*with_candidates=*/false);
                if (!walk) {
                    return walk.error();
                }
                out.rows_by_sort_index = std::move(*walk);
            }
        }
        return out;
    }
    if (query.filter) {
        if (const std::string hint = dialect.FullScanHint(); !hint.empty()) {
            auto scan = count_sql(hint);
            if (!scan) {
                return scan.error();
            }
            out.count_full_scan = std::move(*scan);
        }
    }
    if (!query.sort.empty()) {
        if (const std::string hint = dialect.SortIndexHint(entity, *query.sort.front().field);
            !hint.empty()) {
            auto by_index = rows_sql(hint);
            if (!by_index) {
                return by_index.error();
            }
            out.rows_by_sort_index = std::move(*by_index);
        }
    }
    return out;
}

Sql BuildViewSql(const Dialect& dialect, const schema::Entity& target,
                 const std::vector<const schema::Field*>& fields, const std::vector<std::string>& ids,
                 std::vector<const schema::Field*>& selected) {
    selected.clear();
    selected.push_back(target.FindField("id"));
    SqlWriter out(dialect);
    out.Append("SELECT ").Identifier("id");
    for (const auto* field : fields) {
        if (field == nullptr || field->name == "id" || field->write_only ||
            !BelongsTo(target, field)) {
            continue;
        }
        out.Append(", ").Identifier(field->name);
        selected.push_back(field);
    }
    out.Append(" FROM ").Identifier(TableName(target)).Append(" WHERE ");
    boost::json::array list;
    for (const auto& id : ids) {
        list.emplace_back(id);
    }
    dialect.AppendInList(out, Dialect::QuoteIdentifier("id"), std::move(list));
    return out.Take();
}

}  // namespace ea::store::sql

namespace ea::store::sql {

Status AppendFilterCondition(SqlWriter& out, const schema::Entity& entity,
                             const query::FilterNode& filter, query::Matching matching,
                             double fuzzy_threshold) {
    query::Query query;
    query.matching = matching;
    query.fuzzy_threshold = fuzzy_threshold;
    WhereBuilder where(out, entity, query);
    return where.Node(filter);
}

}  // namespace ea::store::sql
