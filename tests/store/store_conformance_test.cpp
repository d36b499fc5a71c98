// The store's behaviour suite, run against every backend: SQLite files in a TempDir and a fresh
// database per test on a real PostgreSQL server (tests/testing/postgres_server.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>
#include <map>
#include <set>

#include "store/search/word_similarity.hpp"
#include "store_test_util.hpp"

namespace ea::store::testing {
namespace {

using boost::json::value;
using query::Matching;
using query::Op;

value J(std::string_view json) { return boost::json::parse(json); }

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        auto opened = OpenStore(StoreConfig{StoreUrl(GetParam(), dir_)}, schema());
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
    }

    static const schema::Schema& schema() { return StoreTestSchema(); }
    static const schema::Entity& E(std::string_view name) { return *schema().FindEntity(name); }

    Record MustCreate(std::string_view entity, std::string_view json) {
        auto created = store_->Create(E(entity), MakeRecord(json));
        EXPECT_TRUE(created) << json << ": " << created.error().message;
        return created ? *created : Record{};
    }

    // Ids matching `filter`, in the store's default order (id ascending).
    std::vector<std::string> Find(std::string_view entity, query::FilterPtr filter,
                                  Matching matching = Matching::kExact, double threshold = 0.3) {
        query::Query q;
        q.filter = std::move(filter);
        q.matching = matching;
        q.fuzzy_threshold = threshold;
        q.page_size = query::kMaxPageSize;
        auto result = store_->List(E(entity), q);
        EXPECT_TRUE(result) << result.error().message;
        return result ? Ids(*result) : std::vector<std::string>{};
    }

    // Four items with distinct values, i4 all null; owners o1 (i1, i2) and o2 (i3).
    void SeedItems() {
        MustCreate("Owner", R"({"id": "o1", "name": "Olivia", "password": "hash1", "level": 1})");
        MustCreate("Owner", R"({"id": "o2", "name": "oscar", "password": "hash2", "level": 2})");
        MustCreate("Item", R"({"id": "i1", "title": "Alpha Concert", "note": "100% sure",
            "kind": "alpha", "count": 1, "price": 1.5, "cost": 10.25, "flag": true,
            "day": "2024-01-01", "at": "2024-01-01T10:00:00.000Z", "data": {"a": 1},
            "tags": ["music", "outdoor"], "nums": [1, 2], "ownerId": "o1"})");
        MustCreate("Item", R"({"id": "i2", "title": "beta fair", "note": "under_score",
            "kind": "beta", "count": 2, "price": 2.5, "cost": 20.5, "flag": false,
            "day": "2024-02-01", "at": "2024-02-01T00:00:00.000Z", "data": {"b": [true, null]},
            "tags": ["food"], "nums": [3], "ownerId": "o1"})");
        MustCreate("Item", R"({"id": "i3", "title": "Gamma Gala", "note": "back\\slash",
            "kind": "gamma", "count": 3, "price": 3.5, "cost": 30.0, "flag": true,
            "day": "2024-03-01", "at": "2024-03-01T23:59:59.999Z", "data": {},
            "tags": [], "nums": [2, 3], "ownerId": "o2"})");
        MustCreate("Item", R"({"id": "i4"})");
    }

    ea::testing::TempDir dir_;
    DocumentStorePtr store_;
};

// ---- Round trips ---------------------------------------------------------------------------

TEST_P(StoreConformanceTest, CreateThenGetRoundTripsEveryFieldType) {
    SeedItems();
    auto item = store_->Get(E("Item"), "i1");
    ASSERT_TRUE(item) << item.error().message;
    EXPECT_EQ(item->at("title"), value("Alpha Concert"));
    EXPECT_EQ(item->at("count"), value(1));
    EXPECT_DOUBLE_EQ(item->at("price").as_double(), 1.5);
    EXPECT_DOUBLE_EQ(item->at("cost").as_double(), 10.25);
    EXPECT_EQ(item->at("flag"), value(true));
    EXPECT_EQ(item->at("day"), value("2024-01-01"));
    EXPECT_EQ(item->at("at"), value("2024-01-01T10:00:00.000Z"));
    EXPECT_EQ(item->at("data"), J(R"({"a": 1})"));
    EXPECT_EQ(item->at("tags"), J(R"(["music", "outdoor"])"));
    EXPECT_EQ(item->at("nums"), J("[1, 2]"));
    EXPECT_EQ(item->at("ownerId"), value("o1"));
    EXPECT_TRUE(item->at("parentId").is_null());
    EXPECT_EQ(item->at("createdAt"), value("2026-01-01T00:00:00.000Z"));

    auto empty = store_->Get(E("Item"), "i4");
    ASSERT_TRUE(empty);
    for (const char* field : {"title", "count", "price", "flag", "day", "data", "tags"}) {
        EXPECT_TRUE(empty->at(field).is_null()) << field;
    }
    auto i2 = store_->Get(E("Item"), "i2");
    ASSERT_TRUE(i2);
    EXPECT_EQ(i2->at("flag"), value(false));
    EXPECT_EQ(i2->at("data"), J(R"({"b": [true, null]})"));
}

TEST_P(StoreConformanceTest, CreateReturnsTheStoredRecordIncludingWriteOnlyFields) {
    auto owner = MustCreate("Owner", R"({"id": "o1", "name": "Olivia", "password": "$argon2id$x"})");
    EXPECT_EQ(owner.at("id"), value("o1"));
    EXPECT_EQ(owner.at("password"), value("$argon2id$x"));  // the service masks it, not the store
    EXPECT_TRUE(owner.at("level").is_null());
}

