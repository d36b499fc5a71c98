// CREATE TABLE / CREATE INDEX text for a schema::Entity, shared by the SQL backends. Additive
// migrations (new tables, columns, indexes) are planned by the backend with these pieces; nothing
// here ever drops data.
//
// Column types (the dialect spells them): String/ObjectId/Date/Datetime text, Integer/Boolean
// integer (booleans 0/1), Number/Currency real, JSON/Array text holding JSON.
//
// Indexes: every reference column (joins, on_delete look-ups); every `uniques` entry as a UNIQUE
// index (single and compound); and for sorting and range filters createdAt plus every
// Date/Datetime/Integer/Number/Currency field, unless the schema says `sort_index: false` of it
// (a reference keeps its index: on_delete needs it). Free-text Strings are not indexed here:
// contains and fuzzy use the backend's search index, and a NOCASE sort on them would need its own
// collation.
#pragma once

#include <string>
#include <vector>

#include "schema/schema.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

struct IndexDef {
    std::string name;  // unquoted; unique per database
    std::vector<const schema::Field*> fields;
    bool unique = false;
};

// The table name of an entity (its schema name).
const std::string& TableName(const schema::Entity& entity);

// "<quoted name> <type>[ PRIMARY KEY| REFERENCES ... ON DELETE ...]" for one field.
std::string ColumnDefinition(const Dialect& dialect, const schema::Field& field);

// CREATE TABLE IF NOT EXISTS with every field as a column.
std::string CreateTableSql(const Dialect& dialect, const schema::Entity& entity);

// ALTER TABLE ... ADD COLUMN for a field missing from an existing table.
std::string AddColumnSql(const Dialect& dialect, const schema::Entity& entity,
                         const schema::Field& field);

// The indexes the entity should have (see the file comment for the choice).
std::vector<IndexDef> IndexesFor(const schema::Entity& entity);

// The names of the sort indexes the entity had before its schema said `sort_index: false` of
// their fields: a migration drops them (DROP INDEX IF EXISTS).
std::vector<std::string> UnwantedSortIndexNames(const schema::Entity& entity);

// CREATE [UNIQUE] INDEX IF NOT EXISTS.
std::string CreateIndexSql(const Dialect& dialect, const schema::Entity& entity,
                           const IndexDef& index);

// The free-text fields of `entity` that the backend's search index covers, in field order.
std::vector<const schema::Field*> FreeTextFields(const schema::Entity& entity);

// The fields of `entity` stored as columns, in column order (all of them, write-only included).
const std::vector<schema::Field>& ColumnFields(const schema::Entity& entity);

// "a, b, c": every column, quoted, optionally qualified.
std::string ColumnList(const schema::Entity& entity);

}  // namespace ea::store::sql
