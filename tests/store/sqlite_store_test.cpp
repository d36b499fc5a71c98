// SQLite-only behaviour of the store: store URLs, the file it writes (WAL, tables, indexes),
// migrations on reopen, query counts (no N+1), and states only reachable behind the store's back.
#include <gtest/gtest.h>

#include <optional>

#include <sqlite3.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>
#include <set>

#include "store/sqlite/sqlite_functions.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_test_util.hpp"
#include "testing/test_schema.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using query::Op;

// A second, raw connection to the store's file, for looking behind its back.
class RawDb {
public:
    explicit RawDb(const std::filesystem::path& file) {
        EXPECT_EQ(sqlite3_open(file.c_str(), &db_), SQLITE_OK);
        sqlite::RegisterFunctions(db_);  // the search triggers call them
    }
    ~RawDb() { sqlite3_close(db_); }
    std::string Text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        std::string out;
        EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    void Exec(const std::string& sql) {
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
            << sql << ": " << (error ? error : "");
        sqlite3_free(error);
    }

private:
    sqlite3* db_ = nullptr;
};

DocumentStorePtr MustOpen(const std::string& url, const schema::Schema& schema) {
    auto opened = OpenStore(StoreConfig{url}, schema);
    EXPECT_TRUE(opened) << url << ": " << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
}

TEST(SqliteStoreTest, OpenStoreUnderstandsSqliteUrlsAndRejectsOthers) {
    ea::testing::TempDir dir;
    const auto nested = dir / "a" / "b" / "events.db";
    auto store = MustOpen("sqlite://" + nested.string(), StoreTestSchema());
    ASSERT_TRUE(store);
    EXPECT_EQ(store->backend(), "sqlite");
    EXPECT_TRUE(std::filesystem::exists(nested)) << "parent directories are created";

    EXPECT_TRUE(MustOpen("sqlite://:memory:", StoreTestSchema()));

    auto unknown = OpenStore(StoreConfig{"mysql://localhost/db"}, StoreTestSchema());
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
    auto empty = OpenStore(StoreConfig{"sqlite://"}, StoreTestSchema());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
    auto pg = OpenStore(StoreConfig{"postgresql://localhost/db"}, StoreTestSchema());
    ASSERT_FALSE(pg);
    EXPECT_EQ(pg.error().code, ErrorCode::kUnavailable);
}

TEST(SqliteStoreTest, FileStoresReadThroughAPoolInMemoryStoresThroughTheWriter) {
    ea::testing::TempDir dir;
    auto file = sqlite::SqliteStore::Open((dir / "p.db").string(), StoreTestSchema());
    ASSERT_TRUE(file);
    EXPECT_GT((*file)->ReadConnectionCountForTest(), 0u);
    auto memory = sqlite::SqliteStore::Open(":memory:", StoreTestSchema());
    ASSERT_TRUE(memory);
    EXPECT_EQ((*memory)->ReadConnectionCountForTest(), 0u);
    // Reads see every committed write at once, on either kind.
    const auto& owner = *StoreTestSchema().FindEntity("Owner");
    for (auto* store : {file->get(), memory->get()}) {
        for (int i = 0; i < 20; ++i) {
            Record record = MakeRecord("{}");
            record["name"] = "n" + std::to_string(i);
            auto created = store->Create(owner, record);
            ASSERT_TRUE(created);
            EXPECT_TRUE(store->Get(owner, std::string(created->at("id").as_string())));
        }
    }
}

// Read connections map the file (store.mmap_mb) unless told not to: the mapping shows in
// /proc/self/maps once a reader has read.
TEST(SqliteStoreTest, ReadersMapTheDatabaseFileUnlessToldNotTo) {
    ea::testing::TempDir dir;
    const auto& owner = *StoreTestSchema().FindEntity("Owner");
    for (const std::int64_t mmap_bytes : {std::int64_t{0}, std::int64_t{64} << 20}) {
        const std::string path = (dir / ("m" + std::to_string(mmap_bytes) + ".db")).string();
        sqlite::SqliteStore::Options options;
        options.mmap_bytes = mmap_bytes;
        std::string id;
        {
            // Closing checkpoints the WAL into the file: SQLite maps only what the file holds.
            auto store = sqlite::SqliteStore::Open(path, StoreTestSchema(), options);
            ASSERT_TRUE(store) << store.error().message;
            auto created = (*store)->Create(owner, MakeRecord(R"({"name": "m"})"));
            ASSERT_TRUE(created);
            id = created->at("id").as_string().c_str();
        }
        auto store = sqlite::SqliteStore::Open(path, StoreTestSchema(), options);
        ASSERT_TRUE(store) << store.error().message;
        ASSERT_GT((*store)->ReadConnectionCountForTest(), 0u);
        ASSERT_TRUE((*store)->Get(owner, id));
        std::ifstream maps("/proc/self/maps");
        bool mapped = false;
        for (std::string line; std::getline(maps, line);) {
            mapped = mapped || line.ends_with(" " + path);
        }
        EXPECT_EQ(mapped, mmap_bytes > 0) << mmap_bytes;
    }
}