// Aggregates answer the same on every backend: types (count an integer, sum of an Integer an
// integer, avg a double, min/max the field's own values), groups ordered by their values with
// nulls first, the filter language, and truncation past max_groups.
TEST_P(StoreConformanceTest, AggregatesAnswerTheSameOnEveryBackend) {
    SeedItems();
    const auto& item = E("Item");
    const auto field = [&](std::string_view name) { return item.FindField(name); };
    query::AggregateQuery grouped;
    grouped.metrics = {{query::AggregateOp::kCount, nullptr, "count"},
                       {query::AggregateOp::kSum, field("count"), "sum_count"},
                       {query::AggregateOp::kAvg, field("price"), "avg_price"},
                       {query::AggregateOp::kMin, field("cost"), "min_cost"}};
    grouped.group_by = {field("ownerId")};
    auto groups = store_->Aggregate(item, grouped);
    ASSERT_TRUE(groups) << groups.error().message;
    ASSERT_EQ(groups->groups.size(), 3u);
    EXPECT_FALSE(groups->truncated);
    const auto& none = groups->groups[0];
    EXPECT_TRUE(none.keys.at(0).is_null());
    EXPECT_EQ(none.values.at(0), value(1));
    EXPECT_TRUE(none.values.at(1).is_null());
    EXPECT_TRUE(none.values.at(2).is_null());
    const auto& o1 = groups->groups[1];
    EXPECT_EQ(o1.keys.at(0), value("o1"));
    EXPECT_EQ(o1.values.at(0), value(2));
    EXPECT_EQ(o1.values.at(1), value(3));
    ASSERT_TRUE(o1.values.at(2).is_double());
    EXPECT_DOUBLE_EQ(o1.values.at(2).as_double(), 2.0);
    EXPECT_DOUBLE_EQ(o1.values.at(3).as_double(), 10.25);
    EXPECT_EQ(groups->groups[2].keys.at(0), value("o2"));
    EXPECT_EQ(groups->groups[2].values.at(1), value(3));

    query::AggregateQuery filtered;
    filtered.filter = Cmp(item, "count", Op::kGte, value(2));
    filtered.metrics = {{query::AggregateOp::kCount, nullptr, "count"},
                        {query::AggregateOp::kMax, field("day"), "max_day"},
                        {query::AggregateOp::kMin, field("title"), "min_title"}};
    auto total = store_->Aggregate(item, filtered);
    ASSERT_TRUE(total) << total.error().message;
    ASSERT_EQ(total->groups.size(), 1u);
    EXPECT_TRUE(total->groups[0].keys.empty());
    EXPECT_EQ(total->groups[0].values.at(0), value(2));
    EXPECT_EQ(total->groups[0].values.at(1), value("2024-03-01"));
    EXPECT_EQ(total->groups[0].values.at(2), value("Gamma Gala")) << "byte order: G < b";

    grouped.max_groups = 2;
    auto cut = store_->Aggregate(item, grouped);
    ASSERT_TRUE(cut) << cut.error().message;
    EXPECT_EQ(cut->groups.size(), 2u);
    EXPECT_TRUE(cut->truncated);
}

// The readiness probe's check: answers on an open store, before and after writes.
TEST_P(StoreConformanceTest, PingAnswersOnAnOpenStore) {
    EXPECT_TRUE(store_->Ping().has_value());
    MustCreate("Owner", R"({"id": "o_ping", "name": "Pat"})");
    EXPECT_TRUE(store_->Ping().has_value());
}

TEST_P(StoreConformanceTest, GetUnknownOrInvalidIdIsNotFound) {
    SeedItems();
    for (const char* id : {"nope", "", "../etc/passwd", "a b", "x'; DROP TABLE \"Item\"; --",
                           "\xff\xfe"}) {
        auto got = store_->Get(E("Item"), id);
        ASSERT_FALSE(got) << id;
        EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << id;
    }
    EXPECT_TRUE(store_->Get(E("Item"), "I1")) << "ids are case-insensitive";
}

TEST_P(StoreConformanceTest, InjectionLookingValuesAreStoredAndMatchedVerbatim) {
    const std::string nasty = R"(Robert'); DROP TABLE "Item"; -- %_\ " ? ?1 $1)";
    Record record = MakeRecord(R"({"id": "x1"})");
    record["title"] = nasty;
    record["tags"] = boost::json::array{value(nasty)};
    ASSERT_TRUE(store_->Create(E("Item"), record));
    auto got = store_->Get(E("Item"), "x1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->at("title"), value(nasty));
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "title", Op::kEq, value(nasty))),
              std::vector<std::string>{"x1"});
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "title", Op::kEq, value(nasty)), Matching::kContains),
              std::vector<std::string>{"x1"});
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "tags", Op::kEq, value(nasty))),
              std::vector<std::string>{"x1"});
    auto counts = store_->Count();
    ASSERT_TRUE(counts);
    EXPECT_EQ(counts->size(), 4u);
}

TEST_P(StoreConformanceTest, OneMebibyteValueRoundTripsAndIsSearchable) {
    std::string big(1 << 20, 'x');
    big.replace(big.size() / 2, 6, "needle");
    Record record = MakeRecord(R"({"id": "big"})");
    record["note"] = big;
    ASSERT_TRUE(store_->Create(E("Item"), record));
    auto got = store_->Get(E("Item"), "big");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->at("note").as_string().size(), big.size());
    EXPECT_EQ(got->at("note"), value(big));
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "note", Op::kEq, value("NEEDLE")), Matching::kContains),
              std::vector<std::string>{"big"});
}

// ---- Filters -------------------------------------------------------------------------------

struct FilterCase {
    const char* field;
    Op op;
    const char* value_json;
    std::vector<std::string> expected;
};

