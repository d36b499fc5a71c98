// BuildListQuery: the one list normalisation both faces call. Defaults per face, page bounds from
// JSON integers and from text, match modes, and the filter, sort and view forms.
#include "query/list_query.hpp"

#include <string>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::Thing;

Error ErrorOf(const ListArguments& arguments, const ListDefaults& defaults = kMcpListDefaults) {
    auto query = BuildListQuery(Thing(), arguments, defaults);
    EXPECT_FALSE(query.has_value());
    return query ? Error{} : query.error();
}

TEST(BuildListQueryTest, EachFaceHasItsDefaults) {
    const auto rest = BuildListQuery(Thing(), {}, kRestListDefaults);
    ASSERT_TRUE(rest.has_value()) << rest.error().message;
    EXPECT_EQ(rest->matching, Matching::kContains);
    EXPECT_EQ(rest->page, 1);
    EXPECT_EQ(rest->page_size, 25);
    EXPECT_EQ(rest->filter, nullptr);
    EXPECT_TRUE(rest->sort.empty());
    EXPECT_TRUE(rest->view.empty());
    const auto mcp = BuildListQuery(Thing(), {}, kMcpListDefaults);
    ASSERT_TRUE(mcp.has_value()) << mcp.error().message;
    EXPECT_EQ(mcp->matching, Matching::kExact);
    EXPECT_EQ(mcp->page_size, 25);
    const auto small = BuildListQuery(Thing(), {}, ListDefaults{Matching::kFuzzy, 10, 50});
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->matching, Matching::kFuzzy);
    EXPECT_EQ(small->page_size, 10);
}

TEST(BuildListQueryTest, PagesFromJsonIntegersAndFromText) {
    ListArguments arguments;
    arguments.page = 3;
    arguments.page_size = "1000";
    const auto query = BuildListQuery(Thing(), arguments, kMcpListDefaults);
    ASSERT_TRUE(query.has_value()) << query.error().message;
    EXPECT_EQ(query->page, 3);
    EXPECT_EQ(query->page_size, 1000);

    struct Bad {
        json::value page;
        json::value page_size;
        std::string field;
        std::string message;
    };
    const Bad cases[] = {
        {0, nullptr, "page", "page: must be between 1 and 1000000000, got 0"},
        {"abc", nullptr, "page", "page: must be an integer, got 'abc'"},
        {"1.5", nullptr, "page", "must be an integer"},
        {"1e3", nullptr, "page", "must be an integer"},
        {"", nullptr, "page", "must be an integer, got ''"},
        {1.0, nullptr, "page", "page: must be an integer, got 1"},
        {true, nullptr, "page", "must be an integer"},
        {nullptr, 1001, "pageSize", "pageSize: must be between 1 and 1000, got 1001"},
        {nullptr, "-5", "pageSize", "must be between 1 and 1000, got -5"},
        {nullptr, "99999999999999999999", "pageSize", "must be between 1 and 1000"},
        {nullptr, json::value(18446744073709551615ULL), "pageSize", "must be between 1 and 1000"},
        {nullptr, json::array{5}, "pageSize", "must be an integer, got [5]"},
    };
    for (const auto& c : cases) {
        ListArguments bad;
        bad.page = c.page;
        bad.page_size = c.page_size;
        const Error error = ErrorOf(bad);
        EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
        EXPECT_NE(error.message.find(c.message), std::string::npos) << error.message;
        ASSERT_EQ(error.fields.size(), 1u) << error.message;
        EXPECT_EQ(error.fields[0].field, c.field);
    }
    ListArguments capped;
    capped.page_size = 51;
    const Error error = ErrorOf(capped, ListDefaults{Matching::kExact, 25, 50});
    EXPECT_NE(error.message.find("must be between 1 and 50"), std::string::npos) << error.message;
}

TEST(BuildListQueryTest, MatchModesInAnyCase) {
    for (const auto& [text, mode] :
         {std::pair{"exact", Matching::kExact}, std::pair{"Contains", Matching::kContains},
          std::pair{"FUZZY", Matching::kFuzzy}}) {
        ListArguments arguments;
        arguments.filter_matching = text;
        const auto query = BuildListQuery(Thing(), arguments, kRestListDefaults);
        ASSERT_TRUE(query.has_value()) << text;
        EXPECT_EQ(query->matching, mode) << text;
    }
    ListArguments bad;
    bad.filter_matching = "sloppy";
    const Error error = ErrorOf(bad);
    EXPECT_EQ(error.message, "filter_matching: must be exact, contains or fuzzy, got \"sloppy\"");
    EXPECT_EQ(error.fields.at(0).field, "filter_matching");
}

