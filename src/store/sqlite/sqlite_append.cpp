// SqliteStore::Append: rows of an insert-only log table (the audit trail) bound straight from
// their cells into one cached INSERT, one step per row, one transaction per call. Create's other
// work is not needed there: no reference to check, no unique but the id (a taken id fails the
// INSERT itself, kConflict), no search index to keep, and nothing read back. An entity that has
// any of those takes the default path (DocumentStore::Append, through Batch).
#include <sqlite3.h>

#include "common/ids.hpp"
#include "store/sql/ddl.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace ea::store::sqlite {
namespace {

bool IsPlainLog(const schema::Entity& entity) {
    if (!entity.uniques().empty()) {
        return false;
    }
    for (const auto& field : entity.fields()) {
        if (field.is_reference() || field.is_search_indexed()) {
            return false;
        }
    }
    return true;
}

std::string InsertSql(const schema::Entity& entity) {
    std::string out = "INSERT INTO " + sql::Dialect::QuoteIdentifier(sql::TableName(entity)) +
                      " (" + sql::ColumnList(entity) + ") VALUES (";
    for (std::size_t i = 1; i <= sql::ColumnFields(entity).size(); ++i) {
        out += (i > 1 ? ", ?" : "?") + std::to_string(i);
    }
    return out + ")";
}

int BindCell(sqlite3_stmt* stmt, int index, const DocumentStore::Cell& cell) {
    if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
        return sqlite3_bind_int64(stmt, index, *integer);
    }
    if (const auto* number = std::get_if<double>(&cell)) {
        return sqlite3_bind_double(stmt, index, *number);
    }
    if (const auto* text = std::get_if<std::string_view>(&cell)) {
        // SQLITE_STATIC: the text outlives the step; "" keeps an empty value text, not NULL.
        return sqlite3_bind_text(stmt, index, text->empty() ? "" : text->data(),
                                 static_cast<int>(text->size()), SQLITE_STATIC);
    }
    return sqlite3_bind_null(stmt, index);
}

}  // namespace

Status SqliteStore::Append(const schema::Entity& entity, std::span<const Cell> cells) {
    const auto& fields = sql::ColumnFields(entity);
    if (!IsPlainLog(entity)) {
        return DocumentStore::Append(entity, cells);
    }
    if (fields.empty() || cells.size() % fields.size() != 0) {
        return InvalidArgument("appended rows of " + entity.name() + " need one value per field");
    }
    const schema::Field* id_field = entity.FindField("id");
    const auto id_column = static_cast<std::size_t>(id_field - fields.data());
    for (std::size_t row = 0; row < cells.size(); row += fields.size()) {
        const auto* id = std::get_if<std::string_view>(&cells[row + id_column]);
        if (id == nullptr || !IsValidId(*id) || NormalizeId(*id) != *id) {
            return Error{ErrorCode::kValidationFailed,
                         "the record has no valid id",
                         {{"id", "must be a valid id"}}};
        }
    }
    const std::string insert = InsertSql(entity);
    return WriteInTransaction([&](StatementCache& cache) -> int {
        int rc = SQLITE_OK;
        StatementLease stmt = cache.Get(insert, &rc);
        if (!stmt) {
            return rc;
        }
        for (std::size_t row = 0; row < cells.size(); row += fields.size()) {
            for (std::size_t i = 0; i < fields.size(); ++i) {
                rc = BindCell(stmt->get(), static_cast<int>(i + 1), cells[row + i]);
                if (rc != SQLITE_OK) {
                    return rc;
                }
            }
            rc = stmt->Step();
            stmt->Reset();
            if (rc != SQLITE_DONE) {
                return rc;
            }
        }
        return SQLITE_OK;
    });
}

}  // namespace ea::store::sqlite
