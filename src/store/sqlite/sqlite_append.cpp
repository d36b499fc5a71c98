// SqliteStore::Append: rows of an insert-only log table (the audit trail) bound straight from
// their cells into the entity's INSERTs built at open (EntitySql: insert_rows takes 16 rows a
// step, insert the rest one by one), one transaction per call. Create's other work is not needed
// there: no reference to check, no unique but the id (a taken id fails the INSERT itself,
// kConflict), no search index to keep, and nothing read back. An entity that has any of those
// takes the default path (DocumentStore::Append, through Batch).
#include <algorithm>

#include <sqlite3.h>

#include "common/ids.hpp"
#include "store/sql/ddl.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_statement.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_values.hpp"

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

// A valid id in its normal form (NormalizeId's, which lowercases A-Z), without building that form.
bool IsNormalId(std::string_view id) {
    return IsValidId(id) &&
           std::none_of(id.begin(), id.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
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

// Binds `cells` (whole rows) to ?1.. of `stmt` and steps it once. Every parameter is bound each
// time, so the statement is only reset, not cleared, between steps (the lease clears it at the
// end).
int BindAndStep(sqlite3_stmt* stmt, std::span<const DocumentStore::Cell> cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (const int rc = BindCell(stmt, static_cast<int>(i + 1), cells[i]); rc != SQLITE_OK) {
            return rc;
        }
    }
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
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
        if (id == nullptr || !IsNormalId(*id)) {
            return Error{ErrorCode::kValidationFailed,
                         "the record has no valid id",
                         {{"id", "must be a valid id"}}};
        }
    }
    return WriteInTransaction([&](StatementCache& cache) -> int {
        const EntitySql& statements = writer_->SqlFor(entity);  // under write_mutex_ here
        int rc = SQLITE_OK;
        std::span<const Cell> rest = cells;
        const std::size_t many = statements.insert_rows_count * fields.size();
        if (many > 0 && rest.size() >= many) {
            StatementLease stmt = cache.Get(statements.insert_rows, &rc);
            if (!stmt) {
                return rc;
            }
            for (; rest.size() >= many; rest = rest.subspan(many)) {
                if ((rc = BindAndStep(stmt->get(), rest.first(many))) != SQLITE_OK) {
                    return rc;
                }
            }
        }
        if (rest.empty()) {
            return SQLITE_OK;
        }
        StatementLease stmt = cache.Get(statements.insert, &rc);
        if (!stmt) {
            return rc;
        }
        for (; !rest.empty(); rest = rest.subspan(fields.size())) {
            if ((rc = BindAndStep(stmt->get(), rest.first(fields.size()))) != SQLITE_OK) {
                return rc;
            }
        }
        return SQLITE_OK;
    });
}

}  // namespace ea::store::sqlite
