// The backend-neutral part of the additive migration both SQL stores run on open: the columns a
// table lacks added (a new required field needs a default, which fills the existing rows, or an
// empty table), and the errors that name why a schema cannot be applied to the existing data.
#pragma once

#include <set>
#include <string>

#include "common/error.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

// Table `table` exists but lacks the columns events-api creates.
Error ForeignTableError(const std::string& table);
// A new required field without a default on a table that has rows.
Error RequiredFieldError(const schema::Entity& entity, const schema::Field& field);
// A new unique index the existing rows violate.
Error UniqueIndexError(const schema::Entity& entity, const IndexDef& index);

// Adds every column of `entity` that `columns` (the existing table's) lacks. `Db`, in the
// migration's transaction:
//   Result<bool> HasRows(const std::string& sql);  // "SELECT 1 FROM <table> LIMIT 1"
//   Status Run(const std::string& sql);            // DDL
//   Status FillDefault(const std::string& sql, const schema::Field& field);
//       "UPDATE <table> SET <column> = <placeholder 1> WHERE <column> IS NULL", bound to the
//       field's default
template <class Db>
Status AddMissingColumns(Db& db, const Dialect& dialect, const schema::Entity& entity,
                         const std::set<std::string>& columns) {
    const std::string table = Dialect::QuoteIdentifier(TableName(entity));
    for (const auto& field : ColumnFields(entity)) {
        if (columns.count(field.name) != 0) {
            continue;
        }
        if (field.required && !field.default_value) {
            auto has_rows = db.HasRows("SELECT 1 FROM " + table + " LIMIT 1");
            if (!has_rows) {
                return has_rows.error();
            }
            if (*has_rows) {
                return RequiredFieldError(entity, field);
            }
        }
        if (auto s = db.Run(AddColumnSql(dialect, entity, field)); !s) {
            return s;
        }
        if (field.default_value && !field.default_value->is_null()) {
            const std::string column = Dialect::QuoteIdentifier(field.name);
            if (auto s =
                    db.FillDefault("UPDATE " + table + " SET " + column + " = " +
                                       dialect.Placeholder(1) + " WHERE " + column + " IS NULL",
                                   field);
                !s) {
                return s;
            }
        }
    }
    return Ok();
}

}  // namespace ea::store::sql
