#include "store/postgres/pg_migrate.hpp"

#include <set>

#include <boost/json/serialize.hpp>

#include "store/sql/ddl.hpp"
#include "store/sql/migration.hpp"

namespace ea::store::postgres {
namespace {

using boost::json::value;

std::string Quote(std::string_view name) {
    return sql::Dialect::QuoteIdentifier(name);
}

// Tables in an order where each one's references exist before it (self references are fine);
// entities in a reference cycle keep their schema order, and their CREATE reports the problem.
std::vector<const schema::Entity*> CreationOrder(const schema::Schema& schema) {
    std::vector<const schema::Entity*> out;
    std::set<const schema::Entity*> placed;
    bool progress = true;
    while (progress && out.size() < schema.entities().size()) {
        progress = false;
        for (const auto& entity : schema.entities()) {
            if (placed.count(entity.get()) != 0) {
                continue;
            }
            bool ready = true;
            for (const auto& field : entity->fields()) {
                if (field.is_reference() && field.target != entity.get() &&
                    placed.count(field.target) == 0) {
                    ready = false;
                }
            }
            if (ready) {
                out.push_back(entity.get());
                placed.insert(entity.get());
                progress = true;
            }
        }
    }
    for (const auto& entity : schema.entities()) {
        if (placed.count(entity.get()) == 0) {
            out.push_back(entity.get());
        }
    }
    return out;
}

Status InTransaction(PgConnection& conn, const std::function<Status()>& work) {
    if (auto s = conn.Simple("BEGIN"); !s) {
        return s;
    }
    auto status = conn.Exec("SELECT pg_advisory_xact_lock($1)", {value(kMigrationLockKey)});
    Status result = status ? work() : Status(status.error());
    if (result) {
        result = conn.Simple("COMMIT");
    }
    if (!result) {
        (void)conn.Simple("ROLLBACK");
    }
    return result;
}

// sql::AddMissingColumns's steps on the migrating connection, under the advisory lock.
class MigrationSteps {
public:
    explicit MigrationSteps(PgConnection& conn) : conn_(conn) {}

    Result<bool> HasRows(const std::string& sql) {
        auto rows = conn_.Exec(sql);
        if (!rows) {
            return rows.error();
        }
        return rows->rows() > 0;
    }
    Status Run(const std::string& sql) { return conn_.Simple(sql); }
    // JSON and Array defaults as their JSON text; the column's type gives the value its type.
    Status FillDefault(const std::string& sql, const schema::Field& field) {
        value fill = *field.default_value;
        if (field.type == schema::FieldType::kJson || field.type == schema::FieldType::kArray) {
            fill = value(boost::json::serialize(fill));
        }
        auto s = conn_.Exec(sql, {fill}, /*typed=*/false);
        return s ? Ok() : Status(s.error());
    }

private:
    PgConnection& conn_;
};

Status MigrateTable(PgConnection& conn, const PgDialect& dialect, const schema::Entity& entity) {
    const std::string& table = sql::TableName(entity);
    auto columns_result = conn.Exec(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1",
        {value(table)});
    if (!columns_result) {
        return columns_result.error();
    }
    if (columns_result->rows() == 0) {
        return conn.Simple(sql::CreateTableSql(dialect, entity));
    }
    std::set<std::string> columns;
    for (int i = 0; i < columns_result->rows(); ++i) {
        columns.emplace(columns_result->Text(i, 0));
    }
    if (columns.count("id") == 0) {
        return sql::ForeignTableError(table);
    }
    MigrationSteps steps(conn);
    return sql::AddMissingColumns(steps, dialect, entity, columns);
}

Status CreateIndexes(PgConnection& conn, const PgDialect& dialect, const schema::Entity& entity) {
    for (const auto& index : sql::IndexesFor(entity)) {
        auto status = conn.Simple(sql::CreateIndexSql(dialect, entity, index));
        if (!status && index.unique && status.error().code == ErrorCode::kConflict) {
            return sql::UniqueIndexError(entity, index);
        }
        if (!status) {
            return status;
        }
    }
    for (const auto& name : sql::UnwantedSortIndexNames(entity)) {  // sort_index: false
        if (auto status = conn.Simple("DROP INDEX IF EXISTS " + Quote(name)); !status) {
            return status;
        }
    }
    for (const auto* field : FreeTextFields(entity)) {
        auto status = conn.Simple(
            "CREATE INDEX IF NOT EXISTS " + Quote(TrigramIndexName(entity, *field)) + " ON " +
            Quote(sql::TableName(entity)) + " USING gin (" + Quote(field->name) + " gin_trgm_ops)");
        if (!status) {
            return status;
        }
    }
    // A field the schema now says `search_index: false` of loses the index it had.
    for (const auto& field : entity.fields()) {
        if (field.is_free_text() && !field.is_search_indexed()) {
            if (auto status =
                    conn.Simple("DROP INDEX IF EXISTS " + Quote(TrigramIndexName(entity, field)));
                !status) {
                return status;
            }
        }
    }
    return Ok();
}

Status MigrateLocked(PgConnection& conn, const PgDialect& dialect, const schema::Schema& schema) {
    for (const char* statement : {"CREATE EXTENSION IF NOT EXISTS pg_trgm",
                                  "CREATE TABLE IF NOT EXISTS \"_schema_meta\" (key text PRIMARY "
                                  "KEY, value text NOT NULL)"}) {
        if (auto s = conn.Simple(statement); !s) {
            return s;
        }
    }
    const auto order = CreationOrder(schema);
    for (const auto* entity : order) {
        if (auto s = MigrateTable(conn, dialect, *entity); !s) {
            return s;
        }
    }
    for (const auto* entity : order) {
        if (auto s = CreateIndexes(conn, dialect, *entity); !s) {
            return s;
        }
    }
    auto meta = conn.Exec(
        "INSERT INTO \"_schema_meta\" (key, value) VALUES ('schema_version', $1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {value(schema.version())});
    return meta ? Ok() : Status(meta.error());
}

}  // namespace

Status Migrate(PgConnection& conn, const PgDialect& dialect, const schema::Schema& schema) {
    return InTransaction(conn, [&] { return MigrateLocked(conn, dialect, schema); });
}

Status ResetTables(PgConnection& conn, const PgDialect& dialect, const schema::Schema& schema) {
    return InTransaction(conn, [&]() -> Status {
        for (const auto& entity : schema.entities()) {
            if (auto s = conn.Simple("DROP TABLE IF EXISTS " + Quote(sql::TableName(*entity)) +
                                     " CASCADE");
                !s) {
                return s;
            }
        }
        if (auto s = conn.Simple("DROP TABLE IF EXISTS \"_schema_meta\""); !s) {
            return s;
        }
        return MigrateLocked(conn, dialect, schema);
    });
}

}  // namespace ea::store::postgres
