#include "store/postgres/pg_store.hpp"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/ids.hpp"
#include "store/postgres/pg_dialect.hpp"
#include "store/postgres/pg_migrate.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/postgres/pg_url.hpp"
#include "store/postgres/pg_values.hpp"
#include "store/sql/view_embed.hpp"
#include "store/sql/aggregate_builder.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/select_builder.hpp"

namespace ea::store::postgres {
namespace {

using boost::json::value;
using Params = std::vector<value>;

// count=auto counts exactly when the estimate says the count is cheap (docs/query.md, "Totals";
// the SQLite store's threshold, so both backends switch at the same size).
constexpr std::int64_t kAutoExactRows = 10'000;

std::string Quote(std::string_view name) {
    return sql::Dialect::QuoteIdentifier(name);
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i > 0 ? std::string(separator) : std::string()) + names[i];
    }
    return out;
}

// The messages below are the SQLite store's, word for word (the conformance suite compares them).

std::string WithArticle(const std::string& name) {
    const char first = name.empty() ? 'x' : static_cast<char>(name[0] | 0x20);
    const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o';
    return (vowel ? "an " : "a ") + name;
}

Error QueryTimeoutError(std::chrono::microseconds limit) {
    const auto us = limit.count();
    const std::string amount =
        us % 1000 == 0 ? std::to_string(us / 1000) + " ms" : std::to_string(us) + " us";
    return Unavailable("the query took longer than the " + amount +
                       " limit (limits.query_timeout_ms); narrow the filter or the search");
}

Error MissingReference() {
    return Error{ErrorCode::kValidationFailed, "a referenced record does not exist"};
}

// A transaction on one connection, rolled back unless committed.
class Transaction {
public:
    explicit Transaction(PgConnection& conn) : conn_(conn) {}
    ~Transaction() {
        if (open_) {
            (void)conn_.Simple("ROLLBACK");
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status Begin(const char* sql = "BEGIN") {
        auto status = conn_.Simple(sql);
        open_ = status.has_value();
        return status;
    }
    Status Commit() {
        open_ = false;
        return conn_.Simple("COMMIT");
    }

private:
    PgConnection& conn_;
    bool open_ = false;
};

constexpr const char* kReadSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

}  // namespace

// ---- Impl ----------------------------------------------------------------------------------

class PgStore::Impl {
public:
    Impl(const schema::Schema& schema, const Options& options, PgPoolOptions pool)
        : schema_(schema), options_(options), pool_(std::move(pool)) {
        for (const auto& entity : schema.entities()) {
            entity_sql_.emplace(entity.get(), BuildEntitySql(*entity));
        }
    }

    PgPool& pool() { return pool_; }
    const schema::Schema& schema() const { return schema_; }
    const PgDialect& dialect() const { return dialect_; }

    // Runs op(connection) on a pooled connection. A connection found dead on its first
    // statement did no work, so the operation runs again on another one. After a server restart
    // every idle connection is dead: each attempt drops one, and at most pool-size attempts
    // reach a fresh connection.
    template <class T, class Op>
    Result<T> WithConnection(Op&& op) {
        const std::size_t attempts = pool_.max_size() + 1;
        for (std::size_t attempt = 1;; ++attempt) {
            auto lease = pool_.Acquire();
            if (!lease) {
                return lease.error();
            }
            PgConnection& conn = **lease;
            if (conn.generation != generation_.load()) {
                if (auto s = conn.ForgetStatements(); !s) {
                    lease->Discard();
                    if (attempt < attempts) {
                        continue;
                    }
                    return s.error();
                }
                conn.generation = generation_.load();
                conn.StartLease();
            }
            Result<T> result = op(conn);
            if (!result && conn.LostBeforeAnyWork() && attempt < attempts) {
                lease->Discard();
                continue;
            }
            return result;
        }
    }

    template <class T, class Op>
    Result<T> InWriteTransaction(Op&& op) {
        return WithConnection<T>([&](PgConnection& conn) -> Result<T> {
            Transaction tx(conn);
            if (auto s = tx.Begin(); !s) {
                return s.error();
            }
            Result<T> result = op(conn);
            if (!result) {
                return result;
            }
            if (auto s = tx.Commit(); !s) {
                return s.error();
            }
            return result;
        });
    }

    void BumpGeneration(PgConnection& conn) {
        conn.generation = ++generation_;
        (void)conn.ForgetStatements();
    }

    // ---- Reads -----------------------------------------------------------------------------

    const EntitySql& SqlFor(const schema::Entity& entity) const {
        auto it = entity_sql_.find(&entity);
        if (it == entity_sql_.end()) {
            std::fprintf(stderr, "events-api store: entity %s is not of this store's schema\n",
                         entity.name().c_str());
            std::abort();
        }
        return it->second;
    }