// An acknowledged write must survive a power loss unless the operator chose otherwise: FULL is
// the default, NORMAL the documented faster mode, and bulk loading restores the chosen one.
TEST(SqliteStoreTest, DurabilityReachesTheConnectionAndSurvivesABulkLoad) {
    ea::testing::TempDir dir;
    constexpr int kNormal = 1;
    constexpr int kFull = 2;
    for (const auto& [durability, expected] :
         {std::pair{std::optional<Durability>{}, kFull},
          std::pair{std::optional{Durability::kFull}, kFull},
          std::pair{std::optional{Durability::kNormal}, kNormal}}) {
        sqlite::SqliteStore::Options options;
        if (durability) {
            options.durability = *durability;
        }
        auto store = sqlite::SqliteStore::Open((dir / "d.db").string(), StoreTestSchema(), options);
        ASSERT_TRUE(store) << store.error().message;
        EXPECT_EQ((*store)->WriterSynchronousForTest(), expected);
        ASSERT_TRUE((*store)->BeginBulkLoad());
        EXPECT_EQ((*store)->WriterSynchronousForTest(), 0);
        ASSERT_TRUE((*store)->EndBulkLoad());
        EXPECT_EQ((*store)->WriterSynchronousForTest(), expected);
    }
    // Through OpenStore, as the server opens it.
    StoreConfig config{"sqlite://" + (dir / "o.db").string()};
    config.durability = Durability::kNormal;
    auto opened = OpenStore(config, StoreTestSchema());
    ASSERT_TRUE(opened);
    auto* sqlite_store = dynamic_cast<sqlite::SqliteStore*>(opened->get());
    ASSERT_NE(sqlite_store, nullptr);
    EXPECT_EQ(sqlite_store->WriterSynchronousForTest(), kNormal);
}

TEST(SqliteStoreTest, RelativePathsWork) {
    ea::testing::TempDir dir;
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    {
        auto store = MustOpen("sqlite://data/rel.db", StoreTestSchema());
        EXPECT_TRUE(store);
    }
    std::filesystem::current_path(cwd);
    EXPECT_TRUE(std::filesystem::exists(dir / "data" / "rel.db"));
}

TEST(SqliteStoreTest, UsesWalTypedColumnsAndIndexes) {
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "s.db").string(), StoreTestSchema());
    ASSERT_TRUE(store);
    RawDb raw(dir / "s.db");
    EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.Text("SELECT type FROM pragma_table_info('Item') WHERE name = 'count'"),
              "INTEGER");
    EXPECT_EQ(raw.Text("SELECT type FROM pragma_table_info('Item') WHERE name = 'cost'"), "REAL");
    EXPECT_EQ(raw.Text("SELECT type FROM pragma_table_info('Item') WHERE name = 'tags'"), "TEXT");
    const std::string indexes =
        raw.Text("SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE "
                 "type = 'index' AND tbl_name = 'Item' AND name LIKE '\\_%' ESCAPE '\\' "
                 "ORDER BY name)");
    for (const char* expected : {"_ux_Item_title_ownerId", "_ix_Item_ownerId", "_ix_Item_parentId",
                                 "_ix_Item_createdAt", "_ix_Item_count", "_ix_Item_day"}) {
        EXPECT_NE(indexes.find(expected), std::string::npos) << expected << " in " << indexes;
    }
    EXPECT_EQ(raw.Text("SELECT 1 FROM sqlite_master WHERE name = '_fts_Item'"), "1");
}

TEST(SqliteStoreTest, DataSurvivesReopenAndSearchStillWorks) {
    ea::testing::TempDir dir;
    const std::string url = "sqlite://" + (dir / "s.db").string();
    {
        auto store = MustOpen(url, StoreTestSchema());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->Create(*StoreTestSchema().FindEntity("Item"),
                                  MakeRecord(R"({"id": "i1", "title": "Persistent Concert"})")));
    }
    auto store = MustOpen(url, StoreTestSchema());
    ASSERT_TRUE(store);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    query::Query q;
    q.filter = Cmp(item, "title", Op::kEq, value("concrt"));
    q.matching = query::Matching::kFuzzy;
    auto result = store->List(item, q);
    ASSERT_TRUE(result);
    EXPECT_EQ(Ids(*result), std::vector<std::string>{"i1"});
}

