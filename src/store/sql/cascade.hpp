// Delete with the schema's on_delete along every incoming reference, shared by the SQL stores:
// restrict refuses while another record points here, cascade deletes the referring records
// first (recursively), set null clears the reference and moves the child's version
// (updatedAt). Runs inside the caller's write transaction.
//
// `Db` runs each step on the store's connection:
//   Result<std::optional<Record>> FindForDelete(const schema::Entity&, const std::string& id);
//       the row, locked until the transaction ends where the backend locks rows
//   Result<bool> StillReferenced(const std::string& child_table, const std::string& column,
//                                const std::string& id, bool self_reference);
//       whether a row of child_table (quoted) other than `id` itself (when the reference is
//       the entity's own) holds `id` in column (quoted)
//   Result<std::vector<std::string>> Ids(const std::string& sql, const std::string& id);
//   Status Run(const std::string& sql, const std::string& id);
//   Status DeleteRow(const schema::Entity&, const std::string& id);
//       the row itself (and whatever the backend keeps beside it), the database's own foreign
//       key refusal mapped to a conflict
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/ids.hpp"
#include "common/record.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"
#include "store/sql/store_messages.hpp"

namespace ea::store::sql {

using Visiting = std::set<std::pair<const schema::Entity*, std::string>>;

// Deletes `id` of `entity` after applying on_delete along every incoming reference; `visiting`
// stops reference cycles.
template <class Db>
Status DeleteCascading(Db& db, const Dialect& dialect, const schema::Entity& entity,
                       const std::string& id, Visiting& visiting) {
    if (!visiting.emplace(&entity, id).second) {
        return Ok();
    }
    for (const auto& relation : entity.referenced_by()) {
        const schema::Entity& child = *relation.from;
        const schema::Field& field = *relation.field;
        const std::string child_table = Dialect::QuoteIdentifier(TableName(child));
        const std::string column = Dialect::QuoteIdentifier(field.name);
        switch (field.on_delete) {
            case schema::OnDelete::kRestrict: {
                auto referenced = db.StillReferenced(child_table, column, id, &child == &entity);
                if (!referenced) {
                    return referenced.error();
                }
                if (*referenced) {
                    return Conflict(entity.name() + " " + id + " is still referenced by " +
                                    child.name() + "." + field.name);
                }
                break;
            }
            case schema::OnDelete::kCascade: {
                auto children = db.Ids("SELECT \"id\" FROM " + child_table + " WHERE " + column +
                                           " = " + dialect.Placeholder(1) + dialect.RowLockSuffix(),
                                       id);
                if (!children) {
                    return children.error();
                }
                for (const auto& child_id : *children) {
                    if (auto d = DeleteCascading(db, dialect, child, child_id, visiting); !d) {
                        return d;
                    }
                }
                break;
            }
            case schema::OnDelete::kSetNull: {
                // The child changed, so its version (updatedAt, the REST ETag) moves too.
                std::string moved;
                if (child.FindField("updatedAt") != nullptr) {
                    moved = ", \"updatedAt\" = " + dialect.TouchedUpdatedAt();
                }
                if (auto s = db.Run("UPDATE " + child_table + " SET " + column + " = NULL" + moved +
                                        " WHERE " + column + " = " + dialect.Placeholder(1),
                                    id);
                    !s) {
                    return s;
                }
                break;
            }
        }
    }
    return db.DeleteRow(entity, id);
}

// DocumentStore::Delete/DeleteIf inside the write transaction: the record as it was.
template <class Db>
Result<Record> DeleteRecord(Db& db, const Dialect& dialect, const schema::Entity& entity,
                            std::string_view raw_id, const DocumentStore::Check& check) {
    if (!IsValidId(raw_id)) {
        return RecordNotFound(entity, raw_id);
    }
    const std::string id = NormalizeId(raw_id);
    auto row = db.FindForDelete(entity, id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return RecordNotFound(entity, id);
    }
    if (check) {
        if (auto passed = check(**row); !passed) {
            return passed.error();
        }
    }
    Visiting visiting;
    if (auto s = DeleteCascading(db, dialect, entity, id, visiting); !s) {
        return s.error();
    }
    return std::move(**row);
}

}  // namespace ea::store::sql
