// DocumentStore::Append on SQLite: the direct INSERT path of a plain log table stores exactly what
// Create stores (and what the default path, the one PostgreSQL takes, stores), in one
// transaction without reading anything back; an entity with a search index keeps it through the
// default path; bad rows are refused whole.
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "common/ids.hpp"
#include "store/document_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_test_util.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::store::testing {
namespace {

using Cell = DocumentStore::Cell;

constexpr const char* kLogSchema = R"yaml(
Log:
  search_index: false
  fields:
    text: {type: String}
    count: {type: Integer}
    ratio: {type: Number}
    flag: {type: Boolean}
    tags: {type: "Array[String]"}
    at: {type: Datetime}
    data: {type: JSON}
Note:
  fields:
    body: {type: String}
)yaml";

// Every call but Append goes to `inner`, so Append is DocumentStore's default (Batch of creates).
class DefaultAppendStore final : public DocumentStore {
public:
    explicit DefaultAppendStore(DocumentStore& inner) : inner_(inner) {}
    Result<ListResult> List(const schema::Entity& e, const query::Query& q) override {
        return inner_.List(e, q);
    }
    Result<Record> Get(const schema::Entity& e, std::string_view id) override {
        return inner_.Get(e, id);
    }
    Result<GetResult> GetWithView(const schema::Entity& e, std::string_view id,
                                  const std::vector<query::ViewSpec>& view) override {
        return inner_.GetWithView(e, id, view);
    }
    Result<Record> Create(const schema::Entity& e, const Record& r) override {
        return inner_.Create(e, r);
    }
    Result<Record> Replace(const schema::Entity& e, std::string_view id, const Record& r) override {
        return inner_.Replace(e, id, r);
    }
    Result<Record> Update(const schema::Entity& e, std::string_view id, const Merge& m) override {
        return inner_.Update(e, id, m);
    }
    Result<Record> Delete(const schema::Entity& e, std::string_view id) override {
        return inner_.Delete(e, id);
    }
    Result<Record> DeleteIf(const schema::Entity& e, std::string_view id, const Check& c) override {
        return inner_.DeleteIf(e, id, c);
    }
    Result<std::vector<Record>> Batch(std::vector<BatchItem> items) override {
        return inner_.Batch(std::move(items));
    }
    Result<std::vector<EntityCount>> Count() override { return inner_.Count(); }
    Status Ping() override { return inner_.Ping(); }
    Status Reset() override { return inner_.Reset(); }
    std::string_view backend() const override { return inner_.backend(); }

private:
    DocumentStore& inner_;
};

class AppendTest : public ::testing::Test {
protected:
    void SetUp() override {
        schema_ = ea::testing::SchemaFromText(kLogSchema);
        log_ = schema_->FindEntity("Log");
        note_ = schema_->FindEntity("Note");
        ASSERT_NE(log_, nullptr);
        ASSERT_NE(note_, nullptr);
    }

    DocumentStorePtr Open(const std::string& name) {
        auto opened = OpenStore(StoreConfig{"sqlite://" + (dir_ / name).string()}, *schema_);
        EXPECT_TRUE(opened) << opened.error().message;
        return opened ? *std::move(opened) : nullptr;
    }

    // Every row of `entity`, oldest id first.
    std::vector<Record> Rows(DocumentStore& store, const schema::Entity& entity) {
        query::Query q;
        q.sort.push_back({entity.FindField("id"), false});
        q.page_size = 100;
        auto listed = store.List(entity, q);
        EXPECT_TRUE(listed) << listed.error().message;
        return listed ? listed->rows : std::vector<Record>{};
    }

    // Two Log rows in field order: one with every value, one with nulls and empty text.
    std::vector<Cell> LogCells(const std::string& id1, const std::string& id2) {
        std::vector<Cell> out;
        for (const auto& field : log_->fields()) {
            const std::string& n = field.name;
            if (n == "id") {
                out.emplace_back(std::string_view(id1));
            } else if (n == "createdAt" || n == "updatedAt" || n == "at") {
                out.emplace_back(std::string_view("2025-06-01T12:00:01.250Z"));
            } else if (n == "text") {
                out.emplace_back(std::string_view("a \"quoted\" line\nand é"));
            } else if (n == "count") {
                out.emplace_back(std::int64_t{42});
            } else if (n == "ratio") {
                out.emplace_back(0.125);
            } else if (n == "flag") {
                out.emplace_back(std::int64_t{1});
            } else if (n == "tags") {
                out.emplace_back(std::string_view(R"(["x","y \"z\""])"));
            } else if (n == "data") {
                out.emplace_back(std::string_view(R"({"k":[1,2.5,null]})"));
            } else {
                ADD_FAILURE() << "unexpected field " << n;
                out.emplace_back(nullptr);
            }
        }
        for (const auto& field : log_->fields()) {
            const std::string& n = field.name;
            if (n == "id") {
                out.emplace_back(std::string_view(id2));
            } else if (n == "createdAt" || n == "updatedAt") {
                out.emplace_back(std::string_view("2025-06-01T12:00:02.000Z"));
            } else if (n == "text") {
                out.emplace_back(std::string_view(""));
            } else if (n == "count") {
                out.emplace_back(std::int64_t{0});
            } else {
                out.emplace_back(nullptr);
            }
        }
        return out;
    }