constexpr const char* kSchemaA = R"yaml(
Thing:
  fields:
    name:
      type: String
      required: true
)yaml";

constexpr const char* kSchemaB = R"yaml(
Thing:
  fields:
    name:
      type: String
      required: true
    color:
      type: String
    size:
      type: Integer
      required: true
      default: 3
    tags:
      type: Array[String]
)yaml";

constexpr const char* kSchemaRequiredNoDefault = R"yaml(
Thing:
  fields:
    name:
      type: String
      required: true
    weight:
      type: Number
      required: true
)yaml";

constexpr const char* kSchemaUniqueName = R"yaml(
Thing:
  fields:
    name:
      type: String
      required: true
      unique: true
)yaml";

TEST(SqliteStoreTest, MigrationAddsFieldsKeepingDataAndFillingDefaults) {
    ea::testing::TempDir dir;
    const std::string url = "sqlite://" + (dir / "m.db").string();
    auto schema_a = ea::testing::SchemaFromText(kSchemaA);
    {
        auto store = MustOpen(url, *schema_a);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->Create(*schema_a->FindEntity("Thing"),
                                  MakeRecord(R"({"id": "t1", "name": "Old Lamp"})")));
    }
    auto schema_b = ea::testing::SchemaFromText(kSchemaB);
    auto store = MustOpen(url, *schema_b);
    ASSERT_TRUE(store);
    const auto& thing = *schema_b->FindEntity("Thing");
    auto old = store->Get(thing, "t1");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->at("name"), value("Old Lamp"));
    EXPECT_TRUE(old->at("color").is_null());
    EXPECT_EQ(old->at("size"), value(3)) << "a new required field's default fills existing rows";

    ASSERT_TRUE(store->Create(thing, MakeRecord(R"({"id": "t2", "name": "New Lamp",
        "color": "Crimson Red", "size": 5, "tags": ["x"]})")));
    query::Query q;
    q.filter = Cmp(thing, "color", Op::kEq, value("crimson"));
    q.matching = query::Matching::kContains;
    auto found = store->List(thing, q);
    ASSERT_TRUE(found);
    EXPECT_EQ(Ids(*found), std::vector<std::string>{"t2"}) << "the new free-text field is indexed";
    q.filter = Cmp(thing, "name", Op::kEq, value("lamp"));
    found = store->List(thing, q);
    ASSERT_TRUE(found);
    EXPECT_EQ(Ids(*found), (std::vector<std::string>{"t1", "t2"})) << "old rows re-indexed";
}

TEST(SqliteStoreTest, MigrationRefusesARequiredFieldWithoutDefaultOnANonEmptyTable) {
    ea::testing::TempDir dir;
    const std::string url = "sqlite://" + (dir / "m.db").string();
    auto schema_a = ea::testing::SchemaFromText(kSchemaA);
    auto schema_c = ea::testing::SchemaFromText(kSchemaRequiredNoDefault);
    {
        // On an empty table the column can be added.
        ea::testing::TempDir other;
        const std::string empty_url = "sqlite://" + (other / "e.db").string();
        ASSERT_TRUE(MustOpen(empty_url, *schema_a));
        EXPECT_TRUE(MustOpen(empty_url, *schema_c));
    }
    {
        auto store = MustOpen(url, *schema_a);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->Create(*schema_a->FindEntity("Thing"),
                                  MakeRecord(R"({"id": "t1", "name": "x"})")));
    }
    auto refused = OpenStore(StoreConfig{url}, *schema_c);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("Thing.weight"), std::string::npos)
        << refused.error().message;
    // Nothing was changed: the old schema still opens and the row is there.
    auto store = MustOpen(url, *schema_a);
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->Get(*schema_a->FindEntity("Thing"), "t1"));
}