    static Record ReadRow(const PgResult& result, int row, const schema::Entity& entity) {
        Record record;
        int column = 0;
        for (const auto& field : sql::ColumnFields(entity)) {
            record[field.name] = ColumnValue(result, row, column++, field);
        }
        return record;
    }

    Result<std::optional<Record>> FindById(PgConnection& conn, const schema::Entity& entity,
                                           const std::string& id, bool for_update = false) {
        const EntitySql& statements = SqlFor(entity);
        auto result = conn.Exec(for_update ? statements.select_for_update : statements.select_by_id,
                                {value(id)});
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0) {
            return std::optional<Record>();
        }
        return std::optional<Record>(ReadRow(*result, 0, entity));
    }

    // One batched look-up per view relation for the whole page (never one per row).
    Status EmbedView(PgConnection& conn, const query::ViewSpec& spec, std::vector<Record>& rows,
                     std::vector<Notice>& warnings) {
        const schema::Field& reference = *spec.reference;
        const schema::Entity& target = *reference.target;
        const std::vector<std::string> ids = sql::ReferencedIds(rows, reference);
        std::unordered_map<std::string, Record> found;
        if (!ids.empty()) {
            std::vector<const schema::Field*> selected;
            const sql::Sql lookup = sql::BuildViewSql(dialect_, target, spec.fields, ids, selected);
            auto result = conn.Exec(lookup.text, lookup.params);
            if (!result) {
                return result.error();
            }
            for (int r = 0; r < result->rows(); ++r) {
                Record embedded;
                embedded["exists"] = true;
                for (std::size_t i = 0; i < selected.size(); ++i) {
                    embedded[selected[i]->name] =
                        ColumnValue(*result, r, static_cast<int>(i), *selected[i]);
                }
                std::string id(embedded["id"].as_string());
                found.emplace(std::move(id), std::move(embedded));
            }
        }
        sql::AttachView(spec, found, rows, warnings);
        return Ok();
    }

    Result<std::optional<GetResult>> FindByIdWithView(PgConnection& conn,
                                                      const schema::Entity& entity,
                                                      const std::string& id,
                                                      const std::vector<query::ViewSpec>& view) {
        if (auto s = sql::CheckView(entity, view); !s) {
            return s.error();
        }
        Transaction tx(conn);
        if (!view.empty()) {
            if (auto s = tx.Begin(kReadSnapshot); !s) {
                return s.error();
            }
        }
        auto row = FindById(conn, entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return std::optional<GetResult>();
        }
        std::vector<Record> rows;
        rows.push_back(std::move(**row));
        std::vector<Notice> warnings;
        for (const auto& spec : view) {
            if (auto s = EmbedView(conn, spec, rows, warnings); !s) {
                return s.error();
            }
        }
        if (!view.empty()) {
            if (auto s = tx.Commit(); !s) {
                return s.error();
            }
        }
        return std::optional<GetResult>(GetResult{std::move(rows.front()), std::move(warnings)});
    }

    Result<std::int64_t> Scalar(PgConnection& conn, const std::string& sql, const Params& params) {
        auto result = conn.Exec(sql, params);
        if (!result) {
            return result.error();
        }
        if (result->rows() == 0 || result->IsNull(0, 0)) {
            return std::int64_t{0};
        }
        return static_cast<std::int64_t>(
            std::strtoll(std::string(result->Text(0, 0)).c_str(), nullptr, 10));
    }

    // The planner's row estimate for the list's filter (EXPLAIN, no execution).
    Result<std::int64_t> EstimateRows(PgConnection& conn, const sql::Sql& count) {
        constexpr std::string_view kCountPrefix = "SELECT COUNT(*)";
        std::string text = "EXPLAIN (FORMAT JSON) SELECT 1";
        text += std::string_view(count.text).substr(kCountPrefix.size());
        auto result = conn.Exec(text, count.params);
        if (!result) {
            return result.error();
        }
        boost::system::error_code ec;
        const value plan = boost::json::parse(result->rows() > 0 ? result->Text(0, 0) : "", ec);
        if (ec || !plan.is_array() || plan.as_array().empty()) {
            return Internal("EXPLAIN gave no plan");
        }
        const auto* top = plan.as_array()[0].as_object().if_contains("Plan");
        const auto* rows = top != nullptr && top->is_object()
                               ? top->as_object().if_contains("Plan Rows")
                               : nullptr;
        if (rows == nullptr || !rows->is_number()) {
            return Internal("EXPLAIN gave no row estimate");
        }
        return static_cast<std::int64_t>(std::llround(rows->to_number<double>()));
    }

