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
#include "store/sql/aggregate_builder.hpp"
#include "store/sql/cascade.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/entity_counts.hpp"
#include "store/sql/integrity.hpp"
#include "store/sql/list_totals.hpp"
#include "store/sql/per_entity.hpp"
#include "store/sql/record_params.hpp"
#include "store/sql/record_writes.hpp"
#include "store/sql/select_builder.hpp"
#include "store/sql/view_embed.hpp"

namespace ea::store::postgres {
namespace {

using boost::json::value;
using Params = std::vector<value>;

using sql::JoinNames;
using sql::QueryTimeoutError;
using sql::WithArticle;

// A statement that ran under the query timeout `limit` (0: none): the server cancelled it
// (SQLSTATE 57014, statement_timeout) or it finished after `limit` (statement_timeout counts
// whole milliseconds; finer limits are checked here). Either is the timeout error.
template <class T>
Result<T> WithinLimit(Result<T> result, const PgConnection& conn,
                      std::chrono::steady_clock::time_point started,
                      std::chrono::microseconds limit) {
    if (limit.count() > 0) {
        if (!result && conn.last_failure().sqlstate == "57014") {
            return QueryTimeoutError(limit);
        }
        if (result && std::chrono::steady_clock::now() - started > limit) {
            return QueryTimeoutError(limit);
        }
    }
    return result;
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
        : schema_(schema),
          options_(options),
          pool_(std::move(pool)),
          entity_sql_(schema, BuildEntitySql) {}

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

    const EntitySql& SqlFor(const schema::Entity& entity) const { return entity_sql_.For(entity); }

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
        return sql::EmbedView(
            dialect_, spec, rows, warnings,
            [&](const sql::Sql& lookup, const std::vector<const schema::Field*>& selected,
                std::unordered_map<std::string, Record>& found) -> Status {
                auto result = conn.Exec(lookup.text, lookup.params);
                if (!result) {
                    return result.error();
                }
                for (int r = 0; r < result->rows(); ++r) {
                    sql::AddFound(found, selected, [&](int column, const schema::Field& field) {
                        return ColumnValue(*result, r, column, field);
                    });
                }
                return Ok();
            });
    }

    // sql::FindByIdWithView's reads on one connection (the snapshot as List's).
    class ViewReads {
    public:
        ViewReads(Impl& impl, PgConnection& conn) : impl_(impl), conn_(conn) {}

        class Snapshot {
        public:
            explicit Snapshot(PgConnection& conn) : tx_(conn) {}
            Status Begin() { return tx_.Begin(kReadSnapshot); }
            Status Commit() { return tx_.Commit(); }

        private:
            Transaction tx_;
        };

        Result<std::optional<Record>> FindById(const schema::Entity& entity,
                                               const std::string& id) {
            return impl_.FindById(conn_, entity, id);
        }
        Status EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                         std::vector<Notice>& warnings) {
            return impl_.EmbedView(conn_, spec, rows, warnings);
        }
        Snapshot ReadSnapshot() { return Snapshot(conn_); }

    private:
        Impl& impl_;
        PgConnection& conn_;
    };

