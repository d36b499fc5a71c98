// The backend-neutral steps of create, replace and update inside the caller's write transaction,
// shared by the SQL stores: the new record's id, update as read-merge-replace, and the written
// record read back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/ids.hpp"
#include "common/record.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
#include "store/sql/store_messages.hpp"

namespace ea::store::sql {

// The normalised id of a record to create, or the 422 naming it when it has no valid one.
Result<std::string> NewRecordId(const Record& record);

// The written record as the read after the write found it (never absent: that is internal).
Result<Record> ReadBack(Result<std::optional<Record>> row);

// DocumentStore::Update: read `raw_id` (locked where the backend locks rows), merge, replace.
// `Db`: Result<std::optional<Record>> FindForUpdate(const schema::Entity&, const std::string&);
//       Result<Record> ReplaceLocked(const schema::Entity&, std::string_view id, const Record&).
template <class Db>
Result<Record> UpdateRecord(Db& db, const schema::Entity& entity, std::string_view raw_id,
                            const DocumentStore::Merge& merge) {
    if (!IsValidId(raw_id)) {
        return RecordNotFound(entity, raw_id);
    }
    const std::string id = NormalizeId(raw_id);
    auto row = db.FindForUpdate(entity, id);
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return RecordNotFound(entity, id);
    }
    auto merged = merge(**row);
    if (!merged) {
        return merged.error();
    }
    return db.ReplaceLocked(entity, id, *merged);
}

}  // namespace ea::store::sql
