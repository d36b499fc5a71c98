// CoerceValue: every field type, typed JSON versus query-string text, canonical outputs and the
// errors that name the field and the problem.
#include "query/value_coercion.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::ThingField;

struct Case {
    std::string field;
    std::string input;  // JSON text
    CoerceFrom from;
    std::string expected;  // canonical JSON text, or "" when an error is expected
    std::string error_part = {};  // a substring the error message must contain
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
    return os << c.field << " <- " << c.input << (c.from == CoerceFrom::kText ? " (text)" : "");
}

constexpr auto kJ = CoerceFrom::kJson;
constexpr auto kT = CoerceFrom::kText;

class CoerceValueTest : public ::testing::TestWithParam<Case> {};

TEST_P(CoerceValueTest, GivesTheCanonicalValueOrANamedError) {
    const Case& c = GetParam();
    const auto out = CoerceValue(ThingField(c.field), json::parse(c.input), c.from);
    if (!c.expected.empty()) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        EXPECT_EQ(json::serialize(*out), c.expected);
        return;
    }
    ASSERT_FALSE(out.has_value()) << "accepted as " << json::serialize(*out);
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find("field '" + c.field + "'"), std::string::npos)
        << out.error().message;
    EXPECT_NE(out.error().message.find(c.error_part), std::string::npos) << out.error().message;
    ASSERT_EQ(out.error().fields.size(), 1u);
    EXPECT_EQ(out.error().fields[0].field, c.field);
}

INSTANTIATE_TEST_SUITE_P(
    String, CoerceValueTest,
    ::testing::Values(Case{"s", R"("hello")", kJ, R"("hello")"},
                      Case{"s", R"("")", kJ, R"("")"},
                      Case{"s", R"("héllo ☃")", kJ, R"("héllo ☃")"},
                      Case{"s", R"("title; DROP TABLE events")", kJ,
                           R"("title; DROP TABLE events")"},
                      Case{"s", R"("' OR 1=1 --")", kT, R"("' OR 1=1 --")"},
                      Case{"s", "5", kJ, "", "expected a string"},
                      Case{"s", "true", kJ, "", "expected a string"},
                      Case{"s", "5", kT, "", "expected a string"}));

INSTANTIATE_TEST_SUITE_P(
    Enum, CoerceValueTest,
    ::testing::Values(Case{"e", R"("Red")", kJ, R"("Red")"},
                      Case{"e", R"("red")", kJ, R"("Red")"},
                      Case{"e", R"("RED")", kT, R"("Red")"},
                      Case{"e", R"("GREEN")", kJ, R"("green")"},
                      Case{"e", R"("blue")", kJ, R"("BLUE")"},
                      Case{"e", R"("purple")", kJ, "", "allowed values (Red, green, BLUE)"},
                      Case{"e", R"("re")", kJ, "", "\"re\" is not one of"},
                      Case{"e", R"("")", kJ, "", "not one of"},
                      Case{"e", "1", kJ, "", "expected a string"}));

INSTANTIATE_TEST_SUITE_P(
    Integer, CoerceValueTest,
    ::testing::Values(
        Case{"i", "42", kJ, "42"}, Case{"i", "-7", kJ, "-7"}, Case{"i", "0", kJ, "0"},
        Case{"i", "2.0", kJ, "2"}, Case{"i", "9223372036854775807", kJ, "9223372036854775807"},
        Case{"i", "-9223372036854775808", kJ, "-9223372036854775808"},
        Case{"i", "9223372036854775808", kJ, "", "out of the 64-bit integer range"},
        Case{"i", "18446744073709551615", kJ, "", "out of the 64-bit integer range"},
        Case{"i", "1e19", kJ, "", "out of the 64-bit integer range"},
        Case{"i", "1e300", kJ, "", "out of the 64-bit integer range"},
        Case{"i", "1.5", kJ, "", "expected an integer, got 1.5"},
        Case{"i", R"("42")", kJ, "", "expected an integer"},
        Case{"i", "true", kJ, "", "expected an integer"},
        Case{"i", R"("42")", kT, "42"}, Case{"i", R"("-42")", kT, "-42"},
        Case{"i", R"("9223372036854775807")", kT, "9223372036854775807"},
        Case{"i", R"("9223372036854775808")", kT, "", "out of the 64-bit integer range"},
        Case{"i", R"("-99999999999999999999")", kT, "", "out of the 64-bit integer range"},
        Case{"i", R"("1.5")", kT, "", "expected an integer"},
        Case{"i", R"("+5")", kT, "", "expected an integer"},
        Case{"i", R"(" 5")", kT, "", "expected an integer"},
        Case{"i", R"("5 ")", kT, "", "expected an integer"},
        Case{"i", R"("5abc")", kT, "", "expected an integer"},
        Case{"i", R"("0x10")", kT, "", "expected an integer"},
        Case{"i", R"("")", kT, "", "expected an integer"},
        Case{"i", R"("1e3")", kT, "", "expected an integer"},
        Case{"i", "7", kT, "7"}));

