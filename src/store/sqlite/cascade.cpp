// Delete with the schema's on_delete (restrict, cascade, set null) applied along every incoming
// reference, inside the caller's write transaction.
#include "common/ids.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

// Deletes `id` of `entity` after applying on_delete along every incoming reference. Runs
// inside the caller's transaction; `visiting` stops reference cycles.
Status SqliteConnection::DeleteRecursive(
    const schema::Entity& entity, const std::string& id,
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
                std::optional<std::string> child_id;
                auto s = Query("SELECT \"id\" FROM " + child_table + " WHERE " + column +
                                   " = ?1 AND NOT (\"id\" = ?1 AND ?2 = 1) LIMIT 1",
                               {value(id), value(&child == &entity ? 1 : 0)}, [&](sqlite3_stmt*) {
                                   child_id = "";
                                   return false;
                               });
                if (!s) {
                    return s;
                }
                if (child_id) {
                    return Conflict(entity.name() + " " + id + " is still referenced by " +
                                    child.name() + "." + field.name);
                }
                break;
            }
            case schema::OnDelete::kCascade: {
                std::vector<std::string> children;
                auto s = Query("SELECT \"id\" FROM " + child_table + " WHERE " + column + " = ?1",
                               {value(id)}, [&](sqlite3_stmt* stmt) {
                                   const auto* text =
                                       reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                                   children.emplace_back(text == nullptr ? "" : text);
                                   return true;
                               });
                if (!s) {
                    return s;
                }
                for (const auto& child_id : children) {
                    if (auto d = DeleteRecursive(child, child_id, visiting); !d) {
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
                    moved =
                        ", \"updatedAt\" = max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
                        "strftime('%Y-%m-%dT%H:%M:%fZ', \"updatedAt\", '+0.001 seconds'))";
                }
                auto s = Exec("UPDATE " + child_table + " SET " + column + " = NULL" + moved +
                                  " WHERE " + column + " = ?1",
                              {value(id)});
                if (!s) {
                    return s;
                }
                break;
            }
        }
    }
    if (auto s = FtsRemove(entity, id); !s) {
        return s;
    }
    auto status = Exec(SqlFor(entity).delete_by_id, {value(id)});
    if (!status && status.error().code == ErrorCode::kValidationFailed) {
        // The database's own foreign key (the safety net) refused: someone still points here.
        return Conflict(entity.name() + " " + id + " is still referenced");
    }
    return status;
}

Result<Record> SqliteConnection::DeleteLocked(const schema::Entity& entity, std::string_view raw_id,
                                              const Check& check) {
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
    if (check) {
        if (auto passed = check(**row); !passed) {
            return passed.error();
        }
    }
    std::set<std::pair<const schema::Entity*, std::string>> visiting;
    if (auto s = DeleteRecursive(entity, id, visiting); !s) {
        return s.error();
    }
    return std::move(**row);
}

}  // namespace ea::store::sqlite
