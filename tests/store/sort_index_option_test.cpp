// `sort_index: false` (docs/schema.md) on SQLite and PostgreSQL: the field gets no B-tree index
// (createdAt and updatedAt too, when the entity says it), an index it had is dropped on the next
// open, a reference keeps its index, and sorts and range filters on such a field answer what they
// answer with the index.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/document_store.hpp"
#include "store_test_util.hpp"
#include "testing/postgres_server.hpp"
#include "testing/sqlite_indexes.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;

constexpr const char* kIndexed = R"yaml(
Owner:
  fields:
    name: String
Log:
  fields:
    at: Datetime
    n: Integer
    ownerId: {type: ObjectId, references: Owner}
)yaml";

constexpr const char* kUnindexed = R"yaml(
Owner:
  fields:
    name: String
Log:
  sort_index: false
  fields:
    at: {type: Datetime, sort_index: true}
    n: Integer
    ownerId: {type: ObjectId, references: Owner}
)yaml";

// The names of the indexes the schema made on table `table` in `file`.
std::set<std::string> SortIndexes(const std::filesystem::path& file, const std::string& table) {
    const auto names = ea::testing::CreatedIndexes(file, table);
    return {names.begin(), names.end()};
}

// The ids of Log sorted by n descending, then id, with n >= 3.
std::vector<std::string> ByN(DocumentStore& store, const schema::Entity& log) {
    query::Query q;
    q.filter = Cmp(log, "n", query::Op::kGte, value(3));
    q.sort.push_back({log.FindField("n"), true});
    q.page_size = 100;
    auto listed = store.List(log, q);
    EXPECT_TRUE(listed) << listed.error().message;
    return listed ? Ids(*listed) : std::vector<std::string>{};
}

// Opens `url` with the indexed schema, creates eight Logs (n = 0, 5, 3, 1, 6, 4, 2, 0) and sets
// `expected` to ByN's answer with every index in place.
void FillWithIndexes(const std::string& url, const schema::Schema& indexed,
                     std::vector<std::string>& expected) {
    auto opened = OpenStore(StoreConfig{url}, indexed);
    ASSERT_TRUE(opened) << opened.error().message;
    const auto& log = *indexed.FindEntity("Log");
    for (int i = 0; i < 8; ++i) {
        Record record = MakeRecord(R"({"at": "2025-06-01T12:00:00.000Z"})");
        record["id"] = "log" + std::to_string(i);
        record["n"] = (i * 5) % 7;
        ASSERT_TRUE((*opened)->Create(log, record));
    }
    expected = ByN(**opened, log);
}

TEST(SortIndexOptionTest, AFieldWithoutTheIndexHasNoneLosesItsOldOneAndSortsTheSame) {
    ea::testing::TempDir dir;
    const auto file = dir / "s.db";
    const std::string url = "sqlite://" + file.string();
    const auto indexed = ea::testing::SchemaFromText(kIndexed);
    std::vector<std::string> expected;
    ASSERT_NO_FATAL_FAILURE(FillWithIndexes(url, *indexed, expected));
    ASSERT_EQ(expected.size(), 4u);  // n = 5, 4, 3, 6 ... some rows, so the order means something
    EXPECT_EQ(SortIndexes(file, "Log"),
              (std::set<std::string>{"_ix_Log_at", "_ix_Log_n", "_ix_Log_ownerId",
                                     "_ix_Log_createdAt", "_ix_Log_updatedAt"}));

    const auto unindexed = ea::testing::SchemaFromText(kUnindexed);
    auto reopened = OpenStore(StoreConfig{url}, *unindexed);
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_EQ(SortIndexes(file, "Log"), (std::set<std::string>{"_ix_Log_at", "_ix_Log_ownerId"}))
        << "a reference keeps its index";
    EXPECT_EQ(ByN(**reopened, *unindexed->FindEntity("Log")), expected);
}

TEST(SortIndexOptionTest, OnPostgresTheIndexIsLeftOutAndAnOldOneDropped) {
    auto* server = ea::testing::PostgresServer::Shared();
    ASSERT_NE(server, nullptr);
    ea::testing::TempDir dir;
    const std::string url = server->Database(dir.path().string());
    const std::string database = url.substr(url.rfind('/') + 1);
    const std::string indexes_sql =
        "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = "
        "'Log' AND indexname LIKE '\\_ix\\_%'";
    const auto indexed = ea::testing::SchemaFromText(kIndexed);
    std::vector<std::string> expected;
    ASSERT_NO_FATAL_FAILURE(FillWithIndexes(url, *indexed, expected));
    ASSERT_EQ(expected.size(), 4u);
    EXPECT_EQ(server->Value(database, indexes_sql),
              "_ix_Log_at,_ix_Log_createdAt,_ix_Log_n,_ix_Log_ownerId,_ix_Log_updatedAt");
    const auto unindexed = ea::testing::SchemaFromText(kUnindexed);
    auto reopened = OpenStore(StoreConfig{url}, *unindexed);
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_EQ(server->Value(database, indexes_sql), "_ix_Log_at,_ix_Log_ownerId");
    EXPECT_EQ(ByN(**reopened, *unindexed->FindEntity("Log")), expected);
}

}  // namespace
}  // namespace ea::store::testing
