// ParseFilter: every operator on every field type, $and/$or nesting, null, text coercion, and
// every refusal with a message naming the offending piece.
#include "query/filter_parser.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Thing;

struct Good {
    std::string filter;  // JSON text
    std::string dump;    // expected tree (see testing::Dump)
    CoerceFrom from = CoerceFrom::kJson;
};

std::ostream& operator<<(std::ostream& os, const Good& c) { return os << c.filter; }

class ParseFilterGoodTest : public ::testing::TestWithParam<Good> {};

TEST_P(ParseFilterGoodTest, BuildsTheCheckedTree) {
    const auto out = ParseFilter(Thing(), json::parse(GetParam().filter), GetParam().from);
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(Dump(out->get()), GetParam().dump);
}

constexpr auto kT = CoerceFrom::kText;

INSTANTIATE_TEST_SUITE_P(
    EveryOperatorOnScalars, ParseFilterGoodTest,
    ::testing::Values(
        Good{R"({})", "<all>"}, Good{R"({"s": "x"})", R"(s $eq "x")"},
        // Field names resolve ignoring case when the exact name is not a field.
        Good{R"({"S": "x"})", R"(s $eq "x")"},
        Good{R"({"OTHERID": {"$eq": "o1"}})", R"(otherId $eq "o1")"},
        Good{R"({"$or": [{"DT": {"$gt": "2025-01-01"}}, {"I": 1}]})",
             R"((or dt $gt "2025-01-01T00:00:00.000Z" i $eq 1))"},
        Good{R"({"s": {"$eq": "x"}})", R"(s $eq "x")"},
        Good{R"({"s": {"$ne": "x"}})", R"(s $ne "x")"},
        Good{R"({"s": {"$gt": "a"}})", R"(s $gt "a")"},
        Good{R"({"s": {"$gte": "a"}})", R"(s $gte "a")"},
        Good{R"({"s": {"$lt": "a"}})", R"(s $lt "a")"},
        Good{R"({"s": {"$lte": "a"}})", R"(s $lte "a")"},
        Good{R"({"s": {"$in": ["a", "b"]}})", R"(s $in ["a","b"])"},
        Good{R"({"s": {"$nin": ["a"]}})", R"(s $nin ["a"])"},
        Good{R"({"s": {"$exists": true}})", "s $exists true"},
        Good{R"({"s": {"$exists": false}})", "s $exists false"},
        Good{R"({"e": "red"})", R"(e $eq "Red")"},
        Good{R"({"e": {"$in": ["GREEN", "blue"]}})", R"(e $in ["green","BLUE"])"},
        Good{R"({"e": {"$nin": ["red"]}})", R"(e $nin ["Red"])"}, Good{R"({"i": 5})", "i $eq 5"},
        Good{R"({"i": {"$gt": 1, "$lte": 10}})", "(and i $gt 1 i $lte 10)"},
        Good{R"({"i": {"$in": [1, 2, 3]}})", "i $in [1,2,3]"},
        Good{R"({"i": {"$ne": -1}})", "i $ne -1"}, Good{R"({"n": {"$gte": 0.5}})", "n $gte 5E-1"},
        Good{R"({"n": {"$lt": 3}})", "n $lt 3E0"},
        Good{R"({"c": {"$lte": 19.99}})", "c $lte 1.999E1"},
        Good{R"({"c": {"$in": [1, 2.5]}})", "c $in [1E0,2.5E0]"},
        Good{R"({"b": true})", "b $eq true"}, Good{R"({"b": {"$ne": false}})", "b $ne false"},
        Good{R"({"b": {"$in": [true]}})", "b $in [true]"},
        Good{R"({"d": {"$gte": "2025-01-01", "$lt": "2025-02-01"}})",
             R"((and d $gte "2025-01-01" d $lt "2025-02-01"))"},
        Good{R"({"d": "2025-01-01T10:00:00Z"})", R"(d $eq "2025-01-01")"},
        Good{R"({"dt": {"$gt": "2025-01-01"}})", R"(dt $gt "2025-01-01T00:00:00.000Z")"},
        Good{R"({"dt": {"$lt": "2025-01-01T10:00:00+02:00"}})",
             R"(dt $lt "2025-01-01T08:00:00.000Z")"},
        Good{R"({"dt": {"$in": ["2025-01-01", "2025-01-02T00:00:00Z"]}})",
             R"(dt $in ["2025-01-01T00:00:00.000Z","2025-01-02T00:00:00.000Z"])"},
        Good{R"({"otherId": "ABC123"})", R"(otherId $eq "abc123")"},
        Good{R"({"otherId": {"$gt": "01J0"}})", R"(otherId $gt "01j0")"},
        Good{R"({"id": {"$in": ["A", "b"]}})", R"(id $in ["a","b"])"},
        Good{R"({"createdAt": {"$gte": "2025-01-01"}})",
             R"(createdAt $gte "2025-01-01T00:00:00.000Z")"},
        Good{R"({"j": {"$exists": true}})", "j $exists true"}));

