// Integrity before a write (sql/integrity.hpp) on the writer connection: the probes it runs, as
// cached statements inside the write transaction.
#include "store/sql/integrity.hpp"

#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {
namespace {

class Probes {
public:
    explicit Probes(SqliteConnection& connection) : connection_(connection) {}

    Result<bool> ReferenceExists(const schema::Entity& target, const boost::json::value& id) {
        return connection_.Exists(connection_.SqlFor(target).exists_by_id, {id});
    }
    Result<bool> IdTaken(const schema::Entity& entity, const std::string& id) {
        return connection_.Exists(connection_.SqlFor(entity).exists_by_id,
                                  {boost::json::value(id)});
    }
    Result<bool> UniqueTaken(const sql::Sql& probe) {
        return connection_.Exists(probe.text, probe.params);
    }

private:
    SqliteConnection& connection_;
};

}  // namespace

Status SqliteConnection::CheckWrite(const schema::Entity& entity, const Record& record,
                                    const std::string& id, const std::optional<std::string>& self) {
    Probes probes(*this);
    return sql::CheckWrite(probes, dialect_, entity, record, id, self);
}

}  // namespace ea::store::sqlite
