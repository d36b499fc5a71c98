#include "schema/ecma_pattern.hpp"

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "testing/test_schema.hpp"

namespace ea::schema {
namespace {

struct PatternCase {
    const char* re2;
    const char* ecma;  // nullptr: no ECMA spelling
};

constexpr PatternCase kPatternCases[] = {
    {"abc", "^(?:abc)$"},
    {"a|b", "^(?:a|b)$"},
    {"(?i:ab)c", "^(?:(?:[aA][bB])c)$"},
    {"(?i)x[a-c_]", "^(?:[xX][a-c_A-C])$"},
    {"\\d{1,5}\\.\\-x", "^(?:\\d{1,5}\\.-x)$"},
    {"[\\-a]", "^(?:[\\-a])$"},
    {"a{", "^(?:a\\{)$"},
    {"(?P<name>a)", "^(?:(?<name>a))$"},
    {"\\Aa\\z", "^(?:^a$)$"},
    {"\\x41", "^(?:\\x41)$"},
    {"(?s).", nullptr},
    {"\\pL", nullptr},
    {"[[:alpha:]]", nullptr},
    {"\\Qa.b\\E", nullptr},
    {"(a", nullptr},
    {"[a", nullptr},
};

TEST(EcmaPatternTest, TranslatesOrRefuses) {
    for (const auto& c : kPatternCases) {
        auto got = EcmaPattern(c.re2);
        if (c.ecma == nullptr) {
            EXPECT_FALSE(got.has_value()) << c.re2 << " -> " << got.value_or("");
        } else {
            EXPECT_EQ(got.value_or("<nullopt>"), c.ecma) << c.re2;
        }
    }
}

// The shipped email and url patterns accept exactly what RE2 (the validator) accepts.
TEST(EcmaPatternTest, ShippedPatternsAgreeWithTheValidator) {
    const auto& schema = testing::DefaultSchema();
    struct Sample {
        const char* entity;
        const char* field;
        std::vector<std::string> values;
    };
    const std::vector<Sample> samples = {
        {"User",
         "email",
         {"a@b.co", "first.last+tag@example.org", "x@sub.example.com", "a@b", "a..b@c.com",
          ".a@b.com", "a@-b.com", "a b@c.com", "A@B.CO", "a@b.c", "a@b.com ", ""}},
        {"Event",
         "url",
         {"https://example.com", "HTTP://Example.com/x?y=1#z", "http://localhost:8080/a",
          "http://10.0.0.1", "http://256.0.0.1", "ftp://example.com", "https://exa mple.com",
          "https://example.com/ a", "https://e.c", "HtTpS://LOCALHOST"}},
    };
    for (const auto& sample : samples) {
        const Field* field = schema.FindEntity(sample.entity)->FindField(sample.field);
        ASSERT_NE(field, nullptr);
        auto ecma = EcmaPattern(field->pattern->regex);
        ASSERT_TRUE(ecma.has_value()) << field->pattern->regex;
        const std::regex js(*ecma, std::regex::ECMAScript);
        for (const auto& text : sample.values) {
            EXPECT_EQ(std::regex_search(text, js),
                      re2::RE2::FullMatch(text, *field->pattern->compiled))
                << sample.field << ": \"" << text << "\" with " << *ecma;
        }
    }
}

}  // namespace
}  // namespace ea::schema