TEST(SqliteStoreTest, MigrationAddsUniqueIndexOrExplainsWhyNot) {
    ea::testing::TempDir dir;
    const std::string url = "sqlite://" + (dir / "u.db").string();
    auto schema_a = ea::testing::SchemaFromText(kSchemaA);
    auto schema_u = ea::testing::SchemaFromText(kSchemaUniqueName);
    {
        auto store = MustOpen(url, *schema_a);
        ASSERT_TRUE(store);
        const auto& thing = *schema_a->FindEntity("Thing");
        ASSERT_TRUE(store->Create(thing, MakeRecord(R"({"id": "t1", "name": "same"})")));
        ASSERT_TRUE(store->Create(thing, MakeRecord(R"({"id": "t2", "name": "same"})")));
    }
    auto refused = OpenStore(StoreConfig{url}, *schema_u);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("Thing(name)"), std::string::npos)
        << refused.error().message;
    {
        auto store = MustOpen(url, *schema_a);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->Delete(*schema_a->FindEntity("Thing"), "t2"));
    }
    auto store = MustOpen(url, *schema_u);
    ASSERT_TRUE(store);
    auto dup = store->Create(*schema_u->FindEntity("Thing"), MakeRecord(R"({"name": "same"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
}

// A page of 25 rows with two view relations costs exactly one look-up per relation.
TEST(SqliteStoreTest, ViewIssuesOneBatchedQueryPerRelation) {
    ea::testing::TempDir dir;
    auto opened = sqlite::SqliteStore::Open((dir / "v.db").string(), StoreTestSchema());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& store = **opened;
    const auto& item = *StoreTestSchema().FindEntity("Item");
    const auto& owner = *StoreTestSchema().FindEntity("Owner");
    for (int i = 0; i < 5; ++i) {
        Record o = MakeRecord("{}");
        o["id"] = "o" + std::to_string(i);
        o["name"] = "owner " + std::to_string(i);
        ASSERT_TRUE(store.Create(owner, o));
    }
    ASSERT_TRUE(store.Create(item, MakeRecord(R"({"id": "parent"})")));
    for (int i = 0; i < 30; ++i) {
        Record r = MakeRecord("{}");
        r["ownerId"] = "o" + std::to_string(i % 5);
        r["parentId"] = "parent";
        ASSERT_TRUE(store.Create(item, r));
    }
    query::Query q;
    q.filter = Cmp(item, "ownerId", Op::kExists, value(true));
    q.view.push_back({item.FindField("ownerId"), {owner.FindField("name")}, "owner"});
    q.view.push_back({item.FindField("parentId"), {item.FindField("title")}, "parent"});
    std::vector<std::string> statements;
    store.SetStatementObserverForTest([&](std::string_view sql) { statements.emplace_back(sql); });
    auto result = store.List(item, q);
    store.SetStatementObserverForTest(nullptr);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->rows.size(), 25u);
    int owner_lookups = 0;
    int parent_lookups = 0;
    for (const auto& sql : statements) {
        if (sql.find("FROM \"Owner\"") != std::string::npos) {
            ++owner_lookups;
        }
        if (sql.find("SELECT \"id\", \"title\" FROM \"Item\"") != std::string::npos) {
            ++parent_lookups;
        }
    }
    EXPECT_EQ(owner_lookups, 1);
    EXPECT_EQ(parent_lookups, 1);
    EXPECT_LE(statements.size(), 7u)
        << "begin, table-size probe, count, page, two look-ups, commit";
    EXPECT_EQ(result->rows[0].at("parent").at("exists"), value(true));

    const auto cached = store.CachedStatementCountForTest();
    ASSERT_TRUE(store.List(item, q));
    EXPECT_EQ(store.CachedStatementCountForTest(), cached) << "statements are reused by text";
}

// A reference can only dangle behind the store's back (the store and the database both check);
// the view still answers, with exists: false and a warning.
TEST(SqliteStoreTest, ViewOfADanglingReferenceSaysItDoesNotExist) {
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "d.db").string(), StoreTestSchema());
    ASSERT_TRUE(store);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    const auto& owner = *StoreTestSchema().FindEntity("Owner");
    ASSERT_TRUE(store->Create(owner, MakeRecord(R"({"id": "gone", "name": "Ghost"})")));
    ASSERT_TRUE(store->Create(item, MakeRecord(R"({"id": "i1", "ownerId": "gone"})")));
    {
        RawDb raw(dir / "d.db");
        raw.Exec("PRAGMA foreign_keys = OFF; DELETE FROM \"Owner\" WHERE id = 'gone'");
    }
    query::Query q;
    q.view.push_back({item.FindField("ownerId"), {owner.FindField("name")}, "owner"});
    auto result = store->List(item, q);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->rows.size(), 1u);
    EXPECT_EQ(result->rows[0].at("owner"), boost::json::parse(R"({"exists": false, "id": "gone"})"));
    ASSERT_EQ(result->warnings.size(), 1u);
    EXPECT_EQ(result->warnings[0].field, "owner");

    auto got = store->GetWithView(item, "i1", q.view);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->record.at("owner"), boost::json::parse(R"({"exists": false, "id": "gone"})"));
    ASSERT_EQ(got->warnings.size(), 1u);
    EXPECT_EQ(got->warnings[0].field, "owner");
    EXPECT_EQ(got->warnings[0].message, result->warnings[0].message);
}