INSTANTIATE_TEST_SUITE_P(
    Number, CoerceValueTest,
    ::testing::Values(Case{"n", "1.5", kJ, "1.5E0"}, Case{"n", "3", kJ, "3E0"},
                      Case{"n", "-0.25", kJ, "-2.5E-1"},
                      Case{"n", "18446744073709551615", kJ, "1.8446744073709552E19"},
                      Case{"n", R"("1.5")", kJ, "", "expected a number"},
                      Case{"n", R"("1.5")", kT, "1.5E0"}, Case{"n", R"("-2e3")", kT, "-2E3"},
                      Case{"n", R"("10")", kT, "1E1"},
                      Case{"n", R"("inf")", kT, "", "expected a number"},
                      Case{"n", R"("nan")", kT, "", "expected a number"},
                      Case{"n", R"("1e999")", kT, "", "expected a number"},
                      Case{"n", R"("0x1p3")", kT, "", "expected a number"},
                      Case{"n", R"("1,5")", kT, "", "expected a number"},
                      Case{"n", R"("")", kT, "", "expected a number"},
                      Case{"n", "null", kJ, "", "null"}));

INSTANTIATE_TEST_SUITE_P(
    Currency, CoerceValueTest,
    ::testing::Values(Case{"c", "19.99", kJ, "1.999E1"}, Case{"c", "0.1", kJ, "1E-1"},
                      Case{"c", "100", kJ, "1E2"}, Case{"c", "0.07", kJ, "7E-2"},
                      Case{"c", "-5.5", kJ, "-5.5E0"},
                      Case{"c", "1.005", kJ, "", "more than two decimal places"},
                      Case{"c", "0.001", kJ, "", "more than two decimal places"},
                      Case{"c", R"("19.99")", kT, "1.999E1"},
                      Case{"c", R"("19.999")", kT, "", "more than two decimal places"},
                      Case{"c", R"("19.99")", kJ, "", "expected a money amount"},
                      Case{"c", "1e300", kJ, "", "too large"},
                      Case{"c", R"("abc")", kT, "", "expected a money amount"}));

INSTANTIATE_TEST_SUITE_P(
    Boolean, CoerceValueTest,
    ::testing::Values(Case{"b", "true", kJ, "true"}, Case{"b", "false", kJ, "false"},
                      Case{"b", R"("true")", kJ, "", "expected a boolean"},
                      Case{"b", "1", kJ, "", "expected a boolean"},
                      Case{"b", R"("true")", kT, "true"}, Case{"b", R"("TRUE")", kT, "true"},
                      Case{"b", R"("1")", kT, "true"}, Case{"b", R"("Yes")", kT, "true"},
                      Case{"b", R"("false")", kT, "false"}, Case{"b", R"("0")", kT, "false"},
                      Case{"b", R"("no")", kT, "false"}, Case{"b", R"("NO")", kT, "false"},
                      Case{"b", "true", kT, "true"},
                      Case{"b", R"("y")", kT, "", "true/1/yes or false/0/no"},
                      Case{"b", R"("2")", kT, "", "expected a boolean"},
                      Case{"b", R"("")", kT, "", "expected a boolean"},
                      Case{"b", R"("truex")", kT, "", "expected a boolean"}));

INSTANTIATE_TEST_SUITE_P(
    Date, CoerceValueTest,
    ::testing::Values(Case{"d", R"("2025-01-31")", kJ, R"("2025-01-31")"},
                      Case{"d", R"("2024-02-29")", kT, R"("2024-02-29")"},
                      // A datetime names the date as written, before the offset is applied.
                      Case{"d", R"("2025-01-31T23:00:00-05:00")", kJ, R"("2025-01-31")"},
                      Case{"d", R"("2025-01-31T10:00:00Z")", kJ, R"("2025-01-31")"},
                      Case{"d", R"("2025-02-29")", kJ, "", "expected a date"},
                      Case{"d", R"("2025-1-1")", kJ, "", "expected a date"},
                      Case{"d", R"("31/01/2025")", kT, "", "expected a date"},
                      Case{"d", R"("2025-01-31T25:00")", kJ, "", "expected a date"},
                      Case{"d", "20250131", kJ, "", "expected a date"}));

INSTANTIATE_TEST_SUITE_P(
    Datetime, CoerceValueTest,
    ::testing::Values(
        Case{"dt", R"("2025-01-01T10:00:00Z")", kJ, R"("2025-01-01T10:00:00.000Z")"},
        Case{"dt", R"("2025-01-01T10:00:00")", kT, R"("2025-01-01T10:00:00.000Z")"},
        Case{"dt", R"("2025-01-01")", kJ, R"("2025-01-01T00:00:00.000Z")"},  // midnight
        Case{"dt", R"("2025-01-01T10:00:00.123456+01:00")", kJ, R"("2025-01-01T09:00:00.123Z")"},
        Case{"dt", R"("2025-01-01 10:00")", kT, R"("2025-01-01T10:00:00.000Z")"},
        Case{"dt", R"("2025-13-01T10:00:00Z")", kJ, "", "expected a datetime"},
        Case{"dt", R"("yesterday")", kT, "", "expected a datetime"},
        Case{"dt", "1735725600", kJ, "", "expected a datetime"}));