    Result<std::optional<GetResult>> FindByIdWithView(PgConnection& conn,
                                                      const schema::Entity& entity,
                                                      const std::string& id,
                                                      const std::vector<query::ViewSpec>& view) {
        ViewReads reads(*this, conn);
        return sql::FindByIdWithView(reads, entity, id, view);
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

    using CountedTotal = sql::CountedTotal;

    // The total query.count asks for (docs/query.md, "Totals"), after the page was read.
    Result<CountedTotal> TotalFor(PgConnection& conn, const sql::ListSql& plan,
                                  const query::Query& query, std::size_t rows, bool has_more) {
        if (auto told = sql::TotalFromPage(query, rows, has_more)) {
            return *told;
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
        if (query.count == query::CountMode::kAuto && *estimate <= sql::kAutoExactRows) {
            return exact();
        }
        return sql::BoundedEstimate(*estimate, query, rows, has_more);
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
            sql::SetPage(out.page, query, *total);
            return out;
        }();
        return WithinLimit(std::move(listed), conn, started, limit);
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
                    group.values.push_back(
                        MetricValue(*rows, r, keys + static_cast<int>(i), aggregate.metrics[i]));
                }
                out.groups.push_back(std::move(group));
            }
            if (auto s = tx.Commit(); !s) {
                return s.error();
            }
            return out;
        }();
        return WithinLimit(std::move(computed), conn, started, limit);
    }

    Result<std::vector<EntityCount>> Count(PgConnection& conn) {
        Transaction tx(conn);
        if (auto s = tx.Begin(kReadSnapshot); !s) {
            return s.error();
        }
        auto out = sql::CountEntities(
            schema_, [&](const std::string& sql) { return Scalar(conn, sql, {}); });
        if (!out) {
            return out;
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return out;
    }

    // ---- Writes ----------------------------------------------------------------------------

    // The probes of sql/integrity.hpp on one connection, inside the write transaction.
    class Probes {
    public:
        Probes(const Impl& impl, PgConnection& conn) : impl_(impl), conn_(conn) {}

        Result<bool> ReferenceExists(const schema::Entity& target, const value& id) {
            return Found(conn_.Exec(impl_.SqlFor(target).exists_by_id, {id}));
        }
        Result<bool> IdTaken(const schema::Entity& entity, const std::string& id) {
            return Found(conn_.Exec(impl_.SqlFor(entity).exists_by_id, {value(id)}));
        }
        // Every value is cast in the probe's text, so none is typed by its JSON kind.
        Result<bool> UniqueTaken(const sql::Sql& probe) {
            return Found(conn_.Exec(probe.text, probe.params, /*typed=*/false));
        }

    private:
        static Result<bool> Found(Result<PgResult> result) {
            if (!result) {
                return result.error();
            }
            return result->rows() > 0;
        }

        const Impl& impl_;
        PgConnection& conn_;
    };

    // A write the database refused although the checks passed (a concurrent writer took the
    // unique value or deleted the referenced record in between): the same errors the checks
    // give, found from the constraint's name.
    Error WriteRefused(PgConnection& conn, const schema::Entity& entity, const Record& record,
                       Error error) {
        const PgFailure& failure = conn.last_failure();
        if (failure.sqlstate == "23505") {
            if (failure.constraint == sql::TableName(entity) + "_pkey") {
                return sql::WriteConflict(
                    entity, {{"id", WithArticle(entity.name()) + " with this id already exists"}});
            }
            for (const auto& index : sql::IndexesFor(entity)) {
                if (index.unique && index.name == failure.constraint) {
                    std::vector<std::string> names;
                    for (const auto* field : index.fields) {
                        names.push_back(field->name);
                    }
                    return sql::WriteConflict(
                        entity, {{JoinNames(names, ","), sql::UniqueTakenMessage(entity, names)}});
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
                    Error missing = sql::MissingReference();
                    missing.fields.push_back(
                        {field.name, "references a missing " + field.target->name() + ": " + id});
                    return missing;
                }
            }
        }
        return error;
    }

    Result<Record> CreateLocked(PgConnection& conn, const schema::Entity& entity,
                                const Record& record) {
        auto new_id = sql::NewRecordId(record);
        if (!new_id) {
            return new_id.error();
        }
        const std::string& id = *new_id;
        Probes probes(*this, conn);
        if (auto s = sql::CheckWrite(probes, dialect_, entity, record, id, std::nullopt); !s) {
            return s.error();
        }
        auto inserted = conn.Exec(SqlFor(entity).insert,
                                  sql::RowParams(dialect_, entity, record, id), /*typed=*/false);
        if (!inserted) {
            return WriteRefused(conn, entity, record, inserted.error());
        }
        return sql::ReadBack(FindById(conn, entity, id));
    }

    Result<Record> ReplaceLocked(PgConnection& conn, const schema::Entity& entity,
                                 std::string_view raw_id, const Record& record) {
        if (!IsValidId(raw_id)) {
            return sql::RecordNotFound(entity, raw_id);
        }
        const std::string id = NormalizeId(raw_id);
        auto found = conn.Exec(SqlFor(entity).exists_by_id + " FOR UPDATE", {value(id)});
        if (!found) {
            return found.error();
        }
        if (found->rows() == 0) {
            return sql::RecordNotFound(entity, id);
        }
        Probes probes(*this, conn);
        if (auto s = sql::CheckWrite(probes, dialect_, entity, record, id, id); !s) {
            return s.error();
        }
        const EntitySql& statements = SqlFor(entity);
        const Params params = sql::UpdateParams(dialect_, statements.update_fields, record, id);
        if (auto s = conn.Exec(statements.update, params, /*typed=*/false); !s) {
            return WriteRefused(conn, entity, record, s.error());
        }
        return sql::ReadBack(FindById(conn, entity, id));
    }

    // sql::UpdateRecord's steps on one connection: the row is read FOR UPDATE, so concurrent
    // writers of one record queue instead of losing a change.
    class UpdateSteps {
    public:
        UpdateSteps(Impl& impl, PgConnection& conn) : impl_(impl), conn_(conn) {}

        Result<std::optional<Record>> FindForUpdate(const schema::Entity& entity,
                                                    const std::string& id) {
            return impl_.FindById(conn_, entity, id, /*for_update=*/true);
        }
        Result<Record> ReplaceLocked(const schema::Entity& entity, std::string_view id,
                                     const Record& record) {
            return impl_.ReplaceLocked(conn_, entity, id, record);
        }

    private:
        Impl& impl_;
        PgConnection& conn_;
    };

    Result<Record> UpdateLocked(PgConnection& conn, const schema::Entity& entity,
                                std::string_view raw_id, const Merge& merge) {
        UpdateSteps steps(*this, conn);
        return sql::UpdateRecord(steps, entity, raw_id, merge);
    }

    // The steps of sql/cascade.hpp on one connection, inside the write transaction: the rows it
    // reads are locked (FOR UPDATE) so a concurrent writer of one of them waits.
    class CascadeSteps {
    public:
        CascadeSteps(Impl& impl, PgConnection& conn) : impl_(impl), conn_(conn) {}

        Result<std::optional<Record>> FindForDelete(const schema::Entity& entity,
                                                    const std::string& id) {
            return impl_.FindById(conn_, entity, id, /*for_update=*/true);
        }
        Result<bool> StillReferenced(const std::string& child_table, const std::string& column,
                                     const std::string& id, bool self_reference) {
            auto found = conn_.Exec("SELECT 1 FROM " + child_table + " WHERE " + column +
                                        " = $1 AND NOT (\"id\" = $1 AND $2) LIMIT 1",
                                    {value(id), value(self_reference)});
            if (!found) {
                return found.error();
            }
            return found->rows() > 0;
        }
        Result<std::vector<std::string>> Ids(const std::string& sql, const std::string& id) {
            auto rows = conn_.Exec(sql, {value(id)});
            if (!rows) {
                return rows.error();
            }
            std::vector<std::string> ids;
            for (int r = 0; r < rows->rows(); ++r) {
                ids.emplace_back(rows->Text(r, 0));
            }
            return ids;
        }
        Status Run(const std::string& sql, const std::string& id) {
            auto done = conn_.Exec(sql, {value(id)});
            return done ? Ok() : Status(done.error());
        }
        Status DeleteRow(const schema::Entity& entity, const std::string& id) {
            auto deleted = conn_.Exec(impl_.SqlFor(entity).delete_by_id, {value(id)});
            if (!deleted) {
                if (conn_.last_failure().sqlstate == "23503") {
                    // The database's own foreign key (the safety net) refused: a reference
                    // appeared after the check.
                    return Conflict(entity.name() + " " + id + " is still referenced");
                }
                return deleted.error();
            }
            return Ok();
        }

    private:
        Impl& impl_;
        PgConnection& conn_;
    };

    Result<Record> DeleteLocked(PgConnection& conn, const schema::Entity& entity,
                                std::string_view raw_id, const Check& check = {}) {
        CascadeSteps steps(*this, conn);
        return sql::DeleteRecord(steps, dialect_, entity, raw_id, check);
    }

private:
    const schema::Schema& schema_;
    Options options_;
    PgDialect dialect_;
    PgPool pool_;
    sql::PerEntity<EntitySql> entity_sql_;
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

// A sql::SqlStore session: the store's operations on one connection.
class PgSession {
public:
    PgSession(PgStore::Impl& impl, PgConnection& conn) : impl_(impl), conn_(conn) {}

    Result<std::optional<Record>> FindById(const schema::Entity& entity, const std::string& id) {
        return impl_.FindById(conn_, entity, id);
    }
    Result<std::optional<GetResult>> FindByIdWithView(const schema::Entity& entity,
                                                      const std::string& id,
                                                      const std::vector<query::ViewSpec>& view) {
        return impl_.FindByIdWithView(conn_, entity, id, view);
    }
    Result<Record> CreateLocked(const schema::Entity& entity, const Record& record) {
        return impl_.CreateLocked(conn_, entity, record);
    }
    Result<Record> ReplaceLocked(const schema::Entity& entity, std::string_view id,
                                 const Record& record) {
        return impl_.ReplaceLocked(conn_, entity, id, record);
    }
    Result<Record> UpdateLocked(const schema::Entity& entity, std::string_view id,
                                const DocumentStore::Merge& merge) {
        return impl_.UpdateLocked(conn_, entity, id, merge);
    }
    Result<Record> DeleteLocked(const schema::Entity& entity, std::string_view id,
                                const DocumentStore::Check& check) {
        return impl_.DeleteLocked(conn_, entity, id, check);
    }

private:
    PgStore::Impl& impl_;
    PgConnection& conn_;
};

template <class T, class F>
Result<T> PgStore::WithReadSession(F&& read) {
    return impl_->WithConnection<T>([&](PgConnection& conn) -> Result<T> {
        PgSession session(*impl_, conn);
        return read(session);
    });
}

template <class T, class F>
Result<T> PgStore::WithWriteSession(F&& write) {
    return impl_->InWriteTransaction<T>([&](PgConnection& conn) -> Result<T> {
        PgSession session(*impl_, conn);
        return write(session);
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

template class ea::store::sql::SqlStore<ea::store::postgres::PgStore>;