    struct CountedTotal {
        std::int64_t total = 0;
        TotalKind kind = TotalKind::kExact;
    };

    // The total query.count asks for (docs/query.md, "Totals"), after the page was read.
    Result<CountedTotal> TotalFor(PgConnection& conn, const sql::ListSql& plan,
                                  const query::Query& query, std::size_t rows, bool has_more) {
        if (query.count == query::CountMode::kNone) {
            return CountedTotal{0, TotalKind::kNone};
        }
        const std::int64_t offset =
            static_cast<std::int64_t>(query.page - 1) * static_cast<std::int64_t>(query.page_size);
        const auto seen = offset + static_cast<std::int64_t>(rows);
        if (!has_more && (rows > 0 || query.page == 1)) {
            return CountedTotal{seen, TotalKind::kExact};
        }
        const auto exact = [&]() -> Result<CountedTotal> {
            auto count = Scalar(conn, plan.count.text, plan.count.params);
            if (!count) {
                return count.error();
            }
            return CountedTotal{*count, TotalKind::kExact};
        };
        if (query.count == query::CountMode::kExact) {
            return exact();
        }
        auto estimate = EstimateRows(conn, plan.count);
        if (!estimate) {
            return estimate.error();
        }
        if (query.count == query::CountMode::kAuto && *estimate <= kAutoExactRows) {
            return exact();
        }
        // What the page saw bounds the estimate: more rows than it read, or (past the end) no
        // more than the rows before it.
        std::int64_t total = *estimate;
        total = has_more ? std::max(total, seen + 1) : std::min(total, offset);
        return CountedTotal{total, TotalKind::kEstimate};
    }

    // The list transaction's settings: the statement timeout, and the threshold pg_trgm's <%
    // (the fuzzy candidate clause) compares with.
    Status SetListSettings(PgConnection& conn, const query::Query& query) {
        const auto limit = options_.query_timeout;
        if (limit.count() > 0 && query.time_limited) {
            // statement_timeout counts whole milliseconds (a smaller value would disable it);
            // List's elapsed-time check enforces finer limits.
            const auto ms = (limit.count() + 999) / 1000;
            auto s = conn.Exec("SELECT set_config('statement_timeout', $1, true)",
                               {value(std::to_string(ms))});
            if (!s) {
                return s.error();
            }
        }
        if (query.matching == query::Matching::kFuzzy &&
            FuzzyCandidatesUsable(query.fuzzy_threshold)) {
            char threshold[32];
            std::snprintf(threshold, sizeof threshold, "%.17g", query.fuzzy_threshold);
            auto s = conn.Exec("SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)",
                               {value(threshold)});
            if (!s) {
                return s.error();
            }
        }
        return Ok();
    }

    Result<ListResult> List(PgConnection& conn, const schema::Entity& entity,
                            const query::Query& query) {
        if (auto s = sql::CheckView(entity, query.view); !s) {
            return s.error();
        }
        auto plan = sql::BuildListSql(dialect_, entity, query);
        if (!plan) {
            return plan.error();
        }
        const auto started = std::chrono::steady_clock::now();
        const auto limit =
            query.time_limited ? options_.query_timeout : decltype(options_.query_timeout){0};
        auto listed = [&]() -> Result<ListResult> {
            Transaction tx(conn);
            if (auto s = tx.Begin(kReadSnapshot); !s) {
                return s.error();
            }
            if (auto s = SetListSettings(conn, query); !s) {
                return s.error();
            }
            ListResult out;
            auto rows = conn.Exec(plan->rows.text, plan->rows.params);
            if (!rows) {
                return rows.error();
            }
            for (int r = 0; r < rows->rows(); ++r) {
                if (out.rows.size() == static_cast<std::size_t>(query.page_size)) {
                    out.page.has_more = true;
                    break;
                }
                out.rows.push_back(ReadRow(*rows, r, entity));
            }
            auto total = TotalFor(conn, *plan, query, out.rows.size(), out.page.has_more);
            if (!total) {
                return total.error();
            }
            for (const auto& spec : query.view) {
                if (auto s = EmbedView(conn, spec, out.rows, out.warnings); !s) {
                    return s.error();
                }
            }
            if (auto s = tx.Commit(); !s) {
                return s.error();
            }
            out.page.page = query.page;
            out.page.page_size = query.page_size;
            out.page.total_kind = total->kind;
            if (total->kind != TotalKind::kNone) {
                out.page.total = total->total;
                out.page.total_pages = (total->total + query.page_size - 1) / query.page_size;
            }
            return out;
        }();
        if (limit.count() > 0) {
            if (!listed && conn.last_failure().sqlstate == "57014") {
                return QueryTimeoutError(limit);
            }
            if (listed && std::chrono::steady_clock::now() - started > limit) {
                return QueryTimeoutError(limit);
            }
        }
        return listed;
    }