    ea::testing::TempDir dir_;
    schema::SchemaPtr schema_;
    const schema::Entity* log_ = nullptr;
    const schema::Entity* note_ = nullptr;
};

TEST_F(AppendTest, AppendedRowsReadBackAsCreateAndTheDefaultPathStoreThem) {
    const std::string id1 = NewId();
    const std::string id2 = NewId();
    const auto cells = LogCells(id1, id2);

    auto direct = Open("direct.db");
    ASSERT_TRUE(direct->Append(*log_, cells));

    auto plain = Open("default.db");
    DefaultAppendStore by_default(*plain);
    ASSERT_TRUE(by_default.Append(*log_, cells));

    auto created = Open("created.db");
    Record first = boost::json::parse(R"({"text": "a \"quoted\" line\nand é", "count": 42,
        "ratio": 0.125, "flag": true, "tags": ["x", "y \"z\""], "at": "2025-06-01T12:00:01.250Z",
        "data": {"k": [1, 2.5, null]}, "createdAt": "2025-06-01T12:00:01.250Z",
        "updatedAt": "2025-06-01T12:00:01.250Z"})")
                       .as_object();
    first["id"] = id1;
    Record second = boost::json::parse(R"({"text": "", "count": 0,
        "createdAt": "2025-06-01T12:00:02.000Z", "updatedAt": "2025-06-01T12:00:02.000Z"})")
                        .as_object();
    second["id"] = id2;
    ASSERT_TRUE(created->Create(*log_, first));
    ASSERT_TRUE(created->Create(*log_, second));

    const auto expected = Rows(*created, *log_);
    ASSERT_EQ(expected.size(), 2u);
    EXPECT_EQ(expected[0].at("flag"), boost::json::value(true));  // the comparison means something
    EXPECT_EQ(expected[0].at("tags").as_array().size(), 2u);
    EXPECT_EQ(Rows(*direct, *log_), expected);
    EXPECT_EQ(Rows(by_default, *log_), expected);
}

TEST_F(AppendTest, ThePlainLogPathRunsOneInsertPerRowAndReadsNothingBack) {
    auto store = Open("s.db");
    auto* sqlite = dynamic_cast<sqlite::SqliteStore*>(store.get());
    ASSERT_NE(sqlite, nullptr);
    std::vector<std::string> statements;
    sqlite->SetStatementObserverForTest(
        [&](std::string_view sql) { statements.emplace_back(sql); });
    ASSERT_TRUE(store->Append(*log_, LogCells(NewId(), NewId())));
    sqlite->SetStatementObserverForTest(nullptr);
    ASSERT_EQ(statements.size(), 4u);
    EXPECT_EQ(statements[0], "BEGIN IMMEDIATE");
    EXPECT_EQ(statements[1].rfind("INSERT INTO \"Log\"", 0), 0u) << statements[1];
    EXPECT_EQ(statements[2], statements[1]);
    EXPECT_EQ(statements[3], "COMMIT");
}