TEST_P(StoreConformanceTest, EveryOperatorOnEveryFieldType) {
    SeedItems();
    using V = std::vector<std::string>;
    const FilterCase cases[] = {
        {"count", Op::kEq, "2", V{"i2"}},
        {"count", Op::kNe, "2", V{"i1", "i3", "i4"}},
        {"count", Op::kGt, "1", V{"i2", "i3"}},
        {"count", Op::kGte, "2", V{"i2", "i3"}},
        {"count", Op::kLt, "3", V{"i1", "i2"}},
        {"count", Op::kLte, "1", V{"i1"}},
        {"count", Op::kIn, "[1, 3]", V{"i1", "i3"}},
        {"count", Op::kNin, "[1, 3]", V{"i2", "i4"}},
        {"count", Op::kExists, "true", V{"i1", "i2", "i3"}},
        {"count", Op::kExists, "false", V{"i4"}},
        {"price", Op::kGt, "2.0", V{"i2", "i3"}},
        {"price", Op::kLte, "2.5", V{"i1", "i2"}},
        {"price", Op::kEq, "3.5", V{"i3"}},
        {"cost", Op::kEq, "20.5", V{"i2"}},
        {"cost", Op::kGte, "20.5", V{"i2", "i3"}},
        {"cost", Op::kIn, "[10.25, 30.0]", V{"i1", "i3"}},
        {"flag", Op::kEq, "true", V{"i1", "i3"}},
        {"flag", Op::kEq, "false", V{"i2"}},
        {"flag", Op::kNe, "true", V{"i2", "i4"}},
        {"flag", Op::kIn, "[false]", V{"i2"}},
        {"day", Op::kGt, R"("2024-01-15")", V{"i2", "i3"}},
        {"day", Op::kLte, R"("2024-02-01")", V{"i1", "i2"}},
        {"day", Op::kIn, R"(["2024-03-01"])", V{"i3"}},
        {"day", Op::kEq, R"("2024-01-01")", V{"i1"}},
        {"at", Op::kGte, R"("2024-02-01T00:00:00.000Z")", V{"i2", "i3"}},
        {"at", Op::kLt, R"("2024-03-01T23:59:59.999Z")", V{"i1", "i2"}},
        {"at", Op::kGt, R"("2024-01-01T09:59:59.999Z")", V{"i1", "i2", "i3"}},
        {"title", Op::kEq, R"("beta fair")", V{"i2"}},
        {"title", Op::kEq, R"("Beta Fair")", V{}},
        {"title", Op::kNe, R"("beta fair")", V{"i1", "i3", "i4"}},
        {"title", Op::kIn, R"(["Alpha Concert", "nothing"])", V{"i1"}},
        {"title", Op::kEq, "null", V{"i4"}},
        {"title", Op::kNe, "null", V{"i1", "i2", "i3"}},
        {"title", Op::kIn, R"(["beta fair", null])", V{"i2", "i4"}},
        {"title", Op::kNin, R"(["beta fair", null])", V{"i1", "i3"}},
        {"title", Op::kNin, R"(["beta fair"])", V{"i1", "i3", "i4"}},
        {"title", Op::kIn, "[]", V{}},
        {"title", Op::kNin, "[]", V{"i1", "i2", "i3", "i4"}},
        {"kind", Op::kEq, R"("beta")", V{"i2"}},
        {"kind", Op::kNin, R"(["alpha"])", V{"i2", "i3", "i4"}},
        {"tags", Op::kEq, R"("food")", V{"i2"}},
        {"tags", Op::kIn, R"(["music", "food"])", V{"i1", "i2"}},
        {"tags", Op::kNe, R"("food")", V{"i1", "i3", "i4"}},
        {"tags", Op::kNin, R"(["music", "food"])", V{"i3", "i4"}},
        {"tags", Op::kExists, "true", V{"i1", "i2", "i3"}},
        {"tags", Op::kEq, "null", V{"i4"}},
        {"nums", Op::kEq, "2", V{"i1", "i3"}},
        {"nums", Op::kGt, "2", V{"i2", "i3"}},
        {"nums", Op::kIn, "[1]", V{"i1"}},
        {"ownerId", Op::kEq, R"("o1")", V{"i1", "i2"}},
        {"ownerId", Op::kNe, R"("o1")", V{"i3", "i4"}},
        {"id", Op::kIn, R"(["i1", "i3"])", V{"i1", "i3"}},
        {"data", Op::kExists, "true", V{"i1", "i2", "i3"}},
        {"createdAt", Op::kLte, R"("2026-01-01T00:00:00.000Z")", V{"i1", "i2", "i3", "i4"}},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(Find("Item", Cmp(E("Item"), c.field, c.op, J(c.value_json))), c.expected)
            << c.field << " op " << static_cast<int>(c.op) << " " << c.value_json;
    }
}

TEST_P(StoreConformanceTest, AndOrCombineAndNest) {
    SeedItems();
    const auto& item = E("Item");
    std::vector<query::FilterPtr> a;
    a.push_back(Cmp(item, "count", Op::kGte, value(2)));
    a.push_back(Cmp(item, "flag", Op::kEq, value(true)));
    EXPECT_EQ(Find("Item", And(std::move(a))), std::vector<std::string>{"i3"});

    std::vector<query::FilterPtr> o;
    o.push_back(Cmp(item, "count", Op::kEq, value(1)));
    o.push_back(Cmp(item, "kind", Op::kEq, value("beta")));
    EXPECT_EQ(Find("Item", Or(std::move(o))), (std::vector<std::string>{"i1", "i2"}));

    std::vector<query::FilterPtr> inner;
    inner.push_back(Cmp(item, "flag", Op::kEq, value(true)));
    inner.push_back(Cmp(item, "count", Op::kGt, value(1)));
    std::vector<query::FilterPtr> outer;
    outer.push_back(And(std::move(inner)));
    outer.push_back(Cmp(item, "title", Op::kEq, nullptr));
    EXPECT_EQ(Find("Item", Or(std::move(outer))), (std::vector<std::string>{"i3", "i4"}));

    EXPECT_EQ(Find("Item", And({})).size(), 4u);
    EXPECT_TRUE(Find("Item", Or({})).empty());
}