INSTANTIATE_TEST_SUITE_P(
    ArraysTestElements, ParseFilterGoodTest,
    ::testing::Values(Good{R"({"tags": "music"})", R"(tags $eq "music")"},
                      Good{R"({"tags": {"$ne": "music"}})", R"(tags $ne "music")"},
                      Good{R"({"tags": {"$in": ["a", "b"]}})", R"(tags $in ["a","b"])"},
                      Good{R"({"tags": {"$nin": ["a"]}})", R"(tags $nin ["a"])"},
                      Good{R"({"nums": {"$in": [1, 2]}})", "nums $in [1,2]"},
                      Good{R"({"dates": "2025-01-01"})", R"(dates $eq "2025-01-01")"},
                      Good{R"({"tags": {"$exists": false}})", "tags $exists false"}));

INSTANTIATE_TEST_SUITE_P(
    NullMeansIsNull, ParseFilterGoodTest,
    ::testing::Values(Good{R"({"s": null})", "s $eq null"},
                      Good{R"({"i": {"$eq": null}})", "i $eq null"},
                      Good{R"({"dt": {"$ne": null}})", "dt $ne null"},
                      Good{R"({"tags": null})", "tags $eq null"}));

INSTANTIATE_TEST_SUITE_P(
    Logic, ParseFilterGoodTest,
    ::testing::Values(
        Good{R"({"s": "x", "i": 1})", R"((and s $eq "x" i $eq 1))"},
        Good{R"({"$and": [{"s": "x"}, {"i": 1}]})", R"((and s $eq "x" i $eq 1))"},
        Good{R"({"$or": [{"s": "x"}, {"i": 1}]})", R"((or s $eq "x" i $eq 1))"},
        Good{R"({"$or": [{"s": "x"}]})", R"(s $eq "x")"},  // one child needs no node
        Good{R"({"$or": [{"s": "x", "i": 1}, {"b": true}]})",
             R"((or (and s $eq "x" i $eq 1) b $eq true))"},
        Good{R"({"$and": [{"$or": [{"i": 1}, {"i": 2}]}, {"$or": [{"e": "red"}, {"e": "blue"}]}]})",
             R"((and (or i $eq 1 i $eq 2) (or e $eq "Red" e $eq "BLUE")))"},
        Good{R"({"i": {"$gt": 0}, "$or": [{"s": "a"}, {"s": "b"}]})",
             R"((and i $gt 0 (or s $eq "a" s $eq "b")))"},
        Good{R"({"$and": [{"i": 1}], "$or": [{"i": 2}, {"i": 3}]})",
             R"((and i $eq 1 (or i $eq 2 i $eq 3)))"}));

