// How records travel back from SQLite (a result column as each field's value), and the per-entity
// statements every get and write uses (built once at open); values are bound as
// sql::Dialect::BindableValue makes them. Internal to store/sqlite; postgres/pg_values.hpp is
// PostgreSQL's counterpart.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "schema/schema.hpp"

struct sqlite3_stmt;

namespace ea::store::sqlite {

// Column `column` of the current row as `field`'s JSON value (null for SQL NULL).
boost::json::value ColumnValue(sqlite3_stmt* stmt, int column, const schema::Field& field);

// The current row of a statement that selects sql::ColumnList(entity), as a record.
Record ReadRow(sqlite3_stmt* stmt, const schema::Entity& entity);

// Statements used for every write and get, built once per entity at open.
struct EntitySql {
    std::string select_by_id;
    std::string exists_by_id;
    std::string insert;
    std::string update;
    std::string delete_by_id;
    std::string rowid_by_id;
    std::vector<const schema::Field*> update_fields;  // update's parameter order (id last)
    // Search index upkeep (empty when the entity has no free-text field). fts_insert adds rowid
    // ?1 with values ?2.. (one per free-text field); fts_delete removes it, given the values it
    // was added with (the contentless FTS5 'delete' command needs them); fts_old_values reads
    // those from the table by id. Plain VALUES statements on purpose: an INSERT ... SELECT
    // opens a statement savepoint, at which FTS5 flushes its pending terms (~3x slower writes).
    std::vector<const schema::Field*> free_text;
    std::string fts_insert;
    std::string fts_delete;
    std::string fts_old_values;
    // Append's INSERT of insert_rows_count rows in one statement (row r's values are
    // ?(r*columns+1)..), so a batch of log rows takes a step per that many rows, not per row; 0
    // (and no text) when a row has so many columns that two would pass SQLite's parameter limit.
    std::string insert_rows;
    std::size_t insert_rows_count = 0;
};

EntitySql BuildEntitySql(const schema::Entity& entity);

}  // namespace ea::store::sqlite