TEST_P(StoreConformanceTest, ContainsIsCaseInsensitiveSubstringWithWildcardsLiteral) {
    SeedItems();
    const auto& item = E("Item");
    auto contains = [&](const char* field, const char* needle) {
        return Find("Item", Cmp(item, field, Op::kEq, value(needle)), Matching::kContains);
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(contains("title", "CONCERT"), V{"i1"});
    EXPECT_EQ(contains("title", "a"), (V{"i1", "i2", "i3"}));
    EXPECT_EQ(contains("title", "ga"), V{"i3"});
    EXPECT_EQ(contains("title", "ta fa"), V{"i2"});
    EXPECT_EQ(contains("title", "concerts"), V{});
    EXPECT_EQ(contains("note", "%"), V{"i1"});
    EXPECT_EQ(contains("note", "_"), V{"i2"});
    EXPECT_EQ(contains("note", "\\"), V{"i3"});
    EXPECT_EQ(contains("note", "r_s"), V{"i2"});
    EXPECT_EQ(contains("note", "0% s"), V{"i1"});
    EXPECT_EQ(contains("note", "k\\s"), V{"i3"});
    // Enums match exactly whatever the matching mode says.
    EXPECT_EQ(contains("kind", "alp"), V{});
    EXPECT_EQ(contains("kind", "alpha"), V{"i1"});
    // Exact stays exact.
    EXPECT_EQ(Find("Item", Cmp(item, "title", Op::kEq, value("alpha concert"))), V{});
}

TEST_P(StoreConformanceTest, SearchIndexFollowsUpdatesAndDeletes) {
    SeedItems();
    const auto& item = E("Item");
    auto contains = [&](const char* needle) {
        return Find("Item", Cmp(item, "title", Op::kEq, value(needle)), Matching::kContains);
    };
    auto fuzzy = [&](const char* query) {
        return Find("Item", Cmp(item, "title", Op::kEq, value(query)), Matching::kFuzzy);
    };
    EXPECT_EQ(contains("concert"), std::vector<std::string>{"i1"});
    auto i1 = store_->Get(item, "i1");
    ASSERT_TRUE(i1);
    Record changed = *i1;
    changed["title"] = "Opera Night";
    ASSERT_TRUE(store_->Replace(item, "i1", changed));
    EXPECT_TRUE(contains("concert").empty());
    EXPECT_EQ(contains("opera"), std::vector<std::string>{"i1"});
    EXPECT_EQ(fuzzy("opra"), std::vector<std::string>{"i1"});
    ASSERT_TRUE(store_->Delete(item, "i1"));
    EXPECT_TRUE(contains("opera").empty());
    EXPECT_TRUE(fuzzy("opera").empty());
    MustCreate("Item", R"({"id": "i9", "title": "Opera Night"})");
    EXPECT_EQ(contains("opera"), std::vector<std::string>{"i9"});
}

// Fuzzy results must equal a brute-force word_similarity over every row: the index's candidate
// step may only speed things up, never lose a row. Ordered by similarity, then id.
TEST_P(StoreConformanceTest, FuzzyEqualsBruteForceWordSimilarityInSimilarityOrder) {
    const std::vector<std::string> titles = {
        "Jazz Festival", "jazz fest", "Jaz Festivl", "Rock Concert", "rock concerts in the park",
        "Konzert", "Classical Concerto", "Food Fair", "Street Food Festival", "Farmers Market",
        "Market Day", "Book Fair", "Comic Con", "Concert for Kids", "Kids Art Fair", "Art Walk",
        "Night Market", "Wine Tasting", "Beer Fest", "Beerfest 2024", "Open Mic Night",
        "Poetry Slam", "Film Festival", "Short Film Night", "Gala Dinner", "Charity Gala",
        "Gala", "galas and balls", "A", "ab", "x", "Ünïcödé Fést", "Café Concert", "naïve art",
        "The Marathon", "Half Marathon", "Marathn", "Trail Run", "5k Fun Run", "Fun Fair",
        "", "   ", "!!!", "12345", "Concert 12345", "jazzjazzjazz", "Festival of Lights",
        "Light Show", "Lights", "Tech Conference", "Conference on Jazz"};
    int n = 0;
    for (const auto& title : titles) {
        Record record = MakeRecord("{}");
        record["id"] = "f" + std::string(n < 10 ? "0" : "") + std::to_string(n);
        record["title"] = title;
        ++n;
        ASSERT_TRUE(store_->Create(E("Item"), record));
    }
    MustCreate("Item", R"({"id": "fnull"})");
    const std::vector<std::string> queries = {"concert", "konsert", "jazz festival", "gala",
                                              "marathon", "fest", "a", "", "12345", "cafe",
                                              "ünïcödé", "light", "the", "xyz", "beer fest"};
    for (double threshold : {0.3, 0.5, 0.1, 0.0, 1.0}) {
        for (const auto& q : queries) {
            std::vector<std::pair<double, std::string>> expected;
            for (int i = 0; i < n; ++i) {
                const double sim = search::WordSimilarity(q, titles[static_cast<std::size_t>(i)]);
                if (sim >= threshold) {
                    expected.emplace_back(sim, "f" + std::string(i < 10 ? "0" : "") +
                                                   std::to_string(i));
                }
            }
            std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            std::vector<std::string> expected_ids;
            for (const auto& e : expected) {
                expected_ids.push_back(e.second);
            }
            query::Query query;
            query.filter = Cmp(E("Item"), "title", Op::kEq, value(q));
            query.matching = Matching::kFuzzy;
            query.fuzzy_threshold = threshold;
            EXPECT_EQ(AllIds(*store_, E("Item"), query, 7), expected_ids)
                << "query '" << q << "' threshold " << threshold;
        }
    }
}

// ---- Sort and pages ------------------------------------------------------------------------

TEST_P(StoreConformanceTest, SortsStringsCaseInsensitivelyNullsFirstAscendingLastDescending) {
    MustCreate("Item", R"({"id": "s1", "title": "beta", "count": 2})");
    MustCreate("Item", R"({"id": "s2", "title": "Alpha", "count": 1})");
    MustCreate("Item", R"({"id": "s3", "title": "Gamma"})");
    MustCreate("Item", R"({"id": "s4", "title": "alpha2", "count": 3})");
    MustCreate("Item", R"({"id": "s5"})");
    auto sorted = [&](const char* field, bool descending) {
        query::Query q;
        q.sort.push_back({E("Item").FindField(field), descending});
        auto result = store_->List(E("Item"), q);
        EXPECT_TRUE(result);
        return result ? Ids(*result) : std::vector<std::string>{};
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(sorted("title", false), (V{"s5", "s2", "s4", "s1", "s3"}));
    EXPECT_EQ(sorted("title", true), (V{"s3", "s1", "s4", "s2", "s5"}));
    EXPECT_EQ(sorted("count", false), (V{"s3", "s5", "s2", "s1", "s4"}));
    EXPECT_EQ(sorted("count", true), (V{"s4", "s1", "s2", "s3", "s5"}));
}

TEST_P(StoreConformanceTest, SortsByManyFieldsThenId) {
    MustCreate("Item", R"({"id": "m1", "kind": "beta", "count": 1})");
    MustCreate("Item", R"({"id": "m2", "kind": "alpha", "count": 1})");
    MustCreate("Item", R"({"id": "m3", "kind": "alpha", "count": 5})");
    MustCreate("Item", R"({"id": "m4", "kind": "beta", "count": 1})");
    MustCreate("Item", R"({"id": "m0", "kind": "beta", "count": 9})");
    query::Query q;
    q.sort.push_back({E("Item").FindField("kind"), false});
    q.sort.push_back({E("Item").FindField("count"), true});
    auto result = store_->List(E("Item"), q);
    ASSERT_TRUE(result);
    EXPECT_EQ(Ids(*result), (std::vector<std::string>{"m3", "m2", "m0", "m1", "m4"}));
}

TEST_P(StoreConformanceTest, PagesWithTiesNeverRepeatOrSkipRows) {
    std::set<std::string> all;
    for (int i = 0; i < 53; ++i) {
        Record record = MakeRecord(R"({"kind": "alpha"})");
        record["count"] = i % 2;
        all.insert(std::string(record.at("id").as_string()));
        ASSERT_TRUE(store_->Create(E("Item"), record));
    }
    query::Query q;
    q.sort.push_back({E("Item").FindField("kind"), false});
    q.sort.push_back({E("Item").FindField("count"), false});
    const auto paged = AllIds(*store_, E("Item"), q, 7);
    ASSERT_EQ(paged.size(), 53u);
    EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()), all);
    q.page = 1;
    q.page_size = 1000;
    auto whole = store_->List(E("Item"), q);
    ASSERT_TRUE(whole);
    EXPECT_EQ(Ids(*whole), paged);
    // Within each count the order is by id.
    for (std::size_t i = 1; i < paged.size(); ++i) {
        const auto& a = whole->rows[i - 1];
        const auto& b = whole->rows[i];
        if (a.at("count") == b.at("count")) {
            EXPECT_LT(paged[i - 1], paged[i]);
        }
    }
}