    // A metric column: count as an integer, avg as a double, sum as an integer for an Integer
    // field (PostgreSQL's SUM of a bigint is numeric) and a double otherwise, min and max as the
    // field's own values, as the SQLite store answers them.
    static value MetricValue(const PgResult& rows, int row, int column,
                             const query::Metric& metric) {
        if (rows.IsNull(row, column)) {
            return nullptr;
        }
        const std::string text(rows.Text(row, column));
        switch (metric.op) {
            case query::AggregateOp::kCount:
                return static_cast<std::int64_t>(std::stoll(text));
            case query::AggregateOp::kAvg:
                return std::strtod(text.c_str(), nullptr);
            case query::AggregateOp::kSum:
                if (metric.field->type == schema::FieldType::kInteger &&
                    text.find_first_of(".eE") == std::string::npos) {
                    return static_cast<std::int64_t>(std::stoll(text));
                }
                return std::strtod(text.c_str(), nullptr);
            case query::AggregateOp::kMin:
            case query::AggregateOp::kMax:
                return ColumnValue(rows, row, column, *metric.field);
        }
        return nullptr;
    }

    Result<AggregateResult> Aggregate(PgConnection& conn, const schema::Entity& entity,
                                      const query::AggregateQuery& aggregate) {
        auto statement = sql::BuildAggregateSql(dialect_, entity, aggregate);
        if (!statement) {
            return statement.error();
        }
        // The list's session settings (time limit, fuzzy threshold) for the same filter.
        query::Query settings;
        settings.matching = aggregate.matching;
        settings.fuzzy_threshold = aggregate.fuzzy_threshold;
        const auto started = std::chrono::steady_clock::now();
        const auto limit = options_.query_timeout;
        auto computed = [&]() -> Result<AggregateResult> {
            Transaction tx(conn);
            if (auto s = tx.Begin(kReadSnapshot); !s) {
                return s.error();
            }
            if (auto s = SetListSettings(conn, settings); !s) {
                return s.error();
            }
            auto rows = conn.Exec(statement->text, statement->params);
            if (!rows) {
                return rows.error();
            }
            AggregateResult out;
            const int keys = static_cast<int>(aggregate.group_by.size());
            for (int r = 0; r < rows->rows(); ++r) {
                if (out.groups.size() >= static_cast<std::size_t>(aggregate.max_groups)) {
                    out.truncated = true;
                    break;
                }
                AggregateGroup group;
                for (int i = 0; i < keys; ++i) {
                    group.keys.push_back(ColumnValue(*rows, r, i, *aggregate.group_by[i]));
                }
                for (std::size_t i = 0; i < aggregate.metrics.size(); ++i) {
                    group.values.push_back(MetricValue(*rows, r, keys + static_cast<int>(i),
                                                       aggregate.metrics[i]));
                }
                out.groups.push_back(std::move(group));
            }
            if (auto s = tx.Commit(); !s) {
                return s.error();
            }
            return out;
        }();
        if (limit.count() > 0) {
            if (!computed && conn.last_failure().sqlstate == "57014") {
                return QueryTimeoutError(limit);
            }
            if (computed && std::chrono::steady_clock::now() - started > limit) {
                return QueryTimeoutError(limit);
            }
        }
        return computed;
    }

