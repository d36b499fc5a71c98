// ParseSort / ParseSortText: the JSON and REST spellings, and every refusal.
#include "query/sort.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::Thing;

std::string Describe(const std::vector<SortKey>& keys) {
    std::string out;
    for (const auto& key : keys) {
        if (!out.empty()) out += ",";
        out += key.field->name + (key.descending ? ":desc" : ":asc");
    }
    return out;
}

struct Case {
    std::string input;
    std::string expected;  // Describe() when it parses, else a substring of the error
    bool ok;
    std::string field = {};  // expected FieldError::field on error (when not empty)
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.input; }

class ParseSortTextTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParseSortTextTest, ParsesOrExplains) {
    const auto out = ParseSortText(Thing(), GetParam().input);
    if (GetParam().ok) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        EXPECT_EQ(Describe(*out), GetParam().expected);
        return;
    }
    ASSERT_FALSE(out.has_value()) << Describe(*out);
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(GetParam().expected), std::string::npos)
        << out.error().message;
    if (!GetParam().field.empty()) {
        ASSERT_FALSE(out.error().fields.empty());
        EXPECT_EQ(out.error().fields[0].field, GetParam().field);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseSortTextTest,
    ::testing::Values(
        Case{"", "", true}, Case{"  ", "", true}, Case{"s", "s:asc", true},
        Case{"s:desc", "s:desc", true}, Case{"s:DESC", "s:desc", true},
        Case{"s:asc", "s:asc", true}, Case{"s:desc,dt", "s:desc,dt:asc", true},
        Case{"i:asc, n:desc , dt", "i:asc,n:desc,dt:asc", true}, Case{"id:desc", "id:desc", true},
        Case{"createdAt", "createdAt:asc", true},
        Case{"e,b,c,d,otherId", "e:asc,b:asc,c:asc,d:asc,otherId:asc", true},
        Case{"nope", "unknown field \"nope\" on Thing in sort", false, "nope"},
        Case{"S", "s:asc", true}, Case{"OTHERID:DESC,Dt", "otherId:desc,dt:asc", true},
        Case{"ss", "did you mean 's'?", false, "ss"},
        Case{"creatdAt", "did you mean 'createdAt'?", false, "creatdAt"},
        Case{"s:up", "sort on 's': unknown direction \"up\"; use asc or desc", false, "s"},
        Case{"s:", "has an empty direction", false, "sort"},
        Case{"s:desc:asc", "unknown direction \"desc:asc\"", false, "s"},
        Case{"s,s:desc", "field 's' appears twice in sort", false, "s"},
        // Empty items are skipped, as the original API did.
        Case{"s,,i", "s:asc,i:asc", true}, Case{"s,", "s:asc", true}, Case{",s", "s:asc", true},
        Case{" , s:desc , ", "s:desc", true}, Case{",", "", true},
        Case{"j", "field 'j' (JSON) cannot be sorted on", false, "j"},
        Case{"tags:desc", "field 'tags' (Array[String]) cannot be sorted on", false, "tags"},
        Case{"title; DROP TABLE Thing", "unknown field \"title; DROP TABLE Thing\"", false},
        Case{"s desc", "unknown field \"s desc\"", false},
        Case{"$where", "unknown field \"$where\"", false}));

class ParseSortJsonTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParseSortJsonTest, ParsesOrExplains) {
    const auto out = ParseSort(Thing(), json::parse(GetParam().input));
    if (GetParam().ok) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        EXPECT_EQ(Describe(*out), GetParam().expected);
        return;
    }
    ASSERT_FALSE(out.has_value()) << Describe(*out);
    EXPECT_NE(out.error().message.find(GetParam().expected), std::string::npos)
        << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseSortJsonTest,
    ::testing::Values(
        Case{R"([])", "", true}, Case{"null", "", true}, Case{R"([{"field": "s"}])", "s:asc", true},
        Case{R"([{"field": "s", "direction": "desc"}, {"field": "i", "direction": "asc"}])",
             "s:desc,i:asc", true},
        Case{R"([{"field": "s", "direction": "Desc"}])", "s:desc", true},
        Case{R"([{"field": "s", "direction": null}])", "s:asc", true},
        Case{R"("s:desc,dt")", "s:desc,dt:asc", true},
        Case{R"(["s:desc", "dt"])", "s:desc,dt:asc", true},
        Case{R"([{"field": "s"}, "i:desc"])", "s:asc,i:desc", true},
        Case{R"([{"field": "nope"}])", "unknown field \"nope\"", false},
        Case{R"([{"field": "s", "direction": "sideways"}])", "unknown direction \"sideways\"",
             false},
        Case{R"([{"field": "s", "direction": ""}])", "must be \"asc\" or \"desc\"", false},
        Case{R"([{"field": "s", "direction": 1}])",
             "\"direction\" must be \"asc\" or \"desc\", got 1", false},
        Case{R"([{"field": "s", "order": "desc"}])", "sort[0]: unknown key \"order\"", false},
        Case{R"([{"direction": "desc"}])", "sort[0]: \"field\" must be a field name", false},
        Case{R"([{"field": 5}])", "\"field\" must be a field name", false},
        Case{R"([{"field": "s"}, {"field": "s", "direction": "desc"}])", "appears twice", false},
        Case{R"([5])", "sort[0] must be an object", false},
        Case{R"(["s", " "])", "sort[1] is an empty string", false},
        Case{R"([{"field": "S", "direction": "desc"}])", "s:desc", true},
        Case{R"([{"field": "j"}])", "cannot be sorted on", false},
        Case{R"({"field": "s"})", "sort must be an array", false},
        Case{"5", "sort must be an array", false}));

TEST(ParseSortTest, PasswordsCannotBeSortedOn) {
    const auto& person = *testing::TypesSchema().FindEntity("Person");
    const auto out = ParseSortText(person, "password");
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("field 'password' cannot be used in sort"),
              std::string::npos);
}

TEST(ParseSortTest, KeysPointAtSchemaFields) {
    const auto out = ParseSortText(Thing(), "i:desc");
    ASSERT_TRUE(out.has_value());
    ASSERT_EQ(out->size(), 1u);
    EXPECT_EQ((*out)[0].field, Thing().FindField("i"));
    EXPECT_TRUE((*out)[0].descending);
}

TEST(ParseSortTest, HugeInputIsRefusedWithAShortMessage) {
    const auto out = ParseSortText(Thing(), std::string(100'000, 'a'));
    ASSERT_FALSE(out.has_value());
    EXPECT_LT(out.error().message.size(), 400u);
}

TEST(ParseSortTest, WorksOnTheDefaultEventsModel) {
    const auto out = ParseSortText(testing::DefaultEntity("Event"), "dateTime:desc,title");
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(Describe(*out), "dateTime:desc,title:asc");
    EXPECT_FALSE(ParseSortText(testing::DefaultEntity("Event"), "tags").has_value());
    EXPECT_FALSE(ParseSortText(testing::DefaultEntity("User"), "password").has_value());
}

}  // namespace
}  // namespace ea::query