INSTANTIATE_TEST_SUITE_P(
    TextCoercion, ParseFilterGoodTest,
    ::testing::Values(Good{R"({"i": {"$gte": "10"}})", "i $gte 10", kT},
                      Good{R"({"b": "yes"})", "b $eq true", kT},
                      Good{R"({"b": "0"})", "b $eq false", kT},
                      Good{R"({"c": {"$lt": "5.25"}})", "c $lt 5.25E0", kT},
                      Good{R"({"n": {"$in": ["1", "2.5"]}})", "n $in [1E0,2.5E0]", kT},
                      Good{R"({"e": "GREEN"})", R"(e $eq "green")", kT},
                      Good{R"({"s": {"$exists": "false"}})", "s $exists false", kT},
                      Good{R"({"dt": {"$gte": "2025-01-01T10:00:00"}})",
                           R"(dt $gte "2025-01-01T10:00:00.000Z")", kT},
                      Good{R"({"nums": "4"})", "nums $eq 4", kT},
                      Good{R"({"s": "10"})", R"(s $eq "10")", kT}));

INSTANTIATE_TEST_SUITE_P(
    InjectionLookingValuesAreJustValues, ParseFilterGoodTest,
    ::testing::Values(Good{R"({"s": "title; DROP TABLE Thing"})",
                           R"(s $eq "title; DROP TABLE Thing")"},
                      Good{R"({"s": "' OR '1'='1"})", R"(s $eq "' OR '1'='1")"},
                      Good{R"({"s": "$where"})", R"(s $eq "$where")"},
                      Good{R"({"s": {"$eq": "{\"$gt\": \"\"}"}})", R"(s $eq "{\"$gt\": \"\"}")"},
                      Good{R"({"s": "%_\\"})", R"(s $eq "%_\\")"}));

struct Bad {
    std::string filter;
    std::string message_part;  // the error message must contain this
    std::string field = "filter";  // expected FieldError::field
    CoerceFrom from = CoerceFrom::kJson;
};

std::ostream& operator<<(std::ostream& os, const Bad& c) { return os << c.filter; }

class ParseFilterBadTest : public ::testing::TestWithParam<Bad> {};

TEST_P(ParseFilterBadTest, RefusesNamingTheOffendingPiece) {
    const auto out = ParseFilter(Thing(), json::parse(GetParam().filter), GetParam().from);
    ASSERT_FALSE(out.has_value()) << "accepted as " << Dump(out->get());
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(GetParam().message_part), std::string::npos)
        << out.error().message;
    ASSERT_FALSE(out.error().fields.empty());
    EXPECT_EQ(out.error().fields[0].field, GetParam().field) << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Shape, ParseFilterBadTest,
    ::testing::Values(
        Bad{R"([])", "filter must be a JSON object, got an array"},
        Bad{R"("s:x")", "filter must be a JSON object, got a string"},
        Bad{R"(null)", "filter must be a JSON object, got null"},
        Bad{R"(5)", "got a number"},
        Bad{R"({"$and": []})", "$and must be a non-empty array of filter objects, got an empty"},
        Bad{R"({"$or": {"s": "x"}})", "$or must be a non-empty array of filter objects, got an "
                                      "object"},
        Bad{R"({"$or": [{"s": "x"}, 5]})", "$or[1] must be a JSON object, got a number"},
        Bad{R"({"$and": [{}]})", "$and[0] is an empty filter object"},
        Bad{R"({"$and": [{"$or": [{"i": 1}, {"nope": 1}]}]})", "unknown field \"nope\"", "nope"},
        Bad{R"({"$and": [{"$or": [{"i": 1}, []]}]})", "$and[0].$or[1] must be a JSON object"}));