    Result<std::vector<EntityCount>> Count(PgConnection& conn) {
        Transaction tx(conn);
        if (auto s = tx.Begin(kReadSnapshot); !s) {
            return s.error();
        }
        std::vector<EntityCount> out;
        for (const auto& entity : schema_.entities()) {
            auto count = Scalar(conn, "SELECT COUNT(*) FROM " + Quote(sql::TableName(*entity)), {});
            if (!count) {
                return count.error();
            }
            out.push_back(EntityCount{entity->name(), *count});
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return out;
    }

    // ---- Writes ----------------------------------------------------------------------------

    Status CheckReferences(PgConnection& conn, const schema::Entity& entity, const Record& record,
                           std::vector<FieldError>& errors) {
        for (const auto& field : entity.fields()) {
            if (!field.is_reference()) {
                continue;
            }
            const value* v = record.if_contains(field.name);
            if (v == nullptr || v->is_null()) {
                continue;
            }
            if (!v->is_string()) {
                errors.push_back({field.name, "must be the id of a " + field.target->name()});
                continue;
            }
            auto found = conn.Exec(SqlFor(*field.target).exists_by_id, {*v});
            if (!found) {
                return found.error();
            }
            if (found->rows() == 0) {
                errors.push_back({field.name, "references a missing " + field.target->name() +
                                                  ": " + std::string(v->get_string())});
            }
        }
        return Ok();
    }

    Status CheckUniques(PgConnection& conn, const schema::Entity& entity, const Record& record,
                        const std::optional<std::string>& self, std::vector<FieldError>& errors) {
        const std::string table = Quote(sql::TableName(entity));
        for (const auto& unique : entity.uniques()) {
            std::string where;
            Params params;
            bool has_null = false;
            for (const auto& name : unique) {
                const schema::Field* field = entity.FindField(name);
                if (field == nullptr) {
                    continue;
                }
                value v = BindableValue(record, *field);
                if (v.is_null()) {
                    has_null = true;  // NULLs never collide in a UNIQUE index
                    break;
                }
                params.push_back(std::move(v));
                where += (where.empty() ? "" : " AND ") + Quote(name) + " = $" +
                         std::to_string(params.size()) + "::" + CastType(*field);
            }
            if (has_null || params.empty()) {
                continue;
            }
            if (self) {
                params.emplace_back(*self);
                where += " AND \"id\" <> $" + std::to_string(params.size());
            }
            auto taken = conn.Exec("SELECT 1 FROM " + table + " WHERE " + where + " LIMIT 1",
                                   params, /*typed=*/false);
            if (!taken) {
                return taken.error();
            }
            if (taken->rows() > 0) {
                errors.push_back(
                    {JoinNames(unique, ","), WithArticle(entity.name()) + " with this " +
                                                 JoinNames(unique, " and ") + " already exists"});
            }
        }
        return Ok();
    }

    // A write the database refused although the checks passed (a concurrent writer took the
    // unique value or deleted the referenced record in between): the same errors the checks
    // give, found from the constraint's name.
    Error WriteRefused(PgConnection& conn, const schema::Entity& entity, const Record& record,
                       Error error) {
        const PgFailure& failure = conn.last_failure();
        if (failure.sqlstate == "23505") {
            if (failure.constraint == sql::TableName(entity) + "_pkey") {
                return Conflict(
                    "the record conflicts with an existing " + entity.name(),
                    {{"id", WithArticle(entity.name()) + " with this id already exists"}});
            }
            for (const auto& index : sql::IndexesFor(entity)) {
                if (index.unique && index.name == failure.constraint) {
                    std::vector<std::string> names;
                    for (const auto* field : index.fields) {
                        names.push_back(field->name);
                    }
                    return Conflict("the record conflicts with an existing " + entity.name(),
                                    {{JoinNames(names, ","),
                                      WithArticle(entity.name()) + " with this " +
                                          JoinNames(names, " and ") + " already exists"}});
                }
            }
        }
        if (failure.sqlstate == "23503") {
            for (const auto& field : entity.fields()) {
                if (field.is_reference() &&
                    failure.constraint == sql::TableName(entity) + "_" + field.name + "_fkey") {
                    const value* v = record.if_contains(field.name);
                    const std::string id = v != nullptr && v->is_string()
                                               ? std::string(v->get_string())
                                               : std::string();
                    Error missing = MissingReference();
                    missing.fields.push_back(
                        {field.name, "references a missing " + field.target->name() + ": " + id});
                    return missing;
                }
            }
        }
        return error;
    }

    Params RowParams(const schema::Entity& entity, const Record& record, const std::string& id) {
        Params params;
        for (const auto& field : sql::ColumnFields(entity)) {
            params.push_back(field.name == "id" ? value(id) : BindableValue(record, field));
        }
        return params;
    }

    Result<Record> ReadBack(PgConnection& conn, const schema::Entity& entity,
                            const std::string& id) {
        auto row = FindById(conn, entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return Internal("a written record could not be read back");
        }
        return std::move(**row);
    }

    Result<Record> CreateLocked(PgConnection& conn, const schema::Entity& entity,
                                const Record& record) {
        const value* id_value = record.if_contains("id");
        if (id_value == nullptr || !id_value->is_string() || !IsValidId(id_value->get_string())) {
            return Error{ErrorCode::kValidationFailed,
                         "the record has no valid id",
                         {{"id", "must be a valid id"}}};
        }
        const std::string id = NormalizeId(id_value->get_string());
        std::vector<FieldError> errors;
        if (auto s = CheckReferences(conn, entity, record, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Error{ErrorCode::kValidationFailed, "a referenced record does not exist",
                         std::move(errors)};
        }
        auto taken = conn.Exec(SqlFor(entity).exists_by_id, {value(id)});
        if (!taken) {
            return taken.error();
        }
        if (taken->rows() > 0) {
            errors.push_back({"id", WithArticle(entity.name()) + " with this id already exists"});
        }
        if (auto s = CheckUniques(conn, entity, record, std::nullopt, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Conflict("the record conflicts with an existing " + entity.name(),
                            std::move(errors));
        }
        auto inserted = conn.Exec(SqlFor(entity).insert, RowParams(entity, record, id),
                                  /*typed=*/false);
        if (!inserted) {
            return WriteRefused(conn, entity, record, inserted.error());
        }
        return ReadBack(conn, entity, id);
    }

    Result<Record> ReplaceLocked(PgConnection& conn, const schema::Entity& entity,
                                 std::string_view raw_id, const Record& record) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        auto found = conn.Exec(SqlFor(entity).exists_by_id + " FOR UPDATE", {value(id)});
        if (!found) {
            return found.error();
        }
        if (found->rows() == 0) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        std::vector<FieldError> errors;
        if (auto s = CheckReferences(conn, entity, record, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Error{ErrorCode::kValidationFailed, "a referenced record does not exist",
                         std::move(errors)};
        }
        if (auto s = CheckUniques(conn, entity, record, id, errors); !s) {
            return s.error();
        }
        if (!errors.empty()) {
            return Conflict("the record conflicts with an existing " + entity.name(),
                            std::move(errors));
        }
        const EntitySql& statements = SqlFor(entity);
        Params params;
        for (const auto* field : statements.update_fields) {
            params.push_back(BindableValue(record, *field));
        }
        params.emplace_back(id);
        if (auto s = conn.Exec(statements.update, params, /*typed=*/false); !s) {
            return WriteRefused(conn, entity, record, s.error());
        }
        return ReadBack(conn, entity, id);
    }

    Result<Record> UpdateLocked(PgConnection& conn, const schema::Entity& entity,
                                std::string_view raw_id, const Merge& merge) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        auto row = FindById(conn, entity, id, /*for_update=*/true);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        auto merged = merge(**row);
        if (!merged) {
            return merged.error();
        }
        return ReplaceLocked(conn, entity, id, *merged);
    }

    // Deletes `id` after applying on_delete along every incoming reference, inside the caller's
    // transaction; `visiting` stops reference cycles.
    Status DeleteRecursive(PgConnection& conn, const schema::Entity& entity, const std::string& id,
                           std::set<std::pair<const schema::Entity*, std::string>>& visiting) {
        if (!visiting.emplace(&entity, id).second) {
            return Ok();
        }
        for (const auto& relation : entity.referenced_by()) {
            const schema::Entity& child = *relation.from;
            const schema::Field& field = *relation.field;
            const std::string child_table = Quote(sql::TableName(child));
            const std::string column = Quote(field.name);
            switch (field.on_delete) {
                case schema::OnDelete::kRestrict: {
                    auto found = conn.Exec("SELECT 1 FROM " + child_table + " WHERE " + column +
                                               " = $1 AND NOT (\"id\" = $1 AND $2) LIMIT 1",
                                           {value(id), value(&child == &entity)});
                    if (!found) {
                        return found.error();
                    }
                    if (found->rows() > 0) {
                        return Conflict(entity.name() + " " + id + " is still referenced by " +
                                        child.name() + "." + field.name);
                    }
                    break;
                }
                case schema::OnDelete::kCascade: {
                    auto children = conn.Exec("SELECT \"id\" FROM " + child_table + " WHERE " +
                                                  column + " = $1 FOR UPDATE",
                                              {value(id)});
                    if (!children) {
                        return children.error();
                    }
                    std::vector<std::string> ids;
                    for (int r = 0; r < children->rows(); ++r) {
                        ids.emplace_back(children->Text(r, 0));
                    }
                    for (const auto& child_id : ids) {
                        if (auto d = DeleteRecursive(conn, child, child_id, visiting); !d) {
                            return d;
                        }
                    }
                    break;
                }
                case schema::OnDelete::kSetNull: {
                    // The child changed, so its version (updatedAt, the REST ETag) moves too: to
                    // now, or 1 ms past the old one when the clock has not passed it.
                    std::string moved;
                    if (child.FindField("updatedAt") != nullptr) {
                        constexpr const char* kFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
                        moved = std::string(
                                    ", \"updatedAt\" = greatest(to_char(now() AT TIME ZONE "
                                    "'UTC', ") +
                                kFormat +
                                ") COLLATE \"C\", to_char((\"updatedAt\"::timestamptz + interval "
                                "'1 millisecond') AT TIME ZONE 'UTC', " +
                                kFormat + ") COLLATE \"C\")";
                    }
                    auto s = conn.Exec("UPDATE " + child_table + " SET " + column + " = NULL" +
                                           moved + " WHERE " + column + " = $1",
                                       {value(id)});
                    if (!s) {
                        return s.error();
                    }
                    break;
                }
            }
        }
        auto deleted = conn.Exec(SqlFor(entity).delete_by_id, {value(id)});
        if (!deleted) {
            if (conn.last_failure().sqlstate == "23503") {
                // The database's own foreign key (the safety net) refused: a reference appeared
                // after the check.
                return Conflict(entity.name() + " " + id + " is still referenced");
            }
            return deleted.error();
        }
        return Ok();
    }

    Result<Record> DeleteLocked(PgConnection& conn, const schema::Entity& entity,
                                std::string_view raw_id, const Check& check = {}) {
        if (!IsValidId(raw_id)) {
            return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
        }
        const std::string id = NormalizeId(raw_id);
        auto row = FindById(conn, entity, id, /*for_update=*/true);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + id + " not found");
        }
        if (check) {
            if (auto passed = check(**row); !passed) {
                return passed.error();
            }
        }
        std::set<std::pair<const schema::Entity*, std::string>> visiting;
        if (auto s = DeleteRecursive(conn, entity, id, visiting); !s) {
            return s.error();
        }
        return std::move(**row);
    }

private:
    const schema::Schema& schema_;
    Options options_;
    PgDialect dialect_;
    PgPool pool_;
    std::unordered_map<const schema::Entity*, EntitySql> entity_sql_;
    std::atomic<std::uint64_t> generation_{0};  // Reset count
};