// Get with a view costs one look-up per relation, in one read transaction: never N+1.
TEST(SqliteStoreTest, GetWithViewIssuesOneLookUpPerRelation) {
    ea::testing::TempDir dir;
    auto opened = sqlite::SqliteStore::Open((dir / "g.db").string(), StoreTestSchema());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& store = **opened;
    const auto& item = *StoreTestSchema().FindEntity("Item");
    const auto& owner = *StoreTestSchema().FindEntity("Owner");
    ASSERT_TRUE(store.Create(owner, MakeRecord(R"({"id": "o1", "name": "Olivia"})")));
    ASSERT_TRUE(store.Create(item, MakeRecord(R"({"id": "parent"})")));
    ASSERT_TRUE(store.Create(
        item, MakeRecord(R"({"id": "child", "ownerId": "o1", "parentId": "parent"})")));
    std::vector<query::ViewSpec> view;
    view.push_back({item.FindField("ownerId"), {owner.FindField("name")}, "owner"});
    view.push_back({item.FindField("parentId"), {item.FindField("title")}, "parent"});
    std::vector<std::string> statements;
    store.SetStatementObserverForTest([&](std::string_view sql) { statements.emplace_back(sql); });
    auto got = store.GetWithView(item, "child", view);
    store.SetStatementObserverForTest(nullptr);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->record.at("owner").at("name"), value("Olivia"));
    EXPECT_EQ(got->record.at("parent").at("id"), value("parent"));
    EXPECT_EQ(statements.size(), 5u) << "begin, the record, two look-ups, commit";
    if (!statements.empty()) {
        EXPECT_EQ(statements.front(), "BEGIN");
        EXPECT_EQ(statements.back(), "COMMIT");
    }
}

// The search index is maintained by the store's own statements (not triggers). After a mix of
// creates, replaces, deletes and cascades it must hold exactly what a fresh build from the table
// holds: same terms, same document counts, per column.
TEST(SqliteStoreTest, SearchIndexEqualsAFreshRebuildAfterManyWrites) {
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "f.db").string(), StoreTestSchema());
    ASSERT_TRUE(store);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    const auto& part = *StoreTestSchema().FindEntity("Part");
    const char* words[] = {"Jazz", "night", "CAFÉ", "naïve", "100%", "under_score", "x", ""};
    for (int i = 0; i < 60; ++i) {
        Record r = MakeRecord("{}");
        r["id"] = "i" + std::to_string(i);
        r["title"] = std::string(words[i % 8]) + " " + words[(i * 3) % 8];
        if (i % 3 != 0) {
            r["note"] = std::string(words[(i * 5) % 8]) + " note " + std::to_string(i);
        }
        ASSERT_TRUE(store->Create(item, r));
        Record p = MakeRecord("{}");
        p["itemId"] = r["id"];
        p["label"] = "part of " + std::to_string(i);
        ASSERT_TRUE(store->Create(part, p));
    }
    for (int i = 0; i < 60; i += 4) {
        auto got = store->Get(item, "i" + std::to_string(i));
        ASSERT_TRUE(got);
        Record changed = *got;
        changed["title"] = i % 8 == 0 ? value(nullptr) : value("renamed " + std::to_string(i));
        changed["note"] = "changed";
        ASSERT_TRUE(store->Replace(item, "i" + std::to_string(i), changed));
    }
    for (int i = 1; i < 60; i += 5) {
        ASSERT_TRUE(store->Delete(item, "i" + std::to_string(i)));  // cascades to its Part
    }
    RawDb raw(dir / "f.db");
    raw.Exec("CREATE VIRTUAL TABLE temp.fresh_item USING fts5(t_title, t_note, content='', "
             "tokenize='trigram', detail=column, columnsize=0);"
             "INSERT INTO temp.fresh_item (rowid, t_title, t_note) "
             "SELECT _rowid, ea_trigram_text(title), ea_trigram_text(note) FROM \"Item\";"
             "CREATE VIRTUAL TABLE temp.fresh_part USING fts5(t_label, content='', "
             "tokenize='trigram', detail=column, columnsize=0);"
             "INSERT INTO temp.fresh_part (rowid, t_label) "
             "SELECT _rowid, ea_trigram_text(label) FROM \"Part\";"
             "CREATE VIRTUAL TABLE temp.v_item USING fts5vocab(main, _fts_Item, col);"
             "CREATE VIRTUAL TABLE temp.v_fresh_item USING fts5vocab(temp, fresh_item, col);"
             "CREATE VIRTUAL TABLE temp.v_part USING fts5vocab(main, _fts_Part, col);"
             "CREATE VIRTUAL TABLE temp.v_fresh_part USING fts5vocab(temp, fresh_part, col);");
    for (const auto& [live, fresh] : {std::pair{"v_item", "v_fresh_item"}, {"v_part", "v_fresh_part"}}) {
        for (const auto& [a, b] : {std::pair{live, fresh}, {fresh, live}}) {
            const std::string diff = raw.Text(
                std::string("SELECT count(*) FROM (SELECT term, col, doc, cnt FROM temp.") + a +
                " WHERE doc > 0 EXCEPT SELECT term, col, doc, cnt FROM temp." + b + " WHERE doc > 0)");
            EXPECT_EQ(diff, "0") << a << " has entries " << b << " lacks";
        }
    }
    EXPECT_NE(raw.Text("SELECT count(*) FROM temp.v_item"), "0");
    raw.Exec("INSERT INTO \"_fts_Item\" (\"_fts_Item\", rank) VALUES ('integrity-check', 0)");
}

