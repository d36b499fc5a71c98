// Create, replace and update of one record inside the caller's write transaction: the id, the
// integrity checks (integrity.cpp), the row and its search index entry (the backend-neutral
// steps are sql/record_writes.hpp's).
#include "store/sql/record_writes.hpp"

#include "common/ids.hpp"
#include "store/sql/record_params.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

Result<Record> SqliteConnection::CreateLocked(const schema::Entity& entity, const Record& record) {
    auto new_id = sql::NewRecordId(record);
    if (!new_id) {
        return new_id.error();
    }
    const std::string& id = *new_id;
    if (auto s = CheckWrite(entity, record, id, std::nullopt); !s) {
        return s.error();
    }
    const EntitySql& statements = SqlFor(entity);
    if (auto s = Exec(statements.insert, sql::RowParams(dialect_, entity, record, id)); !s) {
        return s.error();
    }
    if (auto s = FtsAdd(entity, sqlite3_last_insert_rowid(db_), record); !s) {
        return s.error();
    }
    return sql::ReadBack(FindById(entity, id));
}

Result<Record> SqliteConnection::ReplaceLocked(const schema::Entity& entity,
                                               std::string_view raw_id, const Record& record) {
    if (!IsValidId(raw_id)) {
        return sql::RecordNotFound(entity, raw_id);
    }
    const std::string id = NormalizeId(raw_id);
    std::optional<std::int64_t> rowid;
    auto found = Query(SqlFor(entity).rowid_by_id, {value(id)}, [&](sqlite3_stmt* stmt) {
        rowid = sqlite3_column_int64(stmt, 0);
        return false;
    });
    if (!found) {
        return found.error();
    }
    if (!rowid) {
        return sql::RecordNotFound(entity, id);
    }
    if (auto s = CheckWrite(entity, record, id, id); !s) {
        return s.error();
    }
    const EntitySql& statements = SqlFor(entity);
    const Params params = sql::UpdateParams(dialect_, statements.update_fields, record, id);
    if (auto s = FtsRemove(entity, id); !s) {
        return s.error();
    }
    if (auto s = Exec(statements.update, params); !s) {
        return s.error();
    }
    if (auto s = FtsAdd(entity, *rowid, record); !s) {
        return s.error();
    }
    return sql::ReadBack(FindById(entity, id));
}

namespace {

// sql::UpdateRecord's steps on the writer (whose transaction holds the database's write lock).
class UpdateSteps {
public:
    explicit UpdateSteps(SqliteConnection& connection) : connection_(connection) {}

    Result<std::optional<Record>> FindForUpdate(const schema::Entity& entity,
                                                const std::string& id) {
        return connection_.FindById(entity, id);
    }
    Result<Record> ReplaceLocked(const schema::Entity& entity, std::string_view id,
                                 const Record& record) {
        return connection_.ReplaceLocked(entity, id, record);
    }

private:
    SqliteConnection& connection_;
};

}  // namespace

Result<Record> SqliteConnection::UpdateLocked(const schema::Entity& entity, std::string_view raw_id,
                                              const Merge& merge) {
    UpdateSteps steps(*this);
    return sql::UpdateRecord(steps, entity, raw_id, merge);
}

}  // namespace ea::store::sqlite
