// Migration: the database brought up to the schema on open, additively, and Reset (drop every
// table and migrate again).
#include <set>

#include "store/sql/migration.hpp"
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

namespace {

// sql::AddMissingColumns's steps on the writer, in the migration's transaction.
class MigrationSteps {
public:
    MigrationSteps(SqliteConnection& connection, const sql::Dialect& dialect)
        : connection_(connection), dialect_(dialect) {}

    Result<bool> HasRows(const std::string& sql) { return connection_.Exists(sql, {}); }
    Status Run(const std::string& sql) { return connection_.Exec(sql); }
    Status FillDefault(const std::string& sql, const schema::Field& field) {
        Record holder;
        holder[field.name] = *field.default_value;
        return connection_.Exec(sql, {dialect_.BindableValue(holder, field)});
    }

private:
    SqliteConnection& connection_;
    const sql::Dialect& dialect_;
};

}  // namespace

Result<bool> SqliteConnection::TableExists(const std::string& name) {
    return Exists("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1",
                  {value(name)});
}

Result<std::optional<std::string>> SqliteConnection::Meta(const std::string& key) {
    std::optional<std::string> out;
    auto status = Query(
        "SELECT value FROM \"_schema_meta\" WHERE key = ?1", {value(key)}, [&](sqlite3_stmt* stmt) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            out = text == nullptr ? "" : text;
            return false;
        });
    if (!status) {
        return status.error();
    }
    return out;
}

Status SqliteConnection::SetMeta(const std::string& key, const std::string& text) {
    return Exec(
        "INSERT INTO \"_schema_meta\" (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {value(key), value(text)});
}

// Brings the database up to `schema_`, additively: creates missing tables, adds missing
// columns (a new required field needs a default, which fills existing rows, or an empty
// table), creates missing indexes (and drops the sort indexes of fields now `sort_index:
// false`) and (re)builds search indexes whose layout changed. Never
// drops a table or column holding data; columns of fields removed from the schema are kept
// and ignored. Column type changes are not migrated.
Status SqliteConnection::Migrate() {
    if (auto s = Exec("CREATE TABLE IF NOT EXISTS \"_schema_meta\" "
                      "(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        !s) {
        return s;
    }
    Transaction tx(*this);
    if (auto s = tx.Begin(); !s) {
        return s;
    }
    for (const auto& entity : schema_.entities()) {
        if (auto s = MigrateTable(*entity); !s) {
            return s;
        }
    }
    for (const auto& entity : schema_.entities()) {
        for (const auto& index : sql::IndexesFor(*entity)) {
            if (auto s = CreateIndex(*entity, index); !s) {
                return s;
            }
        }
        for (const auto& name : sql::UnwantedSortIndexNames(*entity)) {  // sort_index: false
            if (auto s = Exec("DROP INDEX IF EXISTS " + sql::Dialect::QuoteIdentifier(name)); !s) {
                return s;
            }
        }
        if (auto s = SyncSearchIndex(*entity); !s) {
            return s;
        }
    }
    if (auto s = SetMeta("schema_version", schema_.version()); !s) {
        return s;
    }
    return tx.Commit();
}

Status SqliteConnection::MigrateTable(const schema::Entity& entity) {
    const std::string& table = sql::TableName(entity);
    auto exists = TableExists(table);
    if (!exists) {
        return exists.error();
    }
    if (!*exists) {
        return Exec(sql::CreateTableSql(dialect_, entity));
    }
    std::set<std::string> columns;
    auto status =
        Query("SELECT name FROM pragma_table_info(?1)", {value(table)}, [&](sqlite3_stmt* stmt) {
            const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            columns.insert(name == nullptr ? "" : name);
            return true;
        });
    if (!status) {
        return status;
    }
    if (columns.count("_rowid") == 0 || columns.count("id") == 0) {
        return sql::ForeignTableError(table);
    }
    MigrationSteps steps(*this, dialect_);
    return sql::AddMissingColumns(steps, dialect_, entity, columns);
}

Status SqliteConnection::CreateIndex(const schema::Entity& entity, const sql::IndexDef& index) {
    auto status = Exec(sql::CreateIndexSql(dialect_, entity, index));
    if (!status && index.unique && status.error().code == ErrorCode::kConflict) {
        return sql::UniqueIndexError(entity, index);
    }
    return status;
}

Status SqliteConnection::ResetLocked() {
    cache_.Clear();
    if (auto s = Exec("PRAGMA foreign_keys = OFF"); !s) {
        return s;
    }
    auto status = [&]() -> Status {
        Transaction tx(*this);
        if (auto s = tx.Begin(); !s) {
            return s;
        }
        for (const auto& entity : schema_.entities()) {
            if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(FtsTableName(*entity))); !s) {
                return s;
            }
            if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(sql::TableName(*entity))); !s) {
                return s;
            }
        }
        if (auto s = Exec("DROP TABLE IF EXISTS \"_schema_meta\""); !s) {
            return s;
        }
        return tx.Commit();
    }();
    auto fk = Exec("PRAGMA foreign_keys = ON");
    if (!status) {
        return status;
    }
    if (!fk) {
        return fk;
    }
    cache_.Clear();
    if (auto s = Migrate(); !s) {
        return s;
    }
    return CreateVocabularies();
}

}  // namespace ea::store::sqlite
