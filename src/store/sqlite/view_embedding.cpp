// Get by id, alone or with `view` relations embedded: one batched look-up per relation for the
// page (sql/view_embed.hpp has the backend-neutral halves), in the read transaction of the get
// or the List.
#include "store/sql/view_embed.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

Result<std::optional<Record>> SqliteConnection::FindById(const schema::Entity& entity,
                                                         const std::string& id) {
    std::optional<Record> out;
    auto status = Query(SqlFor(entity).select_by_id, {value(id)}, [&](sqlite3_stmt* stmt) {
        out = ReadRow(stmt, entity);
        return false;
    });
    if (!status) {
        return status.error();
    }
    return out;
}

namespace {

// sql::FindByIdWithView's reads on this connection.
class ViewReads {
public:
    explicit ViewReads(SqliteConnection& connection) : connection_(connection) {}

    class Snapshot {
    public:
        explicit Snapshot(SqliteConnection& connection) : tx_(connection) {}
        Status Begin() { return tx_.Begin(/*immediate=*/false); }
        Status Commit() { return tx_.Commit(); }

    private:
        SqliteConnection::Transaction tx_;
    };

    Result<std::optional<Record>> FindById(const schema::Entity& entity, const std::string& id) {
        return connection_.FindById(entity, id);
    }
    Status EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                     std::vector<Notice>& warnings) {
        return connection_.EmbedView(spec, rows, warnings);
    }
    Snapshot ReadSnapshot() { return Snapshot(connection_); }

private:
    SqliteConnection& connection_;
};

}  // namespace

// The record `id` with `view` embedded, from one read transaction (as List). Null when absent.
Result<std::optional<GetResult>> SqliteConnection::FindByIdWithView(
    const schema::Entity& entity, const std::string& id, const std::vector<query::ViewSpec>& view) {
    ViewReads reads(*this);
    return sql::FindByIdWithView(reads, entity, id, view);
}

// One batched look-up per view relation for the whole page (never one per row).
Status SqliteConnection::EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                                   std::vector<Notice>& warnings) {
    return sql::EmbedView(
        dialect_, spec, rows, warnings,
        [&](const sql::Sql& lookup, const std::vector<const schema::Field*>& selected,
            std::unordered_map<std::string, Record>& found) {
            return Query(lookup.text, lookup.params, [&](sqlite3_stmt* stmt) {
                sql::AddFound(found, selected, [&](int column, const schema::Field& field) {
                    return ColumnValue(stmt, column, field);
                });
                return true;
            });
        });
}

}  // namespace ea::store::sqlite