// ---- PgStore -------------------------------------------------------------------------------

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() = default;

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, const schema::Schema& schema,
                                               const Options& options) {
    PgPoolOptions pool;
    pool.url = url;
    pool.redacted = RedactUrl(url);
    pool.secret = UrlPassword(url);
    pool.max_size = std::max<std::size_t>(1, options.pool_size);
    pool.acquire_timeout = options.acquire_timeout;
    const bool full = options.durability == Durability::kFull;
    pool.on_connect = [full](PgConnection& conn) {
        return conn.Simple(full ? "SET synchronous_commit TO on" : "SET synchronous_commit TO off");
    };
    auto impl = std::make_unique<Impl>(schema, options, std::move(pool));
    auto migrated = impl->WithConnection<bool>([&](PgConnection& conn) -> Result<bool> {
        if (auto s = Migrate(conn, impl->dialect(), schema); !s) {
            return s.error();
        }
        return true;
    });
    if (!migrated) {
        return migrated.error();
    }
    return std::unique_ptr<PgStore>(new PgStore(std::move(impl)));
}

Result<ListResult> PgStore::List(const schema::Entity& entity, const query::Query& query) {
    return impl_->WithConnection<ListResult>(
        [&](PgConnection& conn) { return impl_->List(conn, entity, query); });
}

