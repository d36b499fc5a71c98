// The bound values of a write, in the order of the per-entity INSERT and UPDATE statements both
// SQL stores build at open (every column; the updated columns then the id).
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "schema/schema.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

// One value per column of sql::ColumnFields(entity), the id as `id`.
std::vector<boost::json::value> RowParams(const Dialect& dialect, const schema::Entity& entity,
                                          const Record& record, const std::string& id);

// One value per field of `update_fields` (the SET list), then `id` (the WHERE).
std::vector<boost::json::value> UpdateParams(const Dialect& dialect,
                                             const std::vector<const schema::Field*>& update_fields,
                                             const Record& record, const std::string& id);

}  // namespace ea::store::sql
