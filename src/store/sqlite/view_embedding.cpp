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

// The record `id` with `view` embedded, from one read transaction (as List). Null when absent.
Result<std::optional<GetResult>> SqliteConnection::FindByIdWithView(
    const schema::Entity& entity, const std::string& id, const std::vector<query::ViewSpec>& view) {
    if (auto s = sql::CheckView(entity, view); !s) {
        return s.error();
    }
    if (view.empty()) {  // one statement: no transaction needed
        auto row = FindById(entity, id);
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return std::optional<GetResult>();
        }
        return std::optional<GetResult>(GetResult{std::move(**row), {}});
    }
    Transaction tx(*this);
    if (auto s = tx.Begin(/*immediate=*/false); !s) {
        return s.error();
    }
    auto row = FindById(entity, id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<GetResult>();
    }
    std::vector<Record> rows;
    rows.push_back(std::move(**row));
    std::vector<Notice> warnings;
    for (const auto& spec : view) {
        if (auto s = EmbedView(spec, rows, warnings); !s) {
            return s.error();
        }
    }
    if (auto s = tx.Commit(); !s) {
        return s.error();
    }
    return std::optional<GetResult>(GetResult{std::move(rows.front()), std::move(warnings)});
}

// One batched look-up per view relation for the whole page (never one per row).
Status SqliteConnection::EmbedView(const query::ViewSpec& spec, std::vector<Record>& rows,
                                   std::vector<Notice>& warnings) {
    const schema::Field& reference = *spec.reference;
    const schema::Entity& target = *reference.target;
    const std::vector<std::string> ids = sql::ReferencedIds(rows, reference);
    std::unordered_map<std::string, Record> found;
    if (!ids.empty()) {
        std::vector<const schema::Field*> selected;
        const sql::Sql lookup = sql::BuildViewSql(dialect_, target, spec.fields, ids, selected);
        auto status = Query(lookup.text, lookup.params, [&](sqlite3_stmt* stmt) {
            Record embedded;
            embedded["exists"] = true;
            for (std::size_t i = 0; i < selected.size(); ++i) {
                embedded[selected[i]->name] = ColumnValue(stmt, static_cast<int>(i), *selected[i]);
            }
            std::string id(embedded["id"].as_string());
            found.emplace(std::move(id), std::move(embedded));
            return true;
        });
        if (!status) {
            return status;
        }
    }
    sql::AttachView(spec, found, rows, warnings);
    return Ok();
}

}  // namespace ea::store::sqlite