INSTANTIATE_TEST_SUITE_P(
    UnknownNames, ParseFilterBadTest,
    ::testing::Values(
        Bad{R"({"nope": 1})", "unknown field \"nope\" on Thing in filter; valid fields: id, s, e",
            "nope"},
        Bad{R"({"ss": "x"})", "did you mean 's'?", "ss"},
        Bad{R"({"otherld": "x"})", "did you mean 'otherId'?", "otherld"},
        Bad{R"({"title; DROP TABLE Thing": 1})", "unknown field \"title; DROP TABLE Thing\"",
            "title; DROP TABLE Thing"},
        Bad{R"({"s\"; --": 1})", R"(unknown field "s\"; --")", "s\"; --"},
        Bad{R"({"": 1})", "unknown field \"\"", ""},
        Bad{R"({"j.a": 1})", "unknown field \"j.a\"", "j.a"},
        Bad{R"({"$where": "1"})",
            "unknown operator \"$where\" at filter; logical operators are "
            "$and, $or"},
        Bad{R"({"$nor": [{"s": "x"}]})", "unknown operator \"$nor\""},
        Bad{R"({"$gt": 5})", "operator \"$gt\" at filter needs a field"},
        Bad{R"({"$or": [{"$not": {"s": 1}}]})", "unknown operator \"$not\" at $or[0]"},
        Bad{R"({"s": {"$regex": ".*"}})",
            "field 's': unknown operator \"$regex\"; valid operators: $eq, $ne, $gt, $gte, $lt, "
            "$lte, $in, $nin, $exists",
            "s"},
        Bad{R"j({"s": {"$where": "sleep(1000)"}})j", "unknown operator \"$where\"", "s"},
        Bad{R"({"s": {"eq": "x"}})", "unknown operator \"eq\"", "s"},
        Bad{R"({"s": {"$EQ": "x"}})", "unknown operator \"$EQ\"", "s"},
        Bad{R"({"s": {}})", "field 's': empty operator object", "s"}));

INSTANTIATE_TEST_SUITE_P(
    OperatorRules, ParseFilterBadTest,
    ::testing::Values(
        Bad{R"({"b": {"$gt": true}})", "$gt does not apply to Boolean fields", "b"},
        Bad{R"({"b": {"$lte": false}})", "$lte does not apply to Boolean fields", "b"},
        Bad{R"({"tags": {"$gte": "a"}})", "$gte does not apply to Array[String] fields", "tags"},
        Bad{R"({"nums": {"$lt": 3}})", "$lt does not apply to Array[Integer] fields", "nums"},
        Bad{R"({"j": {"$gt": 1}})", "JSON fields cannot be compared with $gt", "j"},
        Bad{R"({"j": {"a": 1}})", "unknown operator \"a\"", "j"},
        Bad{R"({"j": "x"})", "JSON fields cannot be compared with $eq; only $exists", "j"},
        Bad{R"({"j": {"$in": ["x"]}})", "JSON fields cannot be compared with $in", "j"},
        Bad{R"({"s": {"$in": "x"}})", "field 's': $in takes a non-empty array, got a string",
            "s"},
        Bad{R"({"s": {"$in": []}})", "$in takes a non-empty array, got an empty array", "s"},
        Bad{R"({"s": {"$nin": {}}})", "$nin takes a non-empty array, got an object", "s"},
        Bad{R"({"s": {"$in": [null]}})", "$in[0]: expected a single value, got null", "s"},
        Bad{R"({"s": {"$in": [["a"]]}})", "$in[0]: expected a single value, got an array", "s"},
        Bad{R"({"i": {"$in": [1, "2", 3]}})", "field 'i': $in[1]: expected an integer, got \"2\"",
            "i"},
        Bad{R"({"s": ["a", "b"]})", "$eq takes a single value, got an array; use $in", "s"},
        Bad{R"({"tags": ["a"]})", "use $in", "tags"},
        Bad{R"({"s": {"$ne": ["a"]}})", "$ne takes a single value", "s"},
        Bad{R"({"s": {"$gt": null}})", "null only works with $eq and $ne", "s"},
        Bad{R"({"s": {"$exists": 1}})", "$exists takes true or false, got 1", "s"},
        Bad{R"({"s": {"$exists": "true"}})", "$exists takes true or false", "s"},
        Bad{R"({"s": {"$exists": "maybe"}})", "$exists takes true or false", "s",
            CoerceFrom::kText}));

