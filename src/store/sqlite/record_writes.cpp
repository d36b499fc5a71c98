// Create, replace and update of one record inside the caller's write transaction: the id, the
// integrity checks (integrity.cpp), the row and its search index entry.
#include "common/ids.hpp"
#include "store/sql/record_params.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

Result<Record> SqliteConnection::CreateLocked(const schema::Entity& entity, const Record& record) {
    const value* id_value = record.if_contains("id");
    if (id_value == nullptr || !id_value->is_string() || !IsValidId(id_value->get_string())) {
        return Error{ErrorCode::kValidationFailed,
                     "the record has no valid id",
                     {{"id", "must be a valid id"}}};
    }
    const std::string id = NormalizeId(id_value->get_string());
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
    return ReadBack(entity, id);
}

Result<Record> SqliteConnection::ReplaceLocked(const schema::Entity& entity,
                                               std::string_view raw_id, const Record& record) {
    if (!IsValidId(raw_id)) {
        return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
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
        return NotFound(entity.name() + " " + id + " not found");
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
    return ReadBack(entity, id);
}

// Read, merge and replace inside the caller's write transaction (see DocumentStore::Update).
Result<Record> SqliteConnection::UpdateLocked(const schema::Entity& entity, std::string_view raw_id,
                                              const Merge& merge) {
    if (!IsValidId(raw_id)) {
        return NotFound(entity.name() + " " + std::string(raw_id) + " not found");
    }
    const std::string id = NormalizeId(raw_id);
    auto row = FindById(entity, id);
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
    return ReplaceLocked(entity, id, *merged);
}

Result<Record> SqliteConnection::ReadBack(const schema::Entity& entity, const std::string& id) {
    auto row = FindById(entity, id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return Internal("a written record could not be read back");
    }
    return std::move(**row);
}

}  // namespace ea::store::sqlite