// Bulk load (seed-demo): writes still check ids and uniques, the deferred search index and
// secondary indexes exist again afterwards and hold every row, and statistics were gathered.
TEST(SqliteStoreTest, BulkLoadRebuildsDeferredIndexesAtTheEnd) {
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "b.db").string(), StoreTestSchema());
    ASSERT_TRUE(store);
    const auto& item = *StoreTestSchema().FindEntity("Item");
    ASSERT_TRUE(store->Create(item, MakeRecord(R"({"id": "before", "title": "Jazz before"})")));
    ASSERT_TRUE(store->BeginBulkLoad());
    {
        RawDb raw(dir / "b.db");
        EXPECT_EQ(raw.Text("SELECT count(*) FROM sqlite_master WHERE name = '_ix_Item_count'"),
                  "0");
    }
    std::vector<DocumentStore::BatchItem> items;
    for (int i = 0; i < 50; ++i) {
        Record r = MakeRecord("{}");
        r["id"] = "b" + std::to_string(i);
        r["title"] = (i % 5 == 0 ? "Jazz Night " : "Poetry Slam ") + std::to_string(i);
        r["count"] = i;
        items.push_back({&item, std::move(r), false});
    }
    ASSERT_TRUE(store->Batch(std::move(items)));
    auto duplicate = store->Create(item, MakeRecord(R"({"id": "b1", "title": "again"})"));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
    ASSERT_TRUE(store->EndBulkLoad());

    auto search = [&](const char* needle, query::Matching matching) {
        query::Query q;
        q.filter = Cmp(item, "title", Op::kEq, value(needle));
        q.matching = matching;
        q.page_size = 100;
        auto result = store->List(item, q);
        EXPECT_TRUE(result) << result.error().message;
        return result ? result->page.total : -1;
    };
    EXPECT_EQ(search("jazz", query::Matching::kContains), 11);  // 10 loaded + 1 before
    EXPECT_EQ(search("poetry slam", query::Matching::kContains), 40);
    EXPECT_GE(search("jaz nite", query::Matching::kFuzzy), 11);
    RawDb raw(dir / "b.db");
    EXPECT_EQ(raw.Text("SELECT count(*) FROM sqlite_master WHERE name = '_ix_Item_count'"), "1");
    EXPECT_NE(raw.Text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'Item'"), "0");
    EXPECT_EQ(raw.Text("SELECT value FROM _schema_meta WHERE key = 'fts:Item'").rfind("fts-", 0),
              0u);
    raw.Exec("INSERT INTO \"_fts_Item\" (\"_fts_Item\", rank) VALUES ('integrity-check', 0)");
}

