// How one SQL backend spells the things the shared SQL code (ddl.hpp, select_builder.hpp) needs:
// identifier quoting, placeholders, column types, array membership, contains/fuzzy predicates and
// their candidate (index) clauses. Internal to store/; SQLite implements it in sqlite_dialect.cpp,
// PostgreSQL in postgres/pg_dialect.cpp. Identifiers come only from the schema; values are always
// bound.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/record.hpp"
#include "schema/schema.hpp"

namespace ea::store::sql {

// SQL text with its bound values, in placeholder order.
struct Sql {
    std::string text;
    std::vector<boost::json::value> params;
};

class Dialect;

// Appends SQL text and parameters together so placeholders and values can never get out of step.
class SqlWriter {
public:
    explicit SqlWriter(const Dialect& dialect) : dialect_(dialect) {}

    SqlWriter& Append(std::string_view text) {
        sql_.text.append(text);
        return *this;
    }
    // Appends a placeholder and binds `value` to it.
    SqlWriter& Param(boost::json::value value);
    SqlWriter& Param(std::string_view text) { return Param(boost::json::value(text)); }
    // Appends a quoted identifier (schema names only).
    SqlWriter& Identifier(std::string_view name);

    const Dialect& dialect() const { return dialect_; }
    Sql Take() { return std::move(sql_); }
    const Sql& sql() const { return sql_; }

private:
    const Dialect& dialect_;
    Sql sql_;
};

class Dialect {
public:
    virtual ~Dialect() = default;

    // "name" with embedded quotes doubled; the same on SQLite and PostgreSQL.
    static std::string QuoteIdentifier(std::string_view name);
    // `needle` with LIKE's wildcards (% _) and the escape character (\) escaped by "\", for
    // "LIKE '%' || ? || '%' ESCAPE '\'"; the same on SQLite and PostgreSQL.
    static std::string LikeEscaped(std::string_view needle);

    // The value `record` holds for `field`, ready to bind: JSON and Array values as their JSON
    // text (the columns hold text or jsonb), others as they are.
    virtual boost::json::value BindableValue(const Record& record,
                                             const schema::Field& field) const;
    // Text after a placeholder that gives a write's parameter its column's type ("" when the
    // backend infers it from the column; PostgreSQL: "::bigint").
    virtual std::string ParamCast(const schema::Field& /*field*/) const { return {}; }
    // Text after a SELECT that locks the rows it reads until the transaction ends, or "" where
    // the transaction already holds the database's write lock (SQLite).
    virtual std::string RowLockSuffix() const { return {}; }
    // The value a record's "updatedAt" (an ISO-8601 UTC text with milliseconds) moves to when
    // the store changes the record itself (on_delete set null): now, or 1 ms past the old value
    // when the clock has not passed it, so the version (the REST ETag) always moves.
    virtual std::string TouchedUpdatedAt() const = 0;

    // The placeholder for the `index`-th (1-based) parameter: "?1" (SQLite), "$1" (PostgreSQL).
    virtual std::string Placeholder(std::size_t index) const = 0;

    // Column type for a field (see docs in ddl.hpp for the mapping).
    virtual std::string ColumnType(const schema::Field& field) const = 0;

    // Extra leading column definitions of every entity table (SQLite: a stable rowid alias).
    virtual std::string ExtraColumns() const { return {}; }

    // The constraint on the "id" column: PRIMARY KEY, unless the dialect keys rows otherwise.
    virtual std::string IdConstraint() const { return "PRIMARY KEY"; }

    // Appends "EXISTS (one element of array column `column` satisfies `op` against `values`)".
    // `op` is "=", ">", ... or "IN" (then `values` are the list, possibly empty).
    virtual void AppendArrayAny(SqlWriter& out, std::string_view column, std::string_view op,
                                const std::vector<boost::json::value>& values) const = 0;

    // Appends "`column` IN (the values of `values`)", the list bound as one parameter so the
    // statement text does not depend on its length (one cached statement per shape).
    // `values` holds no nulls; an empty list matches nothing.
    virtual void AppendInList(SqlWriter& out, std::string_view column,
                              boost::json::array values) const = 0;

    // Null-safe inequality: true when column is NULL and value is not, and vice versa.
    virtual void AppendNullSafeNotEqual(SqlWriter& out, std::string_view column,
                                        boost::json::value value) const = 0;

    // Case-insensitive substring match of free-text `column` against `needle` (verbatim text).
    virtual void AppendContains(SqlWriter& out, std::string_view column,
                                std::string_view needle) const = 0;

    // The word_similarity(query, column) expression (used in WHERE and ORDER BY).
    virtual void AppendSimilarity(SqlWriter& out, std::string_view column,
                                  std::string_view query) const = 0;

    // "word_similarity(query, column) >= threshold" as a predicate. The default spells it with
    // AppendSimilarity; a backend may use a cheaper form with the same truth value.
    virtual void AppendFuzzyMatch(SqlWriter& out, std::string_view column, std::string_view query,
                                  double threshold) const {
        AppendSimilarity(out, column, query);
        out.Append(" >= ").Param(threshold);
    }

    // Optional candidate clauses ("AND rowid IN (...)") that let an index narrow contains/fuzzy
    // searches. They must never exclude a row the real predicate accepts. Default: none.
    virtual void AppendContainsCandidates(SqlWriter& /*out*/, const schema::Entity& /*entity*/,
                                          const schema::Field& /*field*/,
                                          std::string_view /*needle*/) const {}
    virtual void AppendFuzzyCandidates(SqlWriter& /*out*/, const schema::Entity& /*entity*/,
                                       const schema::Field& /*field*/, std::string_view /*query*/,
                                       double /*threshold*/) const {}

    // Text after the table name in FROM that makes the planner walk the index of `field` (the
    // first sort key), or "" when the dialect has no such hint or no index can serve the order.
    virtual std::string SortIndexHint(const schema::Entity& /*entity*/,
                                      const schema::Field& /*field*/) const {
        return {};
    }
    // Text after the table name in FROM that makes the planner scan the table, or "".
    virtual std::string FullScanHint() const { return {}; }
    // The quoted integer column that numbers a table's rows densely in insertion order (SQLite's
    // "_rowid"), for counting a sample of row ranges (ListSql::count_sample); empty when the
    // backend estimates totals otherwise.
    virtual std::string RowNumberColumn() const { return {}; }

    // Suffix making an ORDER BY term on a free-text String column case-insensitive.
    virtual std::string CaseInsensitiveOrder() const = 0;
    // The ORDER BY key of a String column, case-insensitive: by default the column followed by
    // CaseInsensitiveOrder(); a backend whose folding is a function (PostgreSQL) wraps it.
    virtual void AppendCaseInsensitiveOrderKey(SqlWriter& out, std::string_view column) const {
        out.Append(column).Append(CaseInsensitiveOrder());
    }
};

}  // namespace ea::store::sql
