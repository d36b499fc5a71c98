// Delete with the schema's on_delete (sql/cascade.hpp) on the writer connection: the steps it
// runs, as cached statements inside the write transaction (which holds SQLite's write lock, so
// no row needs locking).
#include "store/sql/cascade.hpp"

#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {
namespace {

using boost::json::value;

class CascadeSteps {
public:
    explicit CascadeSteps(SqliteConnection& connection) : connection_(connection) {}

    Result<std::optional<Record>> FindForDelete(const schema::Entity& entity,
                                                const std::string& id) {
        return connection_.FindById(entity, id);
    }
    Result<bool> StillReferenced(const std::string& child_table, const std::string& column,
                                 const std::string& id, bool self_reference) {
        return connection_.Exists("SELECT \"id\" FROM " + child_table + " WHERE " + column +
                                      " = ?1 AND NOT (\"id\" = ?1 AND ?2 = 1) LIMIT 1",
                                  {value(id), value(self_reference ? 1 : 0)});
    }
    Result<std::vector<std::string>> Ids(const std::string& sql, const std::string& id) {
        std::vector<std::string> ids;
        auto status = connection_.Query(sql, {value(id)}, [&](sqlite3_stmt* stmt) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            ids.emplace_back(text == nullptr ? "" : text);
            return true;
        });
        if (!status) {
            return status.error();
        }
        return ids;
    }
    Status Run(const std::string& sql, const std::string& id) {
        return connection_.Exec(sql, {value(id)});
    }
    Status DeleteRow(const schema::Entity& entity, const std::string& id) {
        if (auto s = connection_.FtsRemove(entity, id); !s) {
            return s;
        }
        auto status = connection_.Exec(connection_.SqlFor(entity).delete_by_id, {value(id)});
        if (!status && status.error().code == ErrorCode::kValidationFailed) {
            // The database's own foreign key (the safety net) refused: someone still points here.
            return Conflict(entity.name() + " " + id + " is still referenced");
        }
        return status;
    }

private:
    SqliteConnection& connection_;
};

}  // namespace

Result<Record> SqliteConnection::DeleteLocked(const schema::Entity& entity, std::string_view raw_id,
                                              const Check& check) {
    CascadeSteps steps(*this);
    return sql::DeleteRecord(steps, dialect_, entity, raw_id, check);
}

}  // namespace ea::store::sqlite