// List tries cheaper plans first (walk the sort index; count through the filter's index) and
// falls back when they run past their budget. Either way the page and the total are the same:
// a selective filter on a table large enough to exhaust the sort-index budget, and an
// unselective one that exhausts the count budget, against totals computed here.
TEST(SqliteStoreTest, PlanFallbacksGiveTheSamePageAndTotal) {
    ea::testing::TempDir dir;
    auto opened = sqlite::SqliteStore::Open((dir / "plan.db").string(), StoreTestSchema());
    ASSERT_TRUE(opened);
    auto& store = *opened;
    const auto& item = *StoreTestSchema().FindEntity("Item");
    constexpr int kRows = 30'000;
    int selected = 0;
    std::vector<DocumentStore::BatchItem> items;
    for (int i = 0; i < kRows; ++i) {
        Record r = MakeRecord("{}");
        r["id"] = "p" + std::to_string(i);
        r["count"] = (i * 7919) % kRows;  // a permutation of 0..kRows-1
        r["price"] = static_cast<double>(i % 100);
        r["cost"] = static_cast<double>(i % 101);
        if (i % 100 == 42 && i % 101 == 7) {
            ++selected;
        }
        items.push_back({&item, std::move(r), false});
    }
    ASSERT_TRUE(store->Batch(std::move(items)));
    std::vector<std::string> statements;  // which plans List ran, in order
    auto list = [&](query::FilterPtr filter, int page) {
        query::Query q;
        q.filter = std::move(filter);
        q.sort = {{item.FindField("count"), true}};
        q.page = page;
        q.page_size = 5;
        q.count = query::CountMode::kExact;  // the count's own fallback is under test
        statements.clear();
        store->SetStatementObserverForTest([&](std::string_view sql) {
            if (sql.find("INDEXED") != std::string::npos) {
                statements.emplace_back(sql.find("NOT INDEXED") != std::string::npos ? "scan"
                                                                                     : "by-sort");
            } else if (sql.find("SELECT \"_rowid\", \"id\"") != std::string::npos ||
                       sql.find("SELECT \"id\",") != std::string::npos) {
                statements.emplace_back("rows");
            }
        });
        auto result = store->List(item, q);
        store->SetStatementObserverForTest(nullptr);
        EXPECT_TRUE(result) << result.error().message;
        return result ? *result : ListResult{};
    };
    // Selective: price == 42 and cost == 7 keeps 3 rows; walking count's index passes most of
    // the table first (past the budget), so the planner's plan answers.
    std::vector<query::FilterPtr> both;
    both.push_back(Cmp(item, "price", Op::kEq, value(42.0)));
    both.push_back(Cmp(item, "cost", Op::kEq, value(7.0)));
    auto few = list(And(std::move(both)), 1);
    EXPECT_EQ(statements, (std::vector<std::string>{"by-sort", "rows"}));
    EXPECT_EQ(few.page.total, selected);
    ASSERT_EQ(few.rows.size(), static_cast<std::size_t>(selected));
    for (std::size_t k = 1; k < few.rows.size(); ++k) {
        EXPECT_GT(few.rows[k - 1].at("count").as_int64(), few.rows[k].at("count").as_int64());
    }
    // Unselective: count >= 100 keeps all but 100 rows; the page comes from walking the index;
    // the count through count's index runs past its budget and restarts as a scan.
    auto most = list(Cmp(item, "count", Op::kGte, value(100)), 3);
    EXPECT_EQ(statements, (std::vector<std::string>{"by-sort", "scan"}));
    EXPECT_EQ(most.page.total, kRows - 100);
    ASSERT_EQ(most.rows.size(), 5u);
    EXPECT_EQ(most.rows[0].at("count").as_int64(), kRows - 11);
    EXPECT_EQ(most.rows[4].at("count").as_int64(), kRows - 15);
}

TEST(SqliteStoreTest, DatabaseErrorsNeverLeakSql) {
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "e.db").string(), StoreTestSchema());
    ASSERT_TRUE(store);
    {
        RawDb raw(dir / "e.db");
        raw.Exec("DROP TABLE \"Pin\"");
    }
    auto result = store->List(*StoreTestSchema().FindEntity("Pin"), query::Query{});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInternal);
    EXPECT_EQ(result.error().message, "database error");
}