// count: how the total is obtained; auto when absent, on both faces.
TEST(BuildListQueryTest, CountModesInAnyCaseWithAutoByDefault) {
    EXPECT_EQ(BuildListQuery(Thing(), {}, kRestListDefaults)->count, CountMode::kAuto);
    EXPECT_EQ(BuildListQuery(Thing(), {}, kMcpListDefaults)->count, CountMode::kAuto);
    for (const auto& [text, mode] :
         {std::pair{"auto", CountMode::kAuto}, std::pair{"Exact", CountMode::kExact},
          std::pair{"ESTIMATED", CountMode::kEstimated}, std::pair{"none", CountMode::kNone}}) {
        ListArguments arguments;
        arguments.count = text;
        const auto query = BuildListQuery(Thing(), arguments, kMcpListDefaults);
        ASSERT_TRUE(query.has_value()) << text;
        EXPECT_EQ(query->count, mode) << text;
    }
    for (const json::value& wrong :
         {json::value("planned"), json::value(""), json::value(1), json::value(true)}) {
        ListArguments bad;
        bad.count = wrong;
        const Error error = ErrorOf(bad);
        EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(error.message.rfind("count: must be auto, exact, estimated or none, got ", 0), 0u)
            << error.message;
        EXPECT_EQ(error.fields.at(0).field, "count");
    }
}

TEST(BuildListQueryTest, FilterSortAndViewInEveryForm) {
    ListArguments json_args;
    json_args.filter = json::parse(R"({"I": {"$gte": 2}})");
    json_args.sort = json::parse(R"([{"field": "S", "direction": "desc"}])");
    json_args.view = json::parse(R"({"other": ["label"], "profile": ["name"]})");
    const auto from_json = BuildListQuery(Thing(), json_args, kMcpListDefaults);
    ASSERT_TRUE(from_json.has_value()) << from_json.error().message;
    EXPECT_EQ(testing::Dump(from_json->filter.get()), "i $gte 2");
    ASSERT_EQ(from_json->sort.size(), 1u);
    EXPECT_EQ(from_json->sort[0].field, Thing().FindField("s"));
    EXPECT_TRUE(from_json->sort[0].descending);
    ASSERT_EQ(from_json->view.size(), 1u);
    EXPECT_EQ(from_json->view[0].reference, Thing().FindField("otherId"));
    ASSERT_EQ(from_json->warnings.size(), 1u);
    EXPECT_EQ(from_json->warnings[0].field, "view");
    EXPECT_TRUE(from_json->warnings[0].message.starts_with(
        "view \"profile\": Thing has no reference \"profile\"; ignored"))
        << from_json->warnings[0].message;

    ListArguments text_args;
    text_args.filter = R"({"i": {"$gte": 2}})";  // JSON text
    text_args.sort = "s:desc,";
    text_args.view = "other(label,)";
    const auto from_text = BuildListQuery(Thing(), text_args, kRestListDefaults);
    ASSERT_TRUE(from_text.has_value()) << from_text.error().message;
    EXPECT_EQ(testing::Dump(from_text->filter.get()), "i $gte 2");
    EXPECT_EQ(from_text->sort.size(), 1u);
    EXPECT_EQ(from_text->view.size(), 1u);
    EXPECT_TRUE(from_text->warnings.empty());

    ListArguments query_text;  // the REST `field:value` form arrives as strings to coerce
    query_text.filter = json::parse(R"({"b": {"$eq": "yes"}})");
    query_text.filter_values = CoerceFrom::kText;
    const auto coerced = BuildListQuery(Thing(), query_text, kRestListDefaults);
    ASSERT_TRUE(coerced.has_value()) << coerced.error().message;
    EXPECT_EQ(testing::Dump(coerced->filter.get()), "b $eq true");
    query_text.filter_values = CoerceFrom::kJson;
    EXPECT_NE(ErrorOf(query_text).message.find("field 'b'"), std::string::npos);

    ListArguments unknown;
    unknown.sort = "nosuch";
    EXPECT_NE(ErrorOf(unknown).message.find("unknown field \"nosuch\" on Thing in sort"),
              std::string::npos);
}

}  // namespace
}  // namespace ea::query
