// The indexes a schema made on a table of an SQLite file, read with sqlite3 itself (not through
// the store), for the tests of which indexes the store keeps. Header-only: the binaries that
// include it link SQLite already; ea_testing does not.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace ea::testing {

// The names, sorted, of `table`'s indexes in `file` that a CREATE INDEX made (not SQLite's own
// for a PRIMARY KEY or UNIQUE column).
inline std::vector<std::string> CreatedIndexes(const std::filesystem::path& file,
                                               const std::string& table) {
    sqlite3* db = nullptr;
    std::vector<std::string> out;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                 "tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

}  // namespace ea::testing
