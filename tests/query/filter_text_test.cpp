// ParseFilterText: the JSON text boundary (size, depth, UTF-8, syntax) in front of ParseFilter.
#include <gtest/gtest.h>

#include <string>

#include "query/filter_parser.hpp"
#include "query_test_schema.hpp"

namespace ea::query {
namespace {

using testing::Dump;
using testing::Thing;

struct TextCase {
    std::string text;
    std::string expected;  // a Dump when it parses, else a substring of the error
    bool ok;
};

std::ostream& operator<<(std::ostream& os, const TextCase& c) { return os << c.text; }

class ParseFilterTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(ParseFilterTextTest, ParsesOrExplains) {
    const auto out = ParseFilterText(Thing(), GetParam().text);
    if (GetParam().ok) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        EXPECT_EQ(Dump(out->get()), GetParam().expected);
        return;
    }
    ASSERT_FALSE(out.has_value()) << Dump(out->get());
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(GetParam().expected), std::string::npos)
        << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFilterTextTest,
    ::testing::Values(
        TextCase{R"({"i": {"$gte": 3}})", "i $gte 3", true},
        TextCase{"  {\n\"s\" : \"x\"\n}  ", R"(s $eq "x")", true},
        TextCase{"", "<all>", true}, TextCase{"   \n", "<all>", true},
        TextCase{"{}", "<all>", true},
        TextCase{R"({"s": "\u00e9\u2603"})", "s $eq \"é☃\"", true},
        // Duplicate keys: the last one wins, as with duplicate query parameters.
        TextCase{R"({"i": 1, "i": 2})", "i $eq 2", true},
        TextCase{R"({"s": "x",})", "not valid JSON (at byte", false},
        TextCase{R"({"s": 'x'})", "not valid JSON", false},
        TextCase{R"({s: "x"})", "not valid JSON", false},
        TextCase{R"({"s": "x"} {"i": 1})", "not valid JSON", false},
        TextCase{R"({"s": "x"}garbage)", "not valid JSON", false},
        TextCase{R"({"s": "x")", "not valid JSON", false},
        TextCase{R"({"s": "x" /* c */})", "not valid JSON", false},
        TextCase{R"({"i": NaN})", "not valid JSON", false},
        TextCase{R"({"i": Infinity})", "not valid JSON", false},
        TextCase{"{\"s\": \"caf\xe9\"}", "not valid JSON", false},  // Latin-1 byte
        TextCase{"{\"s\": \"\xc0\xaf\"}", "not valid JSON", false},  // overlong
        TextCase{"{\"s\": \"\xed\xa0\x80\"}", "not valid JSON", false},  // surrogate
        TextCase{"{\"ti\xfftle\": 1}", "not valid JSON", false},
        TextCase{std::string("{\"s\": \"a\0b\"}", 12), "not valid JSON", false},
        TextCase{"[1, 2]", "filter must be a JSON object", false},
        TextCase{"s:x", "not valid JSON", false},
        TextCase{R"({"$where": "this.a > 1"})", "unknown operator \"$where\"", false},
        TextCase{R"({"title; DROP TABLE Thing": "x"})", "unknown field \"title; DROP TABLE Thing\"",
                 false}));

TEST(ParseFilterTextTest, RefusesTextOverSixtyFourKilobytes) {
    std::string text = R"({"s": ")" + std::string(kMaxFilterTextBytes, 'x') + R"("})";
    const auto out = ParseFilterText(Thing(), text);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("the limit is 65536"), std::string::npos)
        << out.error().message;
    EXPECT_LT(out.error().message.size(), 200u);
}

TEST(ParseFilterTextTest, LargeButAllowedTextReachesTheValueLimit) {
    // Under 64 KiB of text, but the string value is over the per-value limit.
    std::string text = R"({"s": ")" + std::string(10'000, 'x') + R"("})";
    const auto out = ParseFilterText(Thing(), text);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("field 's': value is 10000 bytes long"), std::string::npos)
        << out.error().message;
}

std::string NestedText(std::size_t levels) {
    std::string text = R"({"i": 1})";
    for (std::size_t i = 1; i < levels; ++i) text = R"({"$and": [)" + text + "]}";
    return text;
}

TEST(ParseFilterTextTest, NestingLimitHoldsForText) {
    const auto ok = ParseFilterText(Thing(), NestedText(kMaxFilterDepth));
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    // With an operator object and an $in array at the innermost level too.
    std::string deepest = R"({"i": {"$in": [1, 2]}})";
    for (std::size_t i = 1; i < kMaxFilterDepth; ++i) deepest = R"({"$or": [)" + deepest + "]}";
    EXPECT_TRUE(ParseFilterText(Thing(), deepest).has_value());

    const auto too_deep = ParseFilterText(Thing(), NestedText(kMaxFilterDepth + 1));
    ASSERT_FALSE(too_deep.has_value());
    EXPECT_NE(too_deep.error().message.find("deeper than 16"), std::string::npos)
        << too_deep.error().message;
}

TEST(ParseFilterTextTest, PathologicalBracketsAreRefusedByTheParserDepthLimit) {
    const std::string brackets = std::string(30'000, '[') + std::string(30'000, ']');
    const auto out = ParseFilterText(Thing(), brackets);
    ASSERT_FALSE(out.has_value());
    EXPECT_NE(out.error().message.find("deeper than"), std::string::npos) << out.error().message;
    const std::string objects = [] {
        std::string s;
        for (int i = 0; i < 10'000; ++i) s += R"({"a":)";
        return s;
    }();
    EXPECT_FALSE(ParseFilterText(Thing(), objects).has_value());
}

}  // namespace
}  // namespace ea::query
