#include "common/json_text.hpp"

#include <cmath>
#include <limits>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace ea {
namespace {

struct Case {
    double number;
    const char* text;
};

constexpr Case kDoubles[] = {
    {19.99, "19.99"}, {54.0, "54.0"},           {0.5, "0.5"},    {-3.25, "-3.25"},
    {0.0, "0.0"},     {1e21, "1e+21"},          {1e-7, "1e-07"}, {10000000.0, "10000000.0"},
    {0.1, "0.1"},     {123456.78, "123456.78"},
};

TEST(JsonTextTest, DoublesPrintShortestAndStayFloats) {
    for (const auto& c : kDoubles) {
        EXPECT_EQ(ToJsonText(boost::json::value(c.number)), c.text) << c.number;
        // And they read back as the same double.
        EXPECT_EQ(boost::json::parse(ToJsonText(boost::json::value(c.number))).as_double(),
                  c.number);
    }
}

TEST(JsonTextTest, NonFiniteDoublesBecomeNull) {
    EXPECT_EQ(ToJsonText(boost::json::value(std::numeric_limits<double>::infinity())), "null");
    EXPECT_EQ(ToJsonText(boost::json::value(std::nan(""))), "null");
}

TEST(JsonTextTest, EverythingElseMatchesBoostJson) {
    const auto value = boost::json::parse(
        R"({"s":"a\"b\\c\n\u0001é","i":-42,"u":18446744073709551615,"b":true,"n":null,)"
        R"("a":[1,"x",[],{}],"o":{"k":{"deep":[false]}},"":"empty key","q\"k":1})");
    EXPECT_EQ(ToJsonText(value), boost::json::serialize(value));
    EXPECT_EQ(ToJsonText(value.as_object()), boost::json::serialize(value));
}

TEST(JsonTextTest, RecordWithMoneyReadsNaturally) {
    const boost::json::object record{{"cost", 54.0}, {"netWorth", 1234.5}, {"rating", 4}};
    EXPECT_EQ(ToJsonText(record), R"({"cost":54.0,"netWorth":1234.5,"rating":4})");
}

}  // namespace
}  // namespace ea

namespace ea {
namespace {

// AppendJsonString writes what boost::json::serialize writes for the same string, byte for byte:
// every byte value alone, and runs mixing quotes, backslashes, controls and UTF-8.
TEST(JsonTextTest, AppendJsonStringEscapesExactlyAsBoostJsonDoes) {
    std::vector<std::string> texts = {"",
                                      "plain",
                                      "a \"quoted\" \\ path\\",
                                      "tab\there\nnew",
                                      "caf\xc3\xa9 \xe2\x82\xac",
                                      std::string("nul\0byte", 8),
                                      "\x01\x1f\x7f\x80\xff",
                                      "ends with \\"};
    for (int c = 0; c < 256; ++c) {
        texts.emplace_back(1, static_cast<char>(c));
    }
    for (const auto& text : texts) {
        std::string out = "prefix:";
        AppendJsonString(text, out);
        EXPECT_EQ(out, "prefix:" + boost::json::serialize(boost::json::string_view(text)))
            << boost::json::serialize(boost::json::string_view(text));
    }
}

}  // namespace
}  // namespace ea
