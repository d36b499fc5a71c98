// Bulk load (SqliteStore::BeginBulkLoad): per-row index upkeep deferred to one rebuild at the end.
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

// See SqliteStore::BeginBulkLoad. The rebuild marks are committed first, so a load that
// never reaches EndBulkLoad leaves indexes that the next open (Migrate) rebuilds.
Status SqliteConnection::BeginBulkLoadLocked() {
    if (bulk_load_) {
        return Ok();
    }
    for (const char* pragma : {"PRAGMA synchronous = OFF", "PRAGMA cache_size = -65536"}) {
        if (auto s = Exec(pragma); !s) {
            return s;
        }
    }
    Transaction tx(*this);
    if (auto s = tx.Begin(); !s) {
        return s;
    }
    for (const auto& entity : schema_.entities()) {
        for (const auto& index : sql::IndexesFor(*entity)) {
            if (index.unique) {
                continue;
            }
            if (auto s = Exec("DROP INDEX IF EXISTS " + Quote(index.name)); !s) {
                return s;
            }
        }
        if (FreeTextFields(*entity).empty()) {
            continue;
        }
        const std::string fts = Quote(FtsTableName(*entity));
        if (auto s = Exec("INSERT INTO " + fts + " (" + fts + ") VALUES ('delete-all')"); !s) {
            return s;
        }
        if (auto s = SetMeta("fts:" + entity->name(), "rebuild"); !s) {
            return s;
        }
    }
    if (auto s = tx.Commit(); !s) {
        return s;
    }
    bulk_load_ = true;
    return Ok();
}

Status SqliteConnection::EndBulkLoadLocked() {
    if (!bulk_load_) {
        return Ok();
    }
    bulk_load_ = false;
    // Migrate re-creates the dropped indexes and rebuilds the search indexes marked above.
    if (auto s = Migrate(); !s) {
        return s;
    }
    // A sampled ANALYZE (well under a second on a million rows): without statistics the
    // planner takes any range-filtered index as selective and sorts its matches.
    for (const char* pragma :
         {"PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA cache_size = -2000",
          SynchronousPragma(options_.durability)}) {
        if (auto s = Exec(pragma); !s) {
            return s;
        }
    }
    return Ok();
}

}  // namespace ea::store::sqlite
