// AllRows: every stored row of an entity, page by page through the store (no service, no rbac):
// what a test compares a whole table with, e.g. before and after a refused write.
#pragma once

#include <vector>

#include <gtest/gtest.h>

#include "common/record.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"

namespace ea::testing {

// All rows of `entity` (every page), in the store's default order (by id). Stops with a test
// failure naming the entity when a page cannot be read.
inline std::vector<Record> AllRows(store::DocumentStore& store, const schema::Entity& entity) {
    std::vector<Record> rows;
    for (int page = 1;; ++page) {
        query::Query query;
        query.page = page;
        query.page_size = query::kMaxPageSize;
        auto result = store.List(entity, query);
        if (!result) {
            ADD_FAILURE() << "List " << entity.name() << ": " << result.error().message;
            return rows;
        }
        for (auto& row : result->rows) {
            rows.push_back(std::move(row));
        }
        if (page >= result->page.total_pages) {
            return rows;
        }
    }
}

}  // namespace ea::testing
