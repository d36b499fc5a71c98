#include "http/target.hpp"

#include <gtest/gtest.h>

namespace ea::http {
namespace {

TEST(TargetTest, SplitsDecodedPathFromRawQuery) {
    auto target = ParseTarget("/api/caf%C3%A9/x%20y?filter=a%3Ab&page=2");
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->path, "/api/caf\xC3\xA9/x y");
    EXPECT_EQ(target->query, "filter=a%3Ab&page=2");
}

TEST(TargetTest, RejectsHostilePathsNamingTheProblem) {
    struct Case {
        const char* target;
        const char* message_part;
    };
    const Case cases[] = {
        {"/api/../etc/passwd", "'..'"},
        {"/api/%2e%2e/etc", "'..'"},
        {"/api/%2E%2E", "'..'"},
        {"/api/.%2e/x", "'..'"},
        {"/./api", "'.'"},
        {"/api/a%2Fb", "encoded '/'"},
        {"/api/a%5Cb", "encoded '/'"},
        {"/api/a%00b", "NUL"},
        {"/api/a%0d%0aSet-Cookie:x", "control"},
        {"/api/%ff", "UTF-8"},
        {"/api/%C0%AF", "UTF-8"},     // overlong '/'
        {"/api/%ED%A0%80", "UTF-8"},  // surrogate
        {"/api/%zz", "valid URL"},
        {"/api/%4", "valid URL"},
        {"http://example.com/api", "starting with '/'"},
        {"*", "starting with '/'"},
        {"/api/a b", "valid URL"},
        {"/api/\xff", "valid URL"},
    };
    for (const auto& c : cases) {
        auto target = ParseTarget(c.target);
        ASSERT_FALSE(target) << c.target;
        EXPECT_EQ(target.error().code, ErrorCode::kInvalidArgument) << c.target;
        EXPECT_NE(target.error().message.find(c.message_part), std::string::npos)
            << c.target << ": " << target.error().message;
    }
}

TEST(TargetTest, AcceptsDotsInsideSegmentsAndEmptySegments) {
    for (const char* ok : {"/", "/a.b", "/..a", "/a/...", "/a//b", "/a/", "/a?x=../.."}) {
        EXPECT_TRUE(ParseTarget(ok)) << ok;
    }
}

TEST(TargetTest, QueryStringDecodesInOrderKeepingDuplicates) {
    auto params = ParseQueryString("a=1&b=x%20y+z&&c&a=2&filter=name%3A%22x%2Cy%22");
    ASSERT_TRUE(params) << params.error().message;
    const QueryParams expected = {
        {"a", "1"}, {"b", "x y z"}, {"c", ""}, {"a", "2"}, {"filter", "name:\"x,y\""}};
    EXPECT_EQ(*params, expected);
}

TEST(TargetTest, QueryStringRejectsBadEncodingNulAndInvalidUtf8) {
    for (const char* bad : {"a=%zz", "a=%4", "a=%00", "a%ff=1", "a=%C3"}) {
        auto params = ParseQueryString(bad);
        EXPECT_FALSE(params) << bad;
    }
}

TEST(TargetTest, Utf8Validation) {
    EXPECT_TRUE(IsValidUtf8("plain ascii"));
    EXPECT_TRUE(IsValidUtf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
    EXPECT_FALSE(IsValidUtf8("\x80"));
    EXPECT_FALSE(IsValidUtf8("\xC3"));
    EXPECT_FALSE(IsValidUtf8("\xE0\x80\x80"));      // overlong
    EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace ea::http