INSTANTIATE_TEST_SUITE_P(
    WrongTypedValues, ParseFilterBadTest,
    ::testing::Values(
        Bad{R"({"i": "5"})", "field 'i': expected an integer, got \"5\"", "i"},
        Bad{R"({"i": 1.5})", "expected an integer, got 1.5", "i"},
        Bad{R"({"i": {"$gt": "x"}})", "expected an integer, got \"x\"", "i", CoerceFrom::kText},
        Bad{R"({"b": "true"})", "field 'b': expected a boolean", "b"},
        Bad{R"({"b": "maybe"})", "expected a boolean (true/1/yes or false/0/no)", "b",
            CoerceFrom::kText},
        Bad{R"({"e": "purple"})", "not one of the allowed values (Red, green, BLUE)", "e"},
        Bad{R"({"d": {"$gte": "2025-02-30"}})", "field 'd': expected a date", "d"},
        Bad{R"({"dt": "2025-01-01T24:00:00Z"})", "field 'dt': expected a datetime", "dt"},
        Bad{R"({"c": 1.234})", "field 'c': 1.234 has more than two decimal places", "c"},
        Bad{R"({"n": "1"})", "field 'n': expected a number", "n"},
        Bad{R"({"otherId": "a b"})", "field 'otherId': expected an id", "otherId"},
        Bad{R"({"i": 99999999999999999999})", "field 'i'", "i"},
        Bad{R"({"s": 5})", "field 's': expected a string, got 5", "s"}));

TEST(ParseFilterTest, PasswordsCannotBeFilteredOn) {
    const auto& person = *testing::TypesSchema().FindEntity("Person");
    for (const char* filter : {R"({"password": "hunter22"})",
                               R"({"password": {"$exists": true}})",
                               R"({"$or": [{"username": "a"}, {"password": {"$gt": "$"}}]})"}) {
        const auto out = ParseFilter(person, json::parse(filter));
        ASSERT_FALSE(out.has_value()) << filter;
        EXPECT_NE(out.error().message.find("field 'password' cannot be used in a filter"),
                  std::string::npos)
            << out.error().message;
    }
    // And the unknown-field hint never lists it.
    const auto out = ParseFilter(person, json::parse(R"({"nope": 1})"));
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().message.find("password"), std::string::npos) << out.error().message;
}

TEST(ParseFilterTest, ComparisonsPointAtTheSchemaFields) {
    const auto out = ParseFilter(Thing(), json::parse(R"({"i": 1})"));
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ((*out)->comparison.field, Thing().FindField("i"));
}

// Nested $and objects `levels` deep around one comparison.
json::value Nested(std::size_t levels) {
    json::value inner = json::parse(R"({"i": 1})");
    for (std::size_t i = 1; i < levels; ++i) {
        json::object wrapper;
        wrapper["$and"] = json::array{std::move(inner)};
        inner = std::move(wrapper);
    }
    return inner;
}

TEST(ParseFilterTest, AcceptsSixteenLevelsOfNestingAndRefusesSeventeen) {
    const auto ok = ParseFilter(Thing(), Nested(kMaxFilterDepth));
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ(Dump(ok->get()), "i $eq 1");
    const auto too_deep = ParseFilter(Thing(), Nested(kMaxFilterDepth + 1));
    ASSERT_FALSE(too_deep.has_value());
    EXPECT_NE(too_deep.error().message.find("deeper than 16 levels"), std::string::npos)
        << too_deep.error().message;
}

TEST(ParseFilterTest, VeryDeepNestingFailsCleanlyWithoutRecursingFurther) {
    // Built in memory (MCP hands us a parsed value): the parser stops at the limit, it does not
    // walk all 2,000 levels.
    const auto out = ParseFilter(Thing(), Nested(2000));
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("deeper than"), std::string::npos);
}

json::value ManyComparisons(std::size_t count) {
    json::array items;
    for (std::size_t i = 0; i < count; ++i) {
        items.push_back(json::object{{"i", static_cast<std::int64_t>(i)}});
    }
    return json::object{{"$or", std::move(items)}};
}

TEST(ParseFilterTest, AcceptsOneHundredComparisonsAndRefusesMore) {
    const auto ok = ParseFilter(Thing(), ManyComparisons(kMaxComparisons));
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ((*ok)->children.size(), kMaxComparisons);
    const auto too_many = ParseFilter(Thing(), ManyComparisons(kMaxComparisons + 1));
    ASSERT_FALSE(too_many.has_value());
    EXPECT_NE(too_many.error().message.find("more than 100 comparisons"), std::string::npos);
}

