// DocumentStore::Count's statements, shared by the SQL stores: one COUNT(*) per entity, in schema
// order, run by the backend inside its read snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sql {

// count_rows(const std::string& sql) -> Result<std::int64_t> runs one count.
template <class CountRows>
Result<std::vector<EntityCount>> CountEntities(const schema::Schema& schema,
                                               CountRows&& count_rows) {
    std::vector<EntityCount> out;
    for (const auto& entity : schema.entities()) {
        auto count =
            count_rows("SELECT COUNT(*) FROM " + Dialect::QuoteIdentifier(TableName(*entity)));
        if (!count) {
            return count.error();
        }
        out.push_back(EntityCount{entity->name(), *count});
    }
    return out;
}

}  // namespace ea::store::sql