// 38 rows: two steps of the 16-row INSERT, then six of the one-row INSERT; each row bound to its
// own placeholders (the pairs alternate a full row and one of nulls, so a shifted binding shows).
TEST_F(AppendTest, ManyRowsTakeOneStepPerSixteenAndReadBackAsTheDefaultPathStoresThem) {
    std::vector<std::string> ids;
    for (int i = 0; i < 38; ++i) {
        ids.push_back(NewId());
    }
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < ids.size(); i += 2) {
        const auto pair = LogCells(ids[i], ids[i + 1]);
        cells.insert(cells.end(), pair.begin(), pair.end());
    }
    auto direct = Open("direct.db");
    auto* sqlite = dynamic_cast<sqlite::SqliteStore*>(direct.get());
    ASSERT_NE(sqlite, nullptr);
    std::vector<std::string> statements;
    sqlite->SetStatementObserverForTest(
        [&](std::string_view sql) { statements.emplace_back(sql); });
    ASSERT_TRUE(direct->Append(*log_, cells));
    sqlite->SetStatementObserverForTest(nullptr);
    ASSERT_EQ(statements.size(), 10u);
    EXPECT_EQ(statements[0], "BEGIN IMMEDIATE");
    EXPECT_EQ(statements[1], statements[2]);
    EXPECT_NE(statements[1].find("), ("), std::string::npos) << statements[1];
    for (std::size_t i = 3; i < 9; ++i) {
        EXPECT_EQ(statements[i].rfind("INSERT INTO \"Log\"", 0), 0u) << statements[i];
        EXPECT_EQ(statements[i].find("), ("), std::string::npos) << statements[i];
    }
    EXPECT_EQ(statements[9], "COMMIT");

    auto plain = Open("default.db");
    DefaultAppendStore by_default(*plain);
    ASSERT_TRUE(by_default.Append(*log_, cells));
    const auto expected = Rows(*plain, *log_);
    ASSERT_EQ(expected.size(), 38u);
    EXPECT_EQ(expected[0].at("count"), boost::json::value(42));
    EXPECT_EQ(expected[1].at("count"), boost::json::value(0));
    EXPECT_EQ(Rows(*direct, *log_), expected);
}

TEST_F(AppendTest, ATakenIdInAMultiRowStepRefusesTheWholeCall) {
    auto store = Open("s.db");
    const std::string taken = NewId();
    ASSERT_TRUE(store->Append(*log_, LogCells(taken, NewId())));
    std::vector<std::string> ids;
    for (int i = 0; i < 32; ++i) {
        ids.push_back(i == 21 ? taken : NewId());  // in the second 16-row step
    }
    std::vector<Cell> cells;
    for (std::size_t i = 0; i < ids.size(); i += 2) {
        const auto pair = LogCells(ids[i], ids[i + 1]);
        cells.insert(cells.end(), pair.begin(), pair.end());
    }
    auto again = store->Append(*log_, cells);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_EQ(Rows(*store, *log_).size(), 2u) << "the first 16-row step was kept";
}

TEST_F(AppendTest, ATakenIdRefusesTheWholeCallAndStoresNothingOfIt) {
    auto store = Open("s.db");
    const std::string taken = NewId();
    ASSERT_TRUE(store->Append(*log_, LogCells(taken, NewId())));
    auto again = store->Append(*log_, LogCells(NewId(), taken));  // the first row is new
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_EQ(Rows(*store, *log_).size(), 2u) << "the call's first row was kept";
}

TEST_F(AppendTest, MalformedRowsAreRefusedWithAClearError) {
    auto store = Open("s.db");
    auto cells = LogCells(NewId(), NewId());
    cells.pop_back();
    auto short_row = store->Append(*log_, cells);
    ASSERT_FALSE(short_row);
    EXPECT_EQ(short_row.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(short_row.error().message.find("one value per field"), std::string::npos);

    auto bad_id = store->Append(*log_, LogCells("not a valid id!", NewId()));
    ASSERT_FALSE(bad_id);
    EXPECT_EQ(bad_id.error().code, ErrorCode::kValidationFailed);
    EXPECT_TRUE(Rows(*store, *log_).empty());
}

TEST_F(AppendTest, AnEntityWithASearchIndexKeepsItThroughTheDefaultPath) {
    auto store = Open("s.db");
    ASSERT_TRUE(note_->FindField("body")->is_search_indexed());
    std::vector<Cell> cells;
    const std::string id = NewId();
    for (const auto& field : note_->fields()) {
        if (field.name == "id") {
            cells.emplace_back(std::string_view(id));
        } else if (field.name == "body") {
            cells.emplace_back(std::string_view("jazz night downtown"));
        } else {
            cells.emplace_back(std::string_view("2025-06-01T12:00:00.000Z"));
        }
    }
    ASSERT_TRUE(store->Append(*note_, cells));
    query::Query q;
    q.filter = Cmp(*note_, "body", query::Op::kEq, boost::json::value("night"));
    q.matching = query::Matching::kContains;
    q.count = query::CountMode::kExact;
    auto found = store->List(*note_, q);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(Ids(*found), std::vector<std::string>{id});
}

}  // namespace
}  // namespace ea::store::testing
