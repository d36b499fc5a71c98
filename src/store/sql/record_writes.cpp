#include "store/sql/record_writes.hpp"

#include <utility>

namespace ea::store::sql {

Result<std::string> NewRecordId(const Record& record) {
    const boost::json::value* id = record.if_contains("id");
    if (id == nullptr || !id->is_string() || !IsValidId(id->get_string())) {
        return Error{ErrorCode::kValidationFailed,
                     "the record has no valid id",
                     {{"id", "must be a valid id"}}};
    }
    return NormalizeId(id->get_string());
}

Result<Record> ReadBack(Result<std::optional<Record>> row) {
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return Internal("a written record could not be read back");
    }
    return std::move(**row);
}

}  // namespace ea::store::sql