TEST(ParseFilterTest, OperatorsOnOneFieldCountSeparately) {
    json::object ops;
    json::object filter;
    // 101 distinct fields do not exist, so spread operators over nested $and of the same field.
    json::array items;
    for (int i = 0; i < 51; ++i) {
        items.push_back(json::object{{"i", json::object{{"$gt", i}, {"$lt", 1000}}}});
    }
    filter["$and"] = std::move(items);
    const auto out = ParseFilter(Thing(), filter);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("more than 100 comparisons"), std::string::npos);
}

json::value InList(std::size_t count) {
    json::array values;
    for (std::size_t i = 0; i < count; ++i) values.push_back(static_cast<std::int64_t>(i));
    return json::object{{"i", json::object{{"$in", std::move(values)}}}};
}

TEST(ParseFilterTest, InAcceptsOneThousandValuesAndRefusesMore) {
    const auto ok = ParseFilter(Thing(), InList(kMaxInValues));
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ((*ok)->comparison.value.get_array().size(), kMaxInValues);
    const auto too_many = ParseFilter(Thing(), InList(kMaxInValues + 1));
    ASSERT_FALSE(too_many.has_value());
    EXPECT_NE(too_many.error().message.find("$in has 1001 values; the limit is 1000"),
              std::string::npos)
        << too_many.error().message;
}

TEST(ParseFilterTest, HugeUnknownFieldNamesAreShortenedInErrors) {
    const std::string name(100'000, 'f');
    const auto out = ParseFilter(Thing(), json::object{{name, 1}});
    ASSERT_FALSE(out.has_value());
    EXPECT_LT(out.error().message.size(), 400u);
    EXPECT_LT(out.error().fields[0].field.size(), 100u);
}

TEST(ParseFilterTest, InvalidUtf8InAnInMemoryValueIsRefused) {
    json::object filter{{"s", json::string("caf\xe9")}};
    const auto out = ParseFilter(Thing(), filter, CoerceFrom::kText);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("not valid UTF-8"), std::string::npos);
}

TEST(ParseFilterTest, InvalidUtf8InAFieldNameIsEscapedInTheMessage) {
    json::object filter{{"ti\xfftle", 1}};
    const auto out = ParseFilter(Thing(), filter);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find(R"("ti\xfftle")"), std::string::npos)
        << out.error().message;
}

TEST(ParseFilterTest, WorksOnTheDefaultEventsModel) {
    const auto& event = testing::DefaultEntity("Event");
    const auto out = ParseFilter(
        event, json::parse(R"({"$or": [{"recurrence": "WEEKLY"}, {"tags": {"$in": ["music"]}}],
                                "dateTime": {"$gte": "2025-01-01"}, "cost": {"$lte": 20}})"));
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(Dump(out->get()),
              R"((and (or recurrence $eq "weekly" tags $in ["music"]) )"
              R"(dateTime $gte "2025-01-01T00:00:00.000Z" cost $lte 2E1))");
    const auto& user = testing::DefaultEntity("User");
    const auto gender = ParseFilter(user, json::parse(R"({"gender": "MALE"})"), CoerceFrom::kText);
    ASSERT_TRUE(gender.has_value()) << gender.error().message;
    EXPECT_EQ(Dump(gender->get()), R"(gender $eq "male")");
    const auto password = ParseFilter(user, json::parse(R"({"password": "x"})"));
    EXPECT_FALSE(password.has_value());
    const auto owner = ParseFilter(user, json::parse(R"({"isAccountOwner": "true"})"));
    ASSERT_FALSE(owner.has_value());
    EXPECT_NE(owner.error().message.find("expected a boolean"), std::string::npos);
}

TEST(OpNameTest, RoundTrips) {
    for (Op op : {Op::kEq, Op::kNe, Op::kGt, Op::kGte, Op::kLt, Op::kLte, Op::kIn, Op::kNin,
                  Op::kExists}) {
        EXPECT_EQ(OpFromName(OpName(op)), op);
    }
    EXPECT_EQ(OpFromName("$regex"), std::nullopt);
    EXPECT_EQ(OpFromName("eq"), std::nullopt);
}

}  // namespace
}  // namespace ea::query