Result<Record> PgStore::Get(const schema::Entity& entity, std::string_view id) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return impl_->WithConnection<Record>([&](PgConnection& conn) -> Result<Record> {
        auto row = impl_->FindById(conn, entity, normalized);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**row);
    });
}

Result<GetResult> PgStore::GetWithView(const schema::Entity& entity, std::string_view id,
                                       const std::vector<query::ViewSpec>& view) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " not found: the id is not valid");
    }
    const std::string normalized = NormalizeId(id);
    return impl_->WithConnection<GetResult>([&](PgConnection& conn) -> Result<GetResult> {
        auto found = impl_->FindByIdWithView(conn, entity, normalized, view);
        if (!found) {
            return found.error();
        }
        if (!*found) {
            return NotFound(entity.name() + " " + normalized + " not found");
        }
        return std::move(**found);
    });
}

Result<Record> PgStore::Create(const schema::Entity& entity, const Record& record) {
    return impl_->InWriteTransaction<Record>(
        [&](PgConnection& conn) { return impl_->CreateLocked(conn, entity, record); });
}

Result<Record> PgStore::Replace(const schema::Entity& entity, std::string_view id,
                                const Record& record) {
    return impl_->InWriteTransaction<Record>(
        [&](PgConnection& conn) { return impl_->ReplaceLocked(conn, entity, id, record); });
}

Result<Record> PgStore::Update(const schema::Entity& entity, std::string_view id,
                               const Merge& merge) {
    return impl_->InWriteTransaction<Record>(
        [&](PgConnection& conn) { return impl_->UpdateLocked(conn, entity, id, merge); });
}

Result<Record> PgStore::Delete(const schema::Entity& entity, std::string_view id) {
    return impl_->InWriteTransaction<Record>(
        [&](PgConnection& conn) { return impl_->DeleteLocked(conn, entity, id); });
}

