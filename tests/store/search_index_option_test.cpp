// `search_index: false` (docs/schema.md) on SQLite: the field gets no column in the entity's FTS
// trigram index (no index at all when no field keeps one, and an existing one is dropped on the
// next open), and contains and fuzzy on it answer exactly what they answer on an indexed field
// holding the same values, by a scan.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/document_store.hpp"
#include "store_test_util.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using query::Op;

constexpr const char* kMixed = R"yaml(
Note:
  fields:
    indexed: {type: String}
    plain: {type: String, search_index: false}
)yaml";

constexpr const char* kNone = R"yaml(
Note:
  search_index: false
  fields:
    indexed: {type: String}
    plain: {type: String}
)yaml";

// One value of the first row of `sql` on a raw connection to `file` ("" when none).
std::string RawText(const std::filesystem::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

const std::vector<std::string> kTexts = {
    "Jazz night at the Blue Note", "Late jazz concert",      "Concert for strings",
    "Poetry reading",              "Jazzercise in the park", "Midnight CONCERT series",
    "A quiet evening",             "jaz nite downtown",      "Rock concrt (sic)",
};

// The ids `store` lists for `field` matching `text` with `matching`, in the store's order; with
// `sorted`, sorted by id (a fuzzy search without a sort is in similarity order).
std::vector<std::string> Search(DocumentStore& store, const schema::Entity& note,
                                const std::string& field, const std::string& text,
                                query::Matching matching, bool sorted) {
    query::Query q;
    q.filter = Cmp(note, field, Op::kEq, value(text));
    q.matching = matching;
    q.page_size = 100;
    q.count = query::CountMode::kExact;
    if (sorted) {
        q.sort.push_back({note.FindField("id"), false});
    }
    auto listed = store.List(note, q);
    EXPECT_TRUE(listed) << listed.error().message;
    if (!listed) {
        return {};
    }
    EXPECT_EQ(listed->page.total, static_cast<std::int64_t>(listed->rows.size()));
    return Ids(*listed);
}

void ExpectSameAnswers(DocumentStore& store, const schema::Entity& note) {
    for (const char* text : {"jazz", "concert", "CONCERT", "conc", "nite", "zzz", "jaz nite",
                             "concrt", "jazz night"}) {
        for (const auto matching : {query::Matching::kContains, query::Matching::kFuzzy}) {
            for (const bool sorted : {false, true}) {
                const auto indexed = Search(store, note, "indexed", text, matching, sorted);
                const auto plain = Search(store, note, "plain", text, matching, sorted);
                EXPECT_EQ(plain, indexed) << text << " matching " << static_cast<int>(matching)
                                          << (sorted ? " sorted" : "");
                if (std::string(text) == "jazz" || std::string(text) == "concrt") {
                    EXPECT_FALSE(indexed.empty()) << text;  // the comparison means something
                }
            }
        }
    }
}

TEST(SearchIndexOptionTest, AFieldWithoutTheIndexIsScannedWithTheSameAnswers) {
    ea::testing::TempDir dir;
    const auto file = dir / "s.db";
    const auto schema = ea::testing::SchemaFromText(kMixed);
    const auto& note = *schema->FindEntity("Note");
    EXPECT_TRUE(note.FindField("indexed")->is_search_indexed());
    EXPECT_FALSE(note.FindField("plain")->is_search_indexed());
    auto opened = OpenStore(StoreConfig{"sqlite://" + file.string()}, *schema);
    ASSERT_TRUE(opened) << opened.error().message;
    auto& store = **opened;
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
        Record record;
        record["id"] = "n" + std::to_string(i);
        record["indexed"] = kTexts[i];
        record["plain"] = kTexts[i];
        ASSERT_TRUE(store.Create(note, record));
    }
    EXPECT_EQ(RawText(file, "SELECT count(*) FROM pragma_table_info('_fts_Note') "
                            "WHERE name = 't_indexed'"),
              "1");
    EXPECT_EQ(RawText(file, "SELECT count(*) FROM pragma_table_info('_fts_Note') "
                            "WHERE name = 't_plain'"),
              "0");
    ExpectSameAnswers(store, note);
}

TEST(SearchIndexOptionTest, TurningTheIndexOffForTheEntityDropsItAndSearchesStillAnswer) {
    ea::testing::TempDir dir;
    const auto file = dir / "s.db";
    const std::string url = "sqlite://" + file.string();
    {
        const auto indexed = ea::testing::SchemaFromText(kMixed);
        auto opened = OpenStore(StoreConfig{url}, *indexed);
        ASSERT_TRUE(opened) << opened.error().message;
        for (std::size_t i = 0; i < kTexts.size(); ++i) {
            Record record;
            record["id"] = "n" + std::to_string(i);
            record["indexed"] = kTexts[i];
            record["plain"] = kTexts[i];
            ASSERT_TRUE((*opened)->Create(*indexed->FindEntity("Note"), record));
        }
    }
    ASSERT_EQ(RawText(file, "SELECT count(*) FROM sqlite_master WHERE name = '_fts_Note'"), "1");
    const auto none = ea::testing::SchemaFromText(kNone);
    const auto& note = *none->FindEntity("Note");
    auto opened = OpenStore(StoreConfig{url}, *none);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(RawText(file, "SELECT count(*) FROM sqlite_master WHERE name = '_fts_Note'"), "0");
    const auto jazz =
        Search(**opened, note, "indexed", "jazz", query::Matching::kContains, /*sorted=*/true);
    EXPECT_EQ(jazz, (std::vector<std::string>{"n0", "n1", "n4"}));
    const auto fuzzy =
        Search(**opened, note, "plain", "concrt", query::Matching::kFuzzy, /*sorted=*/true);
    EXPECT_FALSE(fuzzy.empty());
    EXPECT_NE(std::find(fuzzy.begin(), fuzzy.end(), "n8"), fuzzy.end());
    // A write after the index is gone needs no index upkeep and is found by the scan.
    Record record;
    record["id"] = "n_new";
    record["indexed"] = "Jazz brunch";
    record["plain"] = "Jazz brunch";
    ASSERT_TRUE((*opened)->Create(note, record));
    EXPECT_EQ(Search(**opened, note, "plain", "jazz", query::Matching::kContains, true).size(), 4u);
}

TEST(SearchIndexOptionTest, TheWriteOnlyPasswordIsNeverIndexed) {
    ea::testing::TempDir dir;
    const auto file = dir / "s.db";
    const auto schema = ea::testing::SchemaFromText(
        "U:\n  services: [auth]\n  fields: {username: String, password: String}\n");
    auto opened = OpenStore(StoreConfig{"sqlite://" + file.string()}, *schema);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(RawText(file, "SELECT group_concat(name, ' ') FROM pragma_table_info('_fts_U')"),
              "t_username");
}

}  // namespace
}  // namespace ea::store::testing