TEST_P(StoreConformanceTest, PageNumbersAndTotals) {
    for (int i = 0; i < 12; ++i) {
        MustCreate("Item", R"({"kind": "beta"})");
    }
    query::Query q;
    q.page_size = 5;
    q.page = 3;
    auto result = store_->List(E("Item"), q);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->rows.size(), 2u);
    EXPECT_EQ(result->page.page, 3);
    EXPECT_EQ(result->page.page_size, 5);
    EXPECT_EQ(result->page.total, 12);
    EXPECT_EQ(result->page.total_pages, 3);
    q.page = 4;
    result = store_->List(E("Item"), q);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->rows.empty());
    EXPECT_EQ(result->page.total, 12);

    q.page = 1;
    q.filter = Cmp(E("Item"), "kind", Op::kEq, value("gamma"));
    result = store_->List(E("Item"), q);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->page.total, 0);
    EXPECT_EQ(result->page.total_pages, 0);
}

TEST_P(StoreConformanceTest, RejectsBadPagesAsInvalidArgument) {
    for (auto [page, size] : {std::pair{0, 10}, {-1, 10}, {1, 0}, {1, 1001}}) {
        query::Query q;
        q.page = page;
        q.page_size = size;
        auto result = store_->List(E("Item"), q);
        ASSERT_FALSE(result) << page << "/" << size;
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    }
    query::Query q;
    q.filter = Cmp(E("Owner"), "name", Op::kEq, value("x"));  // a field of another entity
    auto result = store_->List(E("Item"), q);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, OversizedFiltersAreInvalidArgumentsNotCrashes) {
    SeedItems();
    const auto& item = E("Item");
    query::FilterPtr deep = Cmp(item, "count", Op::kEq, value(1));
    for (int i = 0; i < 10000; ++i) {
        std::vector<query::FilterPtr> one;
        one.push_back(std::move(deep));
        deep = And(std::move(one));
    }
    query::Query q;
    q.filter = std::move(deep);
    auto result = store_->List(item, q);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);

    std::vector<query::FilterPtr> wide;
    for (int i = 0; i < 5000; ++i) {
        wide.push_back(Cmp(item, "count", Op::kNe, value(i)));
    }
    q.filter = And(std::move(wide));
    result = store_->List(item, q);
    if (result) {
        EXPECT_EQ(Ids(*result), std::vector<std::string>{"i4"}) << "a backend may also accept it";
    } else {
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    }

    // A contains needle longer than a backend's pattern limit: a clear answer either way.
    const std::string needle(60000, 'q');
    q.filter = Cmp(item, "title", Op::kEq, value(needle));
    q.matching = Matching::kContains;
    result = store_->List(item, q);
    if (result) {
        EXPECT_TRUE(result->rows.empty());
    } else {
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    }
}

// ---- Views ---------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ViewEmbedsReferencedRecordsAndNullForNullReferences) {
    SeedItems();
    query::Query q;
    const auto& owner = E("Owner");
    q.view.push_back(query::ViewSpec{E("Item").FindField("ownerId"),
                                     {owner.FindField("name"), owner.FindField("password"),
                                      owner.FindField("level")},
                                     "owner"});
    auto result = store_->List(E("Item"), q);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->rows.size(), 4u);
    EXPECT_EQ(result->rows[0].at("owner"),
              J(R"({"exists": true, "id": "o1", "name": "Olivia", "level": 1})"));
    EXPECT_EQ(result->rows[1].at("owner"),
              J(R"({"exists": true, "id": "o1", "name": "Olivia", "level": 1})"));
    EXPECT_EQ(result->rows[2].at("owner"),
              J(R"({"exists": true, "id": "o2", "name": "oscar", "level": 2})"));
    EXPECT_TRUE(result->rows[3].at("owner").is_null());
    EXPECT_TRUE(result->warnings.empty());
}

TEST_P(StoreConformanceTest, GetWithViewEmbedsExactlyAsListDoes) {
    SeedItems();
    const auto& item = E("Item");
    const auto& owner = E("Owner");
    query::Query q;
    q.view.push_back(query::ViewSpec{
        item.FindField("ownerId"), {owner.FindField("id"), owner.FindField("name")}, "owner"});
    q.view.push_back(query::ViewSpec{
        item.FindField("parentId"), {item.FindField("id"), item.FindField("title")}, "parent"});
    auto listed = store_->List(item, q);
    ASSERT_TRUE(listed) << listed.error().message;
    for (const auto& row : listed->rows) {
        const std::string id(row.at("id").as_string());
        auto got = store_->GetWithView(item, id, q.view);
        ASSERT_TRUE(got) << id << ": " << got.error().message;
        EXPECT_EQ(got->record, row) << id;
        EXPECT_TRUE(got->warnings.empty());
    }
    auto one = store_->GetWithView(item, "I3", q.view);  // ids ignore case, as in Get
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(one->record.at("owner"), J(R"({"exists": true, "id": "o2", "name": "oscar"})"));
    EXPECT_TRUE(one->record.at("parent").is_null());
    // No view: the plain record, as Get returns it.
    auto plain = store_->GetWithView(item, "i1", {});
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->record, *store_->Get(item, "i1"));
    EXPECT_FALSE(plain->record.contains("owner"));

    auto missing = store_->GetWithView(item, "nope", q.view);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    // A spec of another entity's field is refused, never looked up.
    const std::vector<query::ViewSpec> foreign = {
        query::ViewSpec{owner.FindField("name"), {owner.FindField("id")}, "name"}};
    auto refused = store_->GetWithView(item, "i1", foreign);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

// ---- Integrity -----------------------------------------------------------------------------