Result<Record> PgStore::DeleteIf(const schema::Entity& entity, std::string_view id,
                                 const Check& check) {
    return impl_->InWriteTransaction<Record>(
        [&](PgConnection& conn) { return impl_->DeleteLocked(conn, entity, id, check); });
}

Result<std::vector<Record>> PgStore::Batch(std::vector<BatchItem> items) {
    return impl_->InWriteTransaction<std::vector<Record>>(
        [&](PgConnection& conn) -> Result<std::vector<Record>> {
            std::vector<Record> out;
            out.reserve(items.size());
            for (std::size_t i = 0; i < items.size(); ++i) {
                const auto& item = items[i];
                const std::string prefix = "[" + std::to_string(i) + "]";
                if (item.entity == nullptr) {
                    return InvalidArgument("batch item " + std::to_string(i) + " names no entity");
                }
                Result<Record> written = [&]() -> Result<Record> {
                    if (!item.replace) {
                        return impl_->CreateLocked(conn, *item.entity, item.record);
                    }
                    const value* id = item.record.if_contains("id");
                    if (id == nullptr || !id->is_string()) {
                        return Error{ErrorCode::kValidationFailed,
                                     "a replace needs the record's id",
                                     {{"id", "is required to replace a record"}}};
                    }
                    if (item.merge) {
                        return impl_->UpdateLocked(conn, *item.entity, id->get_string(),
                                                   item.merge);
                    }
                    return impl_->ReplaceLocked(conn, *item.entity, id->get_string(), item.record);
                }();
                if (!written) {
                    Error error = std::move(written.error());
                    error.message = prefix + " " + error.message;
                    for (auto& field : error.fields) {
                        field.field = prefix + "." + field.field;
                    }
                    return error;
                }
                out.push_back(std::move(*written));
            }
            return out;
        });
}

Result<std::vector<EntityCount>> PgStore::Count() {
    return impl_->WithConnection<std::vector<EntityCount>>(
        [&](PgConnection& conn) { return impl_->Count(conn); });
}

Result<AggregateResult> PgStore::Aggregate(const schema::Entity& entity,
                                           const query::AggregateQuery& query) {
    return impl_->WithConnection<AggregateResult>(
        [&](PgConnection& conn) { return impl_->Aggregate(conn, entity, query); });
}

Status PgStore::Ping() {
    // A round trip on a pooled connection (a dead one is replaced by the pool's retry): the
    // server is up and accepting this store's credentials; nothing is scanned.
    auto pinged = impl_->WithConnection<bool>([&](PgConnection& conn) -> Result<bool> {
        auto result = conn.Exec("SELECT 1", {});
        if (!result) {
            return result.error();
        }
        return true;
    });
    return pinged ? Ok() : Status(pinged.error());
}

Status PgStore::Reset() {
    auto reset = impl_->WithConnection<bool>([&](PgConnection& conn) -> Result<bool> {
        auto status = ResetTables(conn, impl_->dialect(), impl_->schema());
        impl_->BumpGeneration(conn);  // every connection forgets its statements before reuse
        if (!status) {
            return status.error();
        }
        return true;
    });
    return reset ? Ok() : Status(reset.error());
}

std::size_t PgStore::OpenConnectionCountForTest() const {
    return impl_->pool().open_count();
}

Result<std::string> PgStore::ExplainListForTest(const schema::Entity& entity,
                                                const query::Query& query) {
    auto plan = sql::BuildListSql(impl_->dialect(), entity, query);
    if (!plan) {
        return plan.error();
    }
    return impl_->WithConnection<std::string>([&](PgConnection& conn) -> Result<std::string> {
        Transaction tx(conn);
        if (auto s = tx.Begin(kReadSnapshot); !s) {
            return s.error();
        }
        if (auto s = impl_->SetListSettings(conn, query); !s) {
            return s.error();
        }
        if (auto s = conn.Simple("SET LOCAL enable_seqscan = off"); !s) {
            return s.error();
        }
        auto result = conn.Exec("EXPLAIN " + plan->rows.text, plan->rows.params);
        if (!result) {
            return result.error();
        }
        std::string text;
        for (int r = 0; r < result->rows(); ++r) {
            text += std::string(result->Text(r, 0)) + "\n";
        }
        return text;
    });
}

Result<std::string> PgStore::SettingForTest(const std::string& name) {
    return impl_->WithConnection<std::string>([&](PgConnection& conn) -> Result<std::string> {
        auto result = conn.Exec("SELECT current_setting($1)", {value(name)});
        if (!result) {
            return result.error();
        }
        return std::string(result->Text(0, 0));
    });
}

}  // namespace ea::store::postgres