INSTANTIATE_TEST_SUITE_P(
    ObjectId, CoerceValueTest,
    ::testing::Values(Case{"otherId", R"("01J0ABCDEFGHJKMNPQRSTVWXYZ")", kJ,
                           R"("01j0abcdefghjkmnpqrstvwxyz")"},
                      Case{"otherId", R"("acc_system")", kT, R"("acc_system")"},
                      Case{"otherId", R"("")", kJ, "", "expected an id"},
                      Case{"otherId", R"("a/b")", kJ, "", "expected an id"},
                      Case{"otherId", R"("x' OR '1'='1")", kT, "", "expected an id"},
                      Case{"otherId", "12", kJ, "", "expected an id"}));

INSTANTIATE_TEST_SUITE_P(
    ArraysUseTheElementType, CoerceValueTest,
    ::testing::Values(Case{"tags", R"("music")", kJ, R"("music")"},
                      Case{"tags", "3", kJ, "", "expected a string"},
                      Case{"nums", R"("3")", kT, "3"}, Case{"nums", "3", kJ, "3"},
                      Case{"nums", "3.5", kJ, "", "expected an integer"},
                      Case{"dates", R"("2025-03-01")", kJ, R"("2025-03-01")"},
                      Case{"dates", R"("2025-03-32")", kJ, "", "expected a date"}));

INSTANTIATE_TEST_SUITE_P(JsonCannotBeCompared, CoerceValueTest,
                         ::testing::Values(Case{"j", R"("x")", kJ, "", "only $exists"},
                                           Case{"j", "1", kT, "", "JSON fields cannot be compared"}));

TEST(CoerceValueTest, RefusesInvalidUtf8InStrings) {
    const json::value bad(json::string("abc\xff\xfe"));
    const auto out = CoerceValue(ThingField("s"), bad, CoerceFrom::kText);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("not valid UTF-8"), std::string::npos);
}

TEST(CoerceValueTest, RefusesHugeStringsWithoutEchoingThem) {
    const json::value huge(json::string(std::string(100'000, 'x')));
    const auto out = CoerceValue(ThingField("s"), huge);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("the limit is 4096"), std::string::npos);
    EXPECT_LT(out.error().message.size(), 200u);
    const json::value at_limit(json::string(std::string(kMaxFilterStringBytes, 'x')));
    EXPECT_TRUE(CoerceValue(ThingField("s"), at_limit).has_value());
}

TEST(CoerceValueTest, HugeEnumValuesAreShortenedInTheMessage) {
    const json::value huge(json::string(std::string(4000, 'q')));
    const auto out = CoerceValue(ThingField("e"), huge);
    ASSERT_FALSE(out.has_value());
    EXPECT_LT(out.error().message.size(), 200u) << out.error().message;
    EXPECT_NE(out.error().message.find("..."), std::string::npos);
}

TEST(DescribeValueTest, EscapesControlCharactersAndInvalidUtf8) {
    EXPECT_EQ(DescribeValue(json::value("a\nb")), R"("a\nb")");
    EXPECT_EQ(DescribeValue(json::value(json::string("a\xff"))), R"("a\xff")");
    EXPECT_EQ(DescribeValue(json::value(5)), "5");
    const auto long_text = DescribeValue(json::value(std::string(500, 'z')));
    EXPECT_LE(long_text.size(), 64u);
    EXPECT_EQ(long_text.substr(long_text.size() - 3), "...");
    // A cut never splits a multi-byte character.
    const auto snowmen = DescribeValue(json::value(std::string(200 * 3 / 3, 'a') + "☃☃☃☃☃☃"));
    EXPECT_TRUE(IsValidUtf8(snowmen));
    std::string many;
    for (int i = 0; i < 100; ++i) many += "☃";
    EXPECT_TRUE(IsValidUtf8(DescribeValue(json::value(many))));
}

TEST(IsValidUtf8Test, AcceptsWellFormedAndRefusesMalformed) {
    EXPECT_TRUE(IsValidUtf8(""));
    EXPECT_TRUE(IsValidUtf8("plain ascii"));
    EXPECT_TRUE(IsValidUtf8("é ☃ 𝄞"));
    EXPECT_FALSE(IsValidUtf8("\xff"));
    EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
    EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
    EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

TEST(ParseBoolTextTest, AcceptsTheDocumentedSpellingsOnly) {
    EXPECT_EQ(ParseBoolText("YES"), true);
    EXPECT_EQ(ParseBoolText("0"), false);
    EXPECT_EQ(ParseBoolText("on"), std::nullopt);
    EXPECT_EQ(ParseBoolText(""), std::nullopt);
}

}  // namespace
}  // namespace ea::query