TEST_P(StoreConformanceTest, MissingReferencesAreValidationErrorsNamingEveryField) {
    MustCreate("Item", R"({"id": "p1"})");
    auto created = store_->Create(E("Item"),
                                  MakeRecord(R"({"ownerId": "ghost", "parentId": "nothing"})"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(created.error().fields,
              (std::vector<FieldError>{{"ownerId", "references a missing Owner: ghost"},
                                       {"parentId", "references a missing Item: nothing"}}));
    auto counts = store_->Count();
    ASSERT_TRUE(counts);
    for (const auto& c : *counts) {
        EXPECT_EQ(c.count, c.entity == "Item" ? 1 : 0) << c.entity;
    }
}

TEST_P(StoreConformanceTest, DuplicateUniqueIsConflictNamingTheField) {
    MustCreate("Owner", R"({"id": "o1", "name": "Olivia"})");
    auto dup = store_->Create(E("Owner"), MakeRecord(R"({"name": "Olivia"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
    EXPECT_EQ(dup.error().fields,
              (std::vector<FieldError>{{"name", "an Owner with this name already exists"}}));
    EXPECT_TRUE(store_->Create(E("Owner"), MakeRecord(R"({"name": "olivia"})")))
        << "uniques compare exactly";
}

TEST_P(StoreConformanceTest, CompoundUniqueConflictNamesBothFields) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    MustCreate("Owner", R"({"id": "o2", "name": "B"})");
    MustCreate("Item", R"({"title": "Same", "ownerId": "o1"})");
    MustCreate("Item", R"({"title": "Same", "ownerId": "o2"})");
    MustCreate("Item", R"({"title": "Same"})");
    MustCreate("Item", R"({"title": "Same"})");  // NULL ownerId never collides
    auto dup = store_->Create(E("Item"), MakeRecord(R"({"title": "Same", "ownerId": "o1"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
    EXPECT_EQ(dup.error().fields,
              (std::vector<FieldError>{
                  {"title,ownerId", "an Item with this title and ownerId already exists"}}));
}

TEST_P(StoreConformanceTest, TakenIdIsConflictOnId) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    auto dup = store_->Create(E("Owner"), MakeRecord(R"({"id": "O1", "name": "B"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
    EXPECT_EQ(dup.error().fields,
              (std::vector<FieldError>{{"id", "an Owner with this id already exists"}}));
}

TEST_P(StoreConformanceTest, MissingReferenceIsReportedBeforeDuplicate) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    MustCreate("Item", R"({"id": "i1", "title": "T", "ownerId": "o1"})");
    auto both = store_->Create(E("Item"),
                               MakeRecord(R"({"id": "i1", "title": "T", "parentId": "ghost"})"));
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().code, ErrorCode::kValidationFailed);
}

TEST_P(StoreConformanceTest, ReplaceChecksReferencesAndUniquesExcludingItself) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    MustCreate("Owner", R"({"id": "o2", "name": "B"})");
    auto o1 = store_->Get(E("Owner"), "o1");
    ASSERT_TRUE(o1);
    Record same = *o1;
    same["level"] = 7;
    auto replaced = store_->Replace(E("Owner"), "o1", same);
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_EQ(replaced->at("level"), value(7));
    EXPECT_EQ(replaced->at("name"), value("A"));

    Record clash = *o1;
    clash["name"] = "B";
    auto conflict = store_->Replace(E("Owner"), "o1", clash);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
    EXPECT_EQ(conflict.error().fields.at(0).field, "name");

    Record item = MakeRecord(R"({"id": "i1"})");
    ASSERT_TRUE(store_->Create(E("Item"), item));
    item["ownerId"] = "ghost";
    auto missing = store_->Replace(E("Item"), "i1", item);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(missing.error().fields.at(0).field, "ownerId");

    auto absent = store_->Replace(E("Item"), "nope", item);
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, DeleteRestrictIsConflictNamingTheReference) {
    SeedItems();
    auto deleted = store_->Delete(E("Owner"), "o1");
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().code, ErrorCode::kConflict);
    EXPECT_EQ(deleted.error().message, "Owner o1 is still referenced by Item.ownerId");
    EXPECT_TRUE(store_->Get(E("Owner"), "o1"));
}

TEST_P(StoreConformanceTest, DeleteCascadesAndSetsNullAndReturnsTheRecord) {
    MustCreate("Item", R"({"id": "root", "title": "Root"})");
    MustCreate("Item", R"({"id": "kid", "parentId": "root"})");
    MustCreate("Part", R"({"id": "p1", "itemId": "root", "label": "wheel"})");
    MustCreate("Part", R"({"id": "p2", "itemId": "root"})");
    MustCreate("Part", R"({"id": "p3", "itemId": "kid"})");
    auto deleted = store_->Delete(E("Item"), "root");
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_EQ(deleted->at("title"), value("Root"));
    EXPECT_EQ(store_->Get(E("Item"), "root").error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(store_->Get(E("Part"), "p1"));
    EXPECT_FALSE(store_->Get(E("Part"), "p2"));
    EXPECT_TRUE(store_->Get(E("Part"), "p3"));
    auto kid = store_->Get(E("Item"), "kid");
    ASSERT_TRUE(kid);
    EXPECT_TRUE(kid->at("parentId").is_null());
    auto label = Find("Part", Cmp(E("Part"), "label", Op::kEq, value("wheel")), Matching::kContains);
    EXPECT_TRUE(label.empty()) << "cascaded rows leave the search index too";

    auto again = store_->Delete(E("Item"), "root");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

// A set_null changes the child, so its updatedAt (the version If-Match compares) moves forward:
// to the current time, or 1 ms past a value that is ahead of the clock.
TEST_P(StoreConformanceTest, SetNullMovesTheChildsUpdatedAtForward) {
    MustCreate("Item", R"({"id": "parent"})");
    MustCreate("Item", R"({"id": "past", "parentId": "parent",
        "updatedAt": "2001-01-01T00:00:00.000Z"})");
    MustCreate("Item", R"({"id": "future", "parentId": "parent",
        "updatedAt": "9999-12-31T23:59:59.998Z"})");
    ASSERT_TRUE(store_->Delete(E("Item"), "parent"));
    auto past = store_->Get(E("Item"), "past");
    ASSERT_TRUE(past);
    EXPECT_TRUE(past->at("parentId").is_null());
    const std::string moved(past->at("updatedAt").as_string());
    EXPECT_GT(moved, "2026-01-01T00:00:00.000Z");
    EXPECT_EQ(moved.size(), std::string("2001-01-01T00:00:00.000Z").size());
    EXPECT_EQ(moved.back(), 'Z');
    auto future = store_->Get(E("Item"), "future");
    ASSERT_TRUE(future);
    EXPECT_EQ(future->at("updatedAt"), value("9999-12-31T23:59:59.999Z"));
}

TEST_P(StoreConformanceTest, CascadeBlockedByARestrictedGrandchildChangesNothing) {
    MustCreate("Item", R"({"id": "root"})");
    MustCreate("Item", R"({"id": "kid", "parentId": "root"})");
    MustCreate("Part", R"({"id": "p1", "itemId": "root"})");
    MustCreate("Part", R"({"id": "p2", "itemId": "root"})");
    MustCreate("Pin", R"({"id": "pin", "partId": "p2"})");
    auto deleted = store_->Delete(E("Item"), "root");
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().code, ErrorCode::kConflict);
    EXPECT_EQ(deleted.error().message, "Part p2 is still referenced by Pin.partId");
    EXPECT_TRUE(store_->Get(E("Item"), "root"));
    EXPECT_TRUE(store_->Get(E("Part"), "p1"));
    auto kid = store_->Get(E("Item"), "kid");
    ASSERT_TRUE(kid);
    EXPECT_EQ(kid->at("parentId"), value("root"));
}

// ---- Batch ---------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, BatchIsAllOrNothing) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    std::vector<DocumentStore::BatchItem> items;
    items.push_back({&E("Owner"), MakeRecord(R"({"id": "o2", "name": "B"})"), false});
    items.push_back({&E("Item"), MakeRecord(R"({"id": "b1", "ownerId": "o2"})"), false});
    items.push_back({&E("Owner"), MakeRecord(R"({"id": "o3", "name": "A"})"), false});
    auto result = store_->Batch(std::move(items));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kConflict);
    EXPECT_EQ(result.error().fields,
              (std::vector<FieldError>{{"[2].name", "an Owner with this name already exists"}}));
    EXPECT_FALSE(store_->Get(E("Owner"), "o2"));
    EXPECT_FALSE(store_->Get(E("Item"), "b1"));
    EXPECT_FALSE(store_->Get(E("Owner"), "o3"));
}

