// Password hashing: argon2id round trips, salting, and that the plain text never appears.
#include "auth/password.hpp"

#include <string>

#include <gtest/gtest.h>

namespace ea::auth {
namespace {

// Tests use the minimum cost so the suite stays fast on 2 cores; one test covers kInteractive.
constexpr PasswordCost kTestCost = PasswordCost::kMinimum;

std::string Hash(std::string_view plain) {
    auto hash = HashPassword(plain, kTestCost);
    EXPECT_TRUE(hash.has_value());
    return hash ? *hash : std::string();
}

TEST(PasswordTest, HashThenVerifyRoundTrips) {
    const auto hash = Hash("correct horse battery staple");
    EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
}

TEST(PasswordTest, WrongPasswordDoesNotVerify) {
    const auto hash = Hash("s3cret-password");
    EXPECT_FALSE(VerifyPassword(hash, "s3cret-passwore"));
    EXPECT_FALSE(VerifyPassword(hash, "S3cret-password"));
    EXPECT_FALSE(VerifyPassword(hash, ""));
    EXPECT_FALSE(VerifyPassword(hash, "s3cret-password "));
}

TEST(PasswordTest, HashIsArgon2idAndDoesNotContainThePlainText) {
    const std::string plain = "plaintext-password-123";
    const auto hash = Hash(plain);
    EXPECT_NE(hash, plain);
    EXPECT_EQ(hash.find(plain), std::string::npos);
    EXPECT_TRUE(hash.starts_with("$argon2id$"));
    EXPECT_TRUE(IsPasswordHash(hash));
}

TEST(PasswordTest, TwoHashesOfOnePasswordDifferButBothVerify) {
    const auto first = Hash("same password");
    const auto second = Hash("same password");
    EXPECT_NE(first, second);
    EXPECT_TRUE(VerifyPassword(first, "same password"));
    EXPECT_TRUE(VerifyPassword(second, "same password"));
}

TEST(PasswordTest, InteractiveCostHashVerifiesAndRecordsItsCost) {
    auto hash = HashPassword("interactive pw");
    ASSERT_TRUE(hash.has_value());
    EXPECT_TRUE(VerifyPassword(*hash, "interactive pw"));
    EXPECT_FALSE(VerifyPassword(*hash, "interactive PW"));
    EXPECT_FALSE(NeedsRehash(*hash, PasswordCost::kInteractive));
    EXPECT_TRUE(NeedsRehash(*hash, PasswordCost::kMinimum));
}

TEST(PasswordTest, MinimumCostHashNeedsRehashForInteractive) {
    const auto hash = Hash("cheap");
    EXPECT_TRUE(NeedsRehash(hash, PasswordCost::kInteractive));
    EXPECT_FALSE(NeedsRehash(hash, PasswordCost::kMinimum));
}

TEST(PasswordTest, UnicodeAndBinaryPasswordsRoundTrip) {
    const std::string unicode = "p\xC3\xA4ssw\xC3\xB6rd-\xE2\x9C\x93";
    EXPECT_TRUE(VerifyPassword(Hash(unicode), unicode));
    const std::string with_nul("a\0b", 3);
    const auto hash = Hash(with_nul);
    EXPECT_TRUE(VerifyPassword(hash, with_nul));
    EXPECT_FALSE(VerifyPassword(hash, "a"));
}

TEST(PasswordTest, EmptyAndLongPasswordsRoundTrip) {
    EXPECT_TRUE(VerifyPassword(Hash(""), ""));
    const std::string long_password(10000, 'x');
    const auto hash = Hash(long_password);
    EXPECT_TRUE(VerifyPassword(hash, long_password));
    EXPECT_FALSE(VerifyPassword(hash, std::string(9999, 'x')));
}

TEST(PasswordTest, NonHashesNeverVerify) {
    struct Case {
        std::string stored;
        std::string plain;
    };
    const Case cases[] = {
        {"hunter22", "hunter22"},  // a plain text password stored by mistake
        {"", ""},
        {"$argon2id$", ""},
        {"$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"},
        {"$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA", "x"},
        {"$2b$12$abcdefghijklmnopqrstuv", "x"},  // bcrypt
        {std::string("$argon2id$\0tail", 15), "x"},
        {"$argon2id$" + std::string(200, 'a'), "x"},
    };
    for (const auto& c : cases) {
        EXPECT_FALSE(VerifyPassword(c.stored, c.plain)) << c.stored;
    }
}

TEST(PasswordTest, TamperedHashDoesNotVerify) {
    auto hash = Hash("tamper me");
    hash.back() = hash.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyPassword(hash, "tamper me"));
}

TEST(PasswordTest, IsPasswordHashRecognisesOnlyArgon2id) {
    EXPECT_TRUE(IsPasswordHash("$argon2id$v=19$m=8,t=1,p=1$x$y"));
    EXPECT_FALSE(IsPasswordHash("$argon2i$v=19$m=8,t=1,p=1$x$y"));
    EXPECT_FALSE(IsPasswordHash("argon2id"));
    EXPECT_FALSE(IsPasswordHash(""));
    EXPECT_FALSE(IsPasswordHash("password123"));
}

TEST(PasswordTest, NeedsRehashForAnythingThatIsNotAHash) {
    EXPECT_TRUE(NeedsRehash("plain text"));
    EXPECT_TRUE(NeedsRehash(""));
    EXPECT_TRUE(NeedsRehash("$argon2id$broken"));
}

}  // namespace
}  // namespace ea::auth
