// Open mode's loopback checks: addresses are parsed, never matched by prefix.
#include "app/loopback.hpp"

#include <gtest/gtest.h>

namespace ea::app {
namespace {

TEST(LoopbackTest, LoopbackAddressesAndTheNameLocalhost) {
    for (const char* host :
         {"127.0.0.1", "127.0.0.2", "127.255.255.254", "127.1.2.3", "::1", "[::1]",
          "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LocalHost"}) {
        EXPECT_TRUE(IsLoopbackHost(host)) << host;
    }
}

TEST(LoopbackTest, NamesAndAddressesThatOnlyLookLoopbackAreNot) {
    for (const char* host :
         {"127.example.com", "127.0.0.1.nip.io", "127.0.0.1 ", " 127.0.0.1", "127.1", "0127.0.0.1",
          "0.0.0.0", "::", "128.0.0.1", "10.0.0.1", "::2", "::ffff:10.0.0.1", "localhost.",
          "localhost.evil.example", "evil-localhost", "", "[]", "[127.0.0.1]x"}) {
        EXPECT_FALSE(IsLoopbackHost(host)) << "'" << host << "'";
    }
}

TEST(LoopbackTest, HostHeadersWithAndWithoutAPort) {
    for (const char* header :
         {"127.0.0.1", "127.0.0.1:8080", "localhost:1", "[::1]", "[::1]:8080", "LOCALHOST:65535"}) {
        EXPECT_TRUE(IsLoopbackHostHeader(header)) << header;
    }
    for (const char* header :
         {"", ":8080", "evil.example:8080", "127.example.com:80", "127.0.0.1:80x", "[::1]x",
          "[::1]:", "[::1", "::1", "localhost:", "127.0.0.1:8080:1", "evil.example"}) {
        EXPECT_FALSE(IsLoopbackHostHeader(header)) << "'" << header << "'";
    }
}

}  // namespace
}  // namespace ea::app