TEST_P(StoreConformanceTest, BatchCreatesAndReplacesInOrder) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    auto o1 = store_->Get(E("Owner"), "o1");
    ASSERT_TRUE(o1);
    Record renamed = *o1;
    renamed["name"] = "A2";
    std::vector<DocumentStore::BatchItem> items;
    items.push_back({&E("Owner"), renamed, true});
    items.push_back({&E("Owner"), MakeRecord(R"({"id": "o2", "name": "A"})"), false});
    items.push_back({&E("Item"), MakeRecord(R"({"id": "i1", "ownerId": "o2"})"), false});
    auto result = store_->Batch(std::move(items));
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->size(), 3u);
    EXPECT_EQ((*result)[0].at("name"), value("A2"));
    EXPECT_EQ((*result)[2].at("ownerId"), value("o2"));
    EXPECT_TRUE(store_->Get(E("Item"), "i1"));
}

// ---- Concurrency -------------------------------------------------------------------------

TEST_P(StoreConformanceTest, ConcurrentWritersAndReadersAllSucceed) {
    MustCreate("Owner", R"({"id": "o1", "name": "A"})");
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                Record record = MakeRecord(R"({"ownerId": "o1"})");
                record["title"] = "thread " + std::to_string(t) + " item " + std::to_string(i);
                if (!store_->Create(E("Item"), record)) {
                    ++failures;
                }
                query::Query q;
                q.filter = Cmp(E("Item"), "title", Op::kEq, value("item"));
                q.matching = Matching::kContains;
                q.page_size = 5;
                if (!store_->List(E("Item"), q)) {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(Find("Item", nullptr).size(), 100u);
}

// ---- Update: read-merge-write in one transaction -------------------------------------------

TEST_P(StoreConformanceTest, UpdateMergesTheStoredRecordAndChecksItLikeReplace) {
    SeedItems();
    int calls = 0;
    auto updated = store_->Update(E("Item"), "I1", [&](const Record& existing) -> Result<Record> {
        ++calls;
        EXPECT_EQ(existing.at("title"), value("Alpha Concert"));
        Record next = existing;
        next["count"] = existing.at("count").as_int64() + 41;
        return next;
    });
    ASSERT_TRUE(updated) << updated.error().message;
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(updated->at("count"), value(42));
    EXPECT_EQ(updated->at("id"), value("i1"));
    auto stored = store_->Get(E("Item"), "i1");
    ASSERT_TRUE(stored);
    EXPECT_EQ(*stored, *updated);

    // The merged record is checked as Replace checks it: a missing reference, a taken unique.
    auto dangling = store_->Update(E("Item"), "i1", [](const Record& existing) -> Result<Record> {
        Record next = existing;
        next["ownerId"] = "nobody";
        return next;
    });
    ASSERT_FALSE(dangling);
    EXPECT_EQ(dangling.error().code, ErrorCode::kValidationFailed);
    auto taken = store_->Update(E("Item"), "i2", [](const Record& existing) -> Result<Record> {
        Record next = existing;
        next["title"] = "Alpha Concert";  // (title, ownerId) of i1
        return next;
    });
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
    EXPECT_EQ(store_->Get(E("Item"), "i2")->at("title"), value("beta fair"));
}

TEST_P(StoreConformanceTest, UpdateOfAMissingRecordIsNotFoundWithoutCallingMerge) {
    int calls = 0;
    for (const char* id : {"nope", "a b"}) {
        auto updated = store_->Update(E("Item"), id, [&](const Record& existing) {
            ++calls;
            return Result<Record>(existing);
        });
        ASSERT_FALSE(updated) << id;
        EXPECT_EQ(updated.error().code, ErrorCode::kNotFound) << id;
    }
    EXPECT_EQ(calls, 0);
}

TEST_P(StoreConformanceTest, UpdateReturnsTheMergeErrorAndWritesNothing) {
    SeedItems();
    auto refused = store_->Update(E("Item"), "i1", [](const Record&) -> Result<Record> {
        return Error{ErrorCode::kPreconditionFailed, "stale"};
    });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kPreconditionFailed);
    EXPECT_EQ(refused.error().message, "stale");
    EXPECT_EQ(store_->Get(E("Item"), "i1")->at("count"), value(1));
}

// Each thread increments its own counter field of one record; merge must see the latest
// committed record, so no increment is lost.
TEST_P(StoreConformanceTest, ConcurrentUpdatesOfOneRecordLoseNoChange) {
    MustCreate("Item", R"({"id": "hot", "count": 0, "price": 0, "nums": []})");
    constexpr int kRounds = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (const char* field : {"count", "price"}) {
        threads.emplace_back([&, field] {
            for (int i = 0; i < kRounds; ++i) {
                auto updated = store_->Update(E("Item"), "hot", [&](const Record& existing) {
                    Record next = existing;
                    next[field] = existing.at(field).to_number<double>() + 1;
                    if (std::string_view(field) == "count") {
                        next[field] = static_cast<std::int64_t>(existing.at(field).as_int64() + 1);
                    }
                    return Result<Record>(std::move(next));
                });
                if (!updated) {
                    ++failures;
                }
            }
        });
    }
    // A third writer appends to an array field while the others run.
    threads.emplace_back([&] {
        for (int i = 0; i < kRounds; ++i) {
            auto updated = store_->Update(E("Item"), "hot", [&](const Record& existing) {
                Record next = existing;
                next["nums"].as_array().push_back(i);
                return Result<Record>(std::move(next));
            });
            if (!updated) {
                ++failures;
            }
        }
    });
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    auto hot = store_->Get(E("Item"), "hot");
    ASSERT_TRUE(hot);
    EXPECT_EQ(hot->at("count"), value(kRounds));
    EXPECT_DOUBLE_EQ(hot->at("price").to_number<double>(), kRounds);
    EXPECT_EQ(hot->at("nums").as_array().size(), static_cast<std::size_t>(kRounds));
}

