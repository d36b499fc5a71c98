// Log messages to the client in the session era: logging is announced there (not in 2026-07-28),
// logging/setLevel takes one of the eight levels, and after it each tool call at or above the
// level sends one notifications/message (what the server's log says of the call, never its
// arguments) just before the call's answer.
#include "mcp/client_log.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::object;
using boost::json::value;

class ClientLogTest : public McpTest {
protected:
    std::vector<value> Call(std::string_view tool, std::string_view arguments) {
        return Send(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":")" +
                    std::string(tool) + R"(","arguments":)" + std::string(arguments) + "}}");
    }
};

TEST(ClientLogLevelTest, TheEightLevelsInOrderAndNothingElse) {
    int previous = -1;
    for (const char* level :
         {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}) {
        const auto parsed = ParseLogLevel(level);
        ASSERT_TRUE(parsed) << level;
        EXPECT_GT(*parsed, previous) << level;
        previous = *parsed;
    }
    for (const char* bad : {"", "INFO", "warn", "fatal", "trace"}) {
        EXPECT_FALSE(ParseLogLevel(bad)) << bad;
    }
}

TEST_F(ClientLogTest, AnnouncedInTheSessionEraOnly) {
    auto initialized = Request(
        "initialize", object{{"protocolVersion", "2025-11-25"}, {"capabilities", object{}}});
    EXPECT_EQ(initialized.at("result").at("capabilities").at("logging"), value(object{}));
    auto discovered = Request("server/discover", object{{"_meta", ModernMeta()}});
    EXPECT_FALSE(discovered.at("result").at("capabilities").as_object().contains("logging"));
}

TEST_F(ClientLogTest, SetLevelTakesALevelAndRefusesAnythingElse) {
    InitializeSession();
    EXPECT_EQ(Request("logging/setLevel", object{{"level", "warning"}}).at("result"),
              value(object{}));
    for (const auto& params : {object{}, object{{"level", "loud"}}, object{{"level", 3}}}) {
        const auto refused = Request("logging/setLevel", params);
        ASSERT_TRUE(refused.as_object().contains("error")) << boost::json::serialize(refused);
        EXPECT_EQ(refused.at("error").at("code"), value(-32602));
    }
}

TEST_F(ClientLogTest, NothingIsSentBeforeTheClientAsks) {
    InitializeSession();
    const auto out = Call("list_users", R"({"pageSize":1})");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].as_object().contains("result"));
}

TEST_F(ClientLogTest, EachCallAtOrAboveTheLevelSendsOneMessageBeforeItsAnswer) {
    InitializeSession();
    Request("logging/setLevel", object{{"level", "info"}});
    const auto ok = Call("list_users", R"({"pageSize":1})");
    ASSERT_EQ(ok.size(), 2u);
    EXPECT_EQ(ok[0].at("method"), value("notifications/message"));
    const auto& params = ok[0].at("params");
    EXPECT_EQ(params.at("level"), value("info"));
    EXPECT_EQ(params.at("logger"), value("events-api"));
    EXPECT_EQ(params.at("data").at("tool"), value("list_users"));
    EXPECT_EQ(params.at("data").at("outcome"), value("ok"));
    EXPECT_FALSE(params.at("data").as_object().contains("arguments"));
    EXPECT_EQ(ok[1].at("id"), value(9));

    // At warning: a successful call says nothing, a tool error says warning.
    Request("logging/setLevel", object{{"level", "warning"}});
    EXPECT_EQ(Call("list_users", R"({"pageSize":1})").size(), 1u);
    const auto failed = Call("get_user", R"({"id":"usr_nobody"})");
    ASSERT_EQ(failed.size(), 2u);
    EXPECT_EQ(failed[0].at("params").at("level"), value("warning"));
    EXPECT_EQ(failed[0].at("params").at("data").at("outcome"), value("tool_error"));
    EXPECT_EQ(boost::json::serialize(failed[0]).find("usr_nobody"), std::string::npos)
        << "arguments never reach the log message";
}

}  // namespace
}  // namespace ea::mcp::testing
