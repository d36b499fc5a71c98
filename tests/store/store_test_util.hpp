// Shared helpers for the store tests: the backends under test, a small schema that exercises every
// field type and every on_delete, record builders and filter AST builders (the tests build the AST
// directly so they test the store, not the parsers).
#pragma once

#include <boost/json/value.hpp>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "query/query.hpp"
#include "store/document_store.hpp"
#include "testing/temp_dir.hpp"

namespace ea {
// Readable failure output for FieldError comparisons.
void PrintTo(const FieldError& error, std::ostream* out);
}  // namespace ea

namespace ea::store::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend backend);

// Owner <- Item (restrict) <- Part (cascade) <- Pin (restrict); Item.parentId -> Item (set_null).
// Item has a field of every type and a compound unique (title, ownerId); Owner.name is unique and
// Owner.password write-only.
const schema::Schema& StoreTestSchema();
extern const char* const kStoreTestSchemaText;

// The store URL for `backend` with its data under `dir`.
std::string StoreUrl(Backend backend, const ea::testing::TempDir& dir,
                     const std::string& name = "store.db");

// Parses `json` (an object) and completes it as the validator would: id (a new ULID unless given),
// createdAt and updatedAt.
Record MakeRecord(std::string_view json);

query::FilterPtr Cmp(const schema::Entity& entity, std::string_view field, query::Op op,
                     boost::json::value value);
query::FilterPtr And(std::vector<query::FilterPtr> children);
query::FilterPtr Or(std::vector<query::FilterPtr> children);

std::vector<std::string> Ids(const ListResult& result);

// Lists every matching row over all pages of `page_size`, following the store's order.
std::vector<std::string> AllIds(DocumentStore& store, const schema::Entity& entity,
                                query::Query& query, int page_size);

}  // namespace ea::store::testing