TEST_P(StoreConformanceTest, DeleteIfDeletesOnlyWhenTheCheckPassesOnTheStoredRecord) {
    SeedItems();
    auto refused = store_->DeleteIf(E("Item"), "i1", [](const Record& existing) -> Status {
        EXPECT_EQ(existing.at("title"), value("Alpha Concert"));
        return Error{ErrorCode::kPreconditionFailed, "stale"};
    });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kPreconditionFailed);
    EXPECT_TRUE(store_->Get(E("Item"), "i1"));

    auto deleted = store_->DeleteIf(E("Item"), "i1", [](const Record&) { return Ok(); });
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_EQ(deleted->at("id"), value("i1"));
    EXPECT_FALSE(store_->Get(E("Item"), "i1"));
    auto missing = store_->DeleteIf(E("Item"), "i1", [](const Record&) { return Ok(); });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, BatchReplaceWithMergeReadsTheRecordInsideTheBatch) {
    MustCreate("Owner", R"({"id": "o1", "name": "A", "level": 1})");
    std::vector<DocumentStore::BatchItem> items;
    auto bump = [](const Record& existing) {
        Record next = existing;
        next["level"] = existing.at("level").as_int64() + 1;
        return Result<Record>(std::move(next));
    };
    // Two merges of one record in one batch: the second sees the first's write.
    items.push_back({&E("Owner"), Record{{"id", "o1"}}, true, bump});
    items.push_back({&E("Owner"), Record{{"id", "o1"}}, true, bump});
    auto result = store_->Batch(std::move(items));
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->size(), 2u);
    EXPECT_EQ((*result)[1].at("level"), value(3));
    EXPECT_EQ(store_->Get(E("Owner"), "o1")->at("name"), value("A"));

    std::vector<DocumentStore::BatchItem> failing;
    failing.push_back({&E("Owner"), Record{{"id", "o1"}}, true, bump});
    failing.push_back({&E("Owner"), Record{{"id", "missing"}}, true, bump});
    auto failed = store_->Batch(std::move(failing));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(failed.error().message, ::testing::StartsWith("[1] "));
    EXPECT_EQ(store_->Get(E("Owner"), "o1")->at("level"), value(3));
}

// ---- Limits --------------------------------------------------------------------------------

// A limit far below any real query's run time (1 us) makes the outcome certain without a
// sleep: the store checks the clock every thousand virtual-machine steps, and scanning a few
// hundred rows takes many thousands.
TEST_P(StoreConformanceTest, ListPastTheQueryTimeoutFailsNamingTheLimit) {
    std::vector<DocumentStore::BatchItem> items;
    for (int i = 0; i < 300; ++i) {
        Record record = MakeRecord("{}");
        record["title"] = "seeded item number " + std::to_string(i);
        items.push_back({&E("Item"), std::move(record), false});
    }
    ASSERT_TRUE(store_->Batch(std::move(items)));
    auto fuzzy_query = [] {
        query::Query q;
        q.filter = Cmp(E("Item"), "title", Op::kEq, value("numbr sededd"));
        q.matching = Matching::kFuzzy;
        return q;
    };

    StoreConfig strict{StoreUrl(GetParam(), dir_)};
    strict.query_timeout = std::chrono::microseconds(1);
    auto limited = OpenStore(strict, schema());
    ASSERT_TRUE(limited) << limited.error().message;
    auto timed_out = (*limited)->List(E("Item"), fuzzy_query());
    ASSERT_FALSE(timed_out);
    EXPECT_EQ(timed_out.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(timed_out.error().message,
              "the query took longer than the 1 us limit (limits.query_timeout_ms); narrow the "
              "filter or the search");
    // The connection is fine afterwards: point reads and writes still work.
    EXPECT_TRUE((*limited)->Create(E("Item"), MakeRecord(R"({"id": "after"})")));
    EXPECT_TRUE((*limited)->Get(E("Item"), "after"));

    StoreConfig roomy{StoreUrl(GetParam(), dir_)};
    roomy.query_timeout = std::chrono::seconds(60);
    auto relaxed = OpenStore(roomy, schema());
    ASSERT_TRUE(relaxed);
    auto answered = (*relaxed)->List(E("Item"), fuzzy_query());
    ASSERT_TRUE(answered) << answered.error().message;
    auto unlimited = store_->List(E("Item"), fuzzy_query());
    ASSERT_TRUE(unlimited) << unlimited.error().message;
    EXPECT_GT(unlimited->page.total, 0);
    EXPECT_EQ(Ids(*answered), Ids(*unlimited));
}

// ---- Count and Reset -----------------------------------------------------------------------

TEST_P(StoreConformanceTest, CountAndReset) {
    SeedItems();
    auto counts = store_->Count();
    ASSERT_TRUE(counts);
    std::map<std::string, std::int64_t> by_name;
    for (const auto& c : *counts) {
        by_name[c.entity] = c.count;
    }
    EXPECT_EQ(by_name, (std::map<std::string, std::int64_t>{
                           {"Owner", 2}, {"Item", 4}, {"Part", 0}, {"Pin", 0}}));
    ASSERT_TRUE(store_->Reset());
    counts = store_->Count();
    ASSERT_TRUE(counts);
    for (const auto& c : *counts) {
        EXPECT_EQ(c.count, 0) << c.entity;
    }
    MustCreate("Item", R"({"id": "after", "title": "after reset"})");
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "title", Op::kEq, value("reset")), Matching::kContains),
              std::vector<std::string>{"after"});
    EXPECT_EQ(Find("Item", Cmp(E("Item"), "title", Op::kEq, value("resett")), Matching::kFuzzy),
              std::vector<std::string>{"after"});
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                             return BackendName(param_info.param);
                         });

}  // namespace
}  // namespace ea::store::testing