// The shipped Events model: a realistic path through the real schema.
TEST(SqliteStoreTest, DefaultSchemaCompoundUniqueAndRestrict) {
    const auto& schema = ea::testing::DefaultSchema();
    ea::testing::TempDir dir;
    auto store = MustOpen("sqlite://" + (dir / "events.db").string(), schema);
    ASSERT_TRUE(store);
    const auto& account = *schema.FindEntity("Account");
    const auto& user = *schema.FindEntity("User");
    const auto& profile = *schema.FindEntity("Profile");
    ASSERT_TRUE(store->Create(account, MakeRecord(R"({"id": "acc1"})")));
    ASSERT_TRUE(store->Create(user, MakeRecord(R"({"id": "u1", "username": "alice",
        "email": "alice@example.com", "password": "$argon2id$v=19$...", "isAccountOwner": true,
        "accountId": "acc1", "role": "admin"})")));
    auto dup_user = store->Create(user, MakeRecord(R"({"username": "alice",
        "email": "alice@example.com", "password": "x", "isAccountOwner": false,
        "accountId": "acc1"})"));
    ASSERT_FALSE(dup_user);
    EXPECT_EQ(dup_user.error().code, ErrorCode::kConflict);
    EXPECT_EQ(dup_user.error().fields,
              (std::vector<FieldError>{{"username", "a User with this username already exists"},
                                       {"email", "a User with this email already exists"}}));
    ASSERT_TRUE(store->Create(profile, MakeRecord(R"({"name": "Weekend", "userId": "u1"})")));
    auto dup = store->Create(profile, MakeRecord(R"({"name": "Weekend", "userId": "u1"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().fields.at(0).field, "name,userId");
    auto restricted = store->Delete(account, "acc1");
    ASSERT_FALSE(restricted);
    EXPECT_EQ(restricted.error().message, "Account acc1 is still referenced by User.accountId");
}

}  // namespace
}  // namespace ea::store::testing

namespace ea::store::testing {
namespace {

// A contains page first walks the requested order without the search index (quick when the
// needle is common) and falls back to the index's candidates when the walk runs past its
// budget (a rare needle). Either way: the same rows as a brute-force filter, in order.
TEST(SqliteStoreTest, ContainsPagesWalkTheOrderOrFallBackToCandidatesWithTheSameRows) {
    ea::testing::TempDir dir;
    auto opened = sqlite::SqliteStore::Open((dir / "walk.db").string(), StoreTestSchema());
    ASSERT_TRUE(opened);
    auto& store = *opened;
    const auto& item = *StoreTestSchema().FindEntity("Item");
    constexpr int kRows = 30'000;
    std::vector<DocumentStore::BatchItem> items;
    std::vector<std::pair<std::int64_t, std::string>> common;  // (count, id) of "jazz" rows
    std::vector<std::string> rare;
    for (int i = 0; i < kRows; ++i) {
        Record r = MakeRecord("{}");
        const std::string id = "w" + std::to_string(100'000 + i);
        r["id"] = id;
        r["count"] = (i * 7919) % kRows;
        std::string title = i % 3 == 0 ? "Rooftop Jazz " : "Poetry Slam ";
        if (i % 10'007 == 5) {
            title += "Xylophonic ";
            rare.push_back(id);
        }
        r["title"] = title + std::to_string(i);
        if (i % 3 == 0) {
            common.emplace_back(r["count"].as_int64(), id);
        }
        items.push_back({&item, std::move(r), false});
    }
    ASSERT_TRUE(store->Batch(std::move(items)));
    std::vector<std::string> statements;
    auto list = [&](const char* needle, bool by_count, int page) {
        query::Query q;
        q.filter = Cmp(item, "title", Op::kEq, value(needle));
        q.matching = query::Matching::kContains;
        if (by_count) {
            q.sort = {{item.FindField("count"), false}};
        }
        q.page = page;
        q.page_size = 10;
        q.count = query::CountMode::kNone;
        statements.clear();
        store->SetStatementObserverForTest([&](std::string_view sql) {
            if (sql.find("SELECT \"_rowid\", \"id\"") != std::string::npos ||
                sql.find("SELECT \"id\",") != std::string::npos) {
                statements.emplace_back(sql.find("MATCH") != std::string::npos ? "candidates"
                                                                                : "walk");
            }
        });
        auto result = store->List(item, q);
        store->SetStatementObserverForTest(nullptr);
        EXPECT_TRUE(result) << result.error().message;
        return result ? Ids(*result) : std::vector<std::string>{};
    };
    // Common (a third of the rows): the walk answers, in id order and in count order.
    std::vector<std::string> by_id;
    for (const auto& [count, id] : common) {
        by_id.push_back(id);
    }
    std::sort(by_id.begin(), by_id.end());
    EXPECT_EQ(list("jazz", false, 3), std::vector<std::string>(by_id.begin() + 20, by_id.begin() + 30));
    EXPECT_EQ(statements, (std::vector<std::string>{"walk"}));
    std::sort(common.begin(), common.end());
    std::vector<std::string> by_count;
    for (const auto& [count, id] : common) {
        by_count.push_back(id);
    }
    EXPECT_EQ(list("JAZZ", true, 2),
              std::vector<std::string>(by_count.begin() + 10, by_count.begin() + 20));
    EXPECT_EQ(statements, (std::vector<std::string>{"walk"}));
    // Rare (3 rows): the walk passes its budget; the candidates answer.
    EXPECT_EQ(list("xylophonic", false, 1), rare);
    EXPECT_EQ(statements, (std::vector<std::string>{"walk", "candidates"}));
}

}  // namespace
}  // namespace ea::store::testing
