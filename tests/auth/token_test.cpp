#include "auth/token.hpp"

#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

namespace ea::auth {
namespace {

bool IsBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

TEST(TokenTest, NewTokenIs43Base64UrlCharactersWithoutPadding) {
    for (int i = 0; i < 1000; ++i) {
        const std::string token = NewToken();
        ASSERT_EQ(token.size(), kTokenLength);
        for (char c : token) {
            ASSERT_TRUE(IsBase64UrlChar(c)) << "unexpected character in " << token;
        }
    }
}

TEST(TokenTest, TokensAreUniqueOver10000) {
    std::unordered_set<std::string> seen;
    for (int i = 0; i < 10'000; ++i) {
        ASSERT_TRUE(seen.insert(NewToken()).second) << "duplicate token after " << i;
    }
}

TEST(TokenTest, TokensUseTheWholeAlphabet) {
    // 256 random bits per token: over 1000 tokens every one of the 64 characters shows up
    // (a broken encoder, e.g. hex or a stuck byte, would not).
    std::unordered_set<char> seen;
    for (int i = 0; i < 1000; ++i) {
        for (char c : NewToken()) {
            seen.insert(c);
        }
    }
    EXPECT_EQ(seen.size(), 64u);
}

TEST(TokenTest, HashIs64LowercaseHexAndStable) {
    const std::string token = NewToken();
    const std::string hash = HashToken(token);
    ASSERT_EQ(hash.size(), kTokenHashLength);
    for (char c : hash) {
        EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << hash;
    }
    EXPECT_EQ(HashToken(token), hash);
    EXPECT_NE(HashToken(NewToken()), hash);
}

TEST(TokenTest, HashIsSha256) {
    // FIPS 180-2 test vectors.
    EXPECT_EQ(HashToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenTest, ConstantTimeEqualsComparesContentAndLength) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
    EXPECT_FALSE(ConstantTimeEquals("", "a"));
    const std::string hash = HashToken("x");
    EXPECT_TRUE(ConstantTimeEquals(hash, HashToken("x")));
    EXPECT_FALSE(ConstantTimeEquals(hash, HashToken("y")));
}

}  // namespace
}  // namespace ea::auth
