#include <string>

#include <gtest/gtest.h>

#include "auth/redis_session_store.hpp"

namespace ea::auth {
namespace {

TEST(ParseRedisUrlTest, AcceptsTheDocumentedForms) {
    struct Case {
        const char* url;
        const char* host;
        int port;
        const char* username;
        const char* password;
        int db;
    };
    const Case cases[] = {
        {"redis://localhost", "localhost", 6379, "", "", 0},
        {"redis://127.0.0.1:6380", "127.0.0.1", 6380, "", "", 0},
        {"redis://127.0.0.1:6380/", "127.0.0.1", 6380, "", "", 0},
        {"redis://cache.internal:6379/3", "cache.internal", 6379, "", "", 3},
        {"redis://:s3cret@localhost:6379/1", "localhost", 6379, "", "s3cret", 1},
        {"redis://app:s3cret@localhost", "localhost", 6379, "app", "s3cret", 0},
        {"redis://:p%40ss%3Aw%2Ford@localhost", "localhost", 6379, "", "p@ss:w/ord", 0},
        {"REDIS://[::1]:7000/2", "::1", 7000, "", "", 2},
    };
    for (const auto& c : cases) {
        auto endpoint = ParseRedisUrl(c.url);
        ASSERT_TRUE(endpoint.has_value()) << c.url << ": " << endpoint.error().message;
        EXPECT_EQ(endpoint->host, c.host) << c.url;
        EXPECT_EQ(endpoint->port, c.port) << c.url;
        EXPECT_EQ(endpoint->username, c.username) << c.url;
        EXPECT_EQ(endpoint->password, c.password) << c.url;
        EXPECT_EQ(endpoint->db, c.db) << c.url;
    }
}

TEST(ParseRedisUrlTest, RejectsMalformedUrlsSayingWhyWithoutEchoingThePassword) {
    struct Case {
        const char* url;
        const char* reason;  // a word the message must contain
    };
    const Case cases[] = {
        {"", "not a valid URL"},
        {"redis:// s3cret@host", "not a valid URL"},
        {"rediss://:s3cret@host", "scheme"},
        {"http://:s3cret@host", "scheme"},
        {"unix:///tmp/redis.sock", "scheme"},
        {"redis://:s3cret@", "host"},
        {"redis:///0", "host"},
        {"redis://:s3cret@host:0", "port"},
        {"redis://:s3cret@host:65536", "port"},
        {"redis://:s3cret@host:", "port"},
        {"redis://:s3cret@host/x", "database number"},
        {"redis://:s3cret@host/-1", "database number"},
        {"redis://:s3cret@host/1/2", "database number"},
        {"redis://:s3cret@host/99999999999999999999", "database number"},
        {"redis://s3cret@host", "no password"},
        {"redis://user:@host", "empty password"},
        {"redis://:s3cret@host/0?timeout=5", "query"},
        {"redis://:s3cret@host/0#frag", "fragment"},
    };
    for (const auto& c : cases) {
        auto endpoint = ParseRedisUrl(c.url);
        ASSERT_FALSE(endpoint.has_value()) << c.url;
        EXPECT_EQ(endpoint.error().code, ErrorCode::kInvalidArgument) << c.url;
        EXPECT_NE(endpoint.error().message.find(c.reason), std::string::npos)
            << c.url << " -> " << endpoint.error().message;
        EXPECT_EQ(endpoint.error().message.find("s3cret"), std::string::npos)
            << endpoint.error().message;
    }
}

TEST(ParseRedisUrlTest, DescribeLeavesCredentialsOut) {
    auto endpoint = ParseRedisUrl("redis://app:s3cret@cache:6380/4");
    ASSERT_TRUE(endpoint.has_value());
    EXPECT_EQ(endpoint->Describe(), "redis://cache:6380/4");
    auto ipv6 = ParseRedisUrl("redis://[::1]");
    ASSERT_TRUE(ipv6.has_value());
    EXPECT_EQ(ipv6->Describe(), "redis://[::1]:6379/0");
}

}  // namespace
}  // namespace ea::auth
