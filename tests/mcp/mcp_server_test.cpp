// McpServer's era split on one connection: session-era version negotiation and lifecycle, the
// stateless 2026-07-28 request _meta, server/discover, resultType, and batches per revision.
#include "mcp/mcp_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class McpServerTest : public McpTest {};

int ErrorCodeOf(const value& answer) {
    const auto* error = answer.as_object().if_contains("error");
    return error != nullptr ? static_cast<int>(error->at("code").as_int64()) : 0;
}

TEST_F(McpServerTest, InitializeAnswersTheRequestedVersionWhenSupported) {
    for (const char* version : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
        Connection fresh;
        auto out = server_->Handle(
            fresh,
            std::string(
                R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")") +
                version + R"(","capabilities":{},"clientInfo":{"name":"c","version":"1"}}})");
        ASSERT_EQ(out.size(), 1u);
        auto result = boost::json::parse(out[0]).at("result");
        EXPECT_EQ(result.at("protocolVersion"), value(version));
        EXPECT_EQ(result.at("serverInfo").at("name"), value("events-api"));
        EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
        EXPECT_FALSE(result.as_object().contains("resultType")) << "session-era results have none";
    }
}

TEST_F(McpServerTest, InitializeWithAnUnknownVersionAnswersTheLatestSessionVersion) {
    auto answer = Request("initialize",
                          object{{"protocolVersion", "2099-01-01"}, {"capabilities", object{}}});
    EXPECT_EQ(answer.at("result").at("protocolVersion"), value("2025-11-25"));
    // 2026-07-28 has no initialize: asking for it in initialize also gets the latest session one.
    Connection fresh;
    auto out = server_->Handle(
        fresh,
        R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2026-07-28","capabilities":{}}})");
    EXPECT_EQ(boost::json::parse(out.at(0)).at("result").at("protocolVersion"),
              value("2025-11-25"));
}

TEST_F(McpServerTest, InitializeWithoutAVersionIsInvalidParams) {
    EXPECT_EQ(ErrorCodeOf(Request("initialize", object{{"capabilities", object{}}})), -32602);
    EXPECT_EQ(ErrorCodeOf(Ask(R"({"jsonrpc":"2.0","id":1,"method":"initialize"})")), -32602);
}

TEST_F(McpServerTest, SecondInitializeIsRefused) {
    InitializeSession("2025-06-18");
    auto answer = Request("initialize",
                          object{{"protocolVersion", "2025-11-25"}, {"capabilities", object{}}});
    EXPECT_EQ(ErrorCodeOf(answer), -32600);
    EXPECT_EQ(*connection_.session.version, "2025-06-18");
}

TEST_F(McpServerTest, CallsBeforeInitializeAreRefusedButPingWorks) {
    for (const char* method : {"tools/list", "tools/call"}) {
        auto answer = Request(method, object{{"name", "list_users"}});
        EXPECT_EQ(ErrorCodeOf(answer), -32600) << method;
        EXPECT_NE(answer.at("error").at("message").as_string().find("initialize"),
                  boost::json::string::npos);
    }
    EXPECT_EQ(Request("ping").at("result"), value(object{}));
    InitializeSession();
    EXPECT_EQ(Request("tools/list").at("result").at("tools").as_array().size(), 42u);
}

TEST_F(McpServerTest, NotificationsAreNeverAnswered) {
    EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").empty());
    EXPECT_TRUE(
        Send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})")
            .empty());
    EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","method":"no/such/method"})").empty());
    EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","id":1,"result":{}})").empty()) << "client responses";
}

TEST_F(McpServerTest, UnknownMethodIsMethodNotFoundWithTheSameId) {
    InitializeSession();
    auto answer = Ask(R"({"jsonrpc":"2.0","id":"q-1","method":"resources/unknown"})");
    EXPECT_EQ(ErrorCodeOf(answer), -32601);
    EXPECT_EQ(answer.at("id"), value("q-1"));
}

TEST_F(McpServerTest, UnknownToolIsInvalidParams) {
    InitializeSession();
    auto answer = Request("tools/call", object{{"name", "drop_database"}, {"arguments", object{}}});
    EXPECT_EQ(ErrorCodeOf(answer), -32602);
    EXPECT_EQ(answer.at("error").at("message"), value("Unknown tool: drop_database"));
    EXPECT_EQ(ErrorCodeOf(Request("tools/call", object{{"arguments", object{}}})), -32602);
    EXPECT_EQ(
        ErrorCodeOf(Request("tools/call", object{{"name", "list_users"}, {"arguments", array{}}})),
        -32602);
}

TEST_F(McpServerTest, ParseErrorsAnswerWithANullId) {
    auto answer = Ask("{not json");
    EXPECT_EQ(ErrorCodeOf(answer), -32700);
    EXPECT_TRUE(answer.at("id").is_null());
}

TEST_F(McpServerTest, StructuredContentOnlyFromRevisionsThatHaveIt) {
    InitializeSession("2025-03-26");
    auto old = CallTool("list_accounts", object{});
    EXPECT_FALSE(old.contains("structuredContent"));
    EXPECT_EQ(old.at("content").at(0).at("type"), value("text"));

    Connection modern_session{Principal::System()};
    std::swap(connection_, modern_session);
    InitializeSession("2025-06-18");
    auto current = CallTool("list_accounts", object{});
    EXPECT_TRUE(current.at("structuredContent").as_object().contains("pagination"));
}

TEST_F(McpServerTest, BatchesOnlyOn20250326) {
    const char* batch =
        R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":"b","method":"tools/list"}])";
    InitializeSession("2025-06-18");
    auto refused = Ask(batch);
    EXPECT_EQ(ErrorCodeOf(refused), -32600);
    EXPECT_TRUE(refused.at("id").is_null());

    Connection old{Principal::System()};
    std::swap(connection_, old);
    InitializeSession("2025-03-26");
    auto answer = Ask(batch);
    ASSERT_TRUE(answer.is_array()) << boost::json::serialize(answer);
    ASSERT_EQ(answer.as_array().size(), 2u) << "the notification gets no answer";
    EXPECT_EQ(answer.at(0).at("id"), value(1));
    EXPECT_EQ(answer.at(1).at("id"), value("b"));
    EXPECT_EQ(answer.at(1).at("result").at("tools").as_array().size(), 42u);
}

TEST_F(McpServerTest, HostileInputGetsOneClearErrorEachAndServingGoesOn) {
    InitializeSession();
    struct Case {
        std::string text;
        int code;  // 0: a tool result with isError
    };
    const std::vector<Case> cases = {
        {std::string(200, '{'), -32700},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xc3\x28\"}", -32700},
        {R"({"jsonrpc":"2.0","id":1e400,"method":"ping"})", -32600},
        {R"({"jsonrpc":"2.0","id":[1],"method":"ping"})", -32600},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_users","arguments":"x"}})",
         -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_users","arguments":{"filter":"x"}}})",
         0},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_users","arguments":{"sort":5}}})",
         0},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_users","arguments":{"view":[]}}})",
         0},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_user","arguments":{"id":12}}})",
         0},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_user","arguments":{"username":{"$gt":1}}}})",
         0},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"abc"}})", -32602},
    };
    for (const auto& c : cases) {
        auto answers = Send(c.text);
        ASSERT_EQ(answers.size(), 1u) << c.text;
        if (c.code != 0) {
            EXPECT_EQ(ErrorCodeOf(answers[0]), c.code) << c.text;
        } else {
            EXPECT_EQ(answers[0].at("result").at("isError"), value(true)) << c.text;
        }
    }
    EXPECT_EQ(Request("tools/list").at("result").at("tools").as_array().size(), 42u);
}

// ---- 2026-07-28 ---------------------------------------------------------------------------

TEST_F(McpServerTest, DiscoverNeedsNoInitializeAndListsTheStatelessVersion) {
    auto answer = Request("server/discover", object{{"_meta", ModernMeta()}});
    const auto& result = answer.at("result");
    EXPECT_EQ(result.at("resultType"), value("complete"));
    EXPECT_EQ(result.at("supportedVersions"), value(array{"2026-07-28"}));
    EXPECT_TRUE(result.at("capabilities").as_object().contains("tools"));
    EXPECT_EQ(result.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name"),
              value("events-api"));
    EXPECT_GE(result.at("ttlMs").as_int64(), 0);
    EXPECT_EQ(result.at("cacheScope"), value("public"));
    EXPECT_FALSE(connection_.session.version.has_value()) << "no session was started";
}

TEST_F(McpServerTest, StatelessToolsListAndCallCarryResultTypeAndCacheHints) {
    auto listed = Request("tools/list", object{{"_meta", ModernMeta()}}).at("result");
    EXPECT_EQ(listed.at("resultType"), value("complete"));
    EXPECT_EQ(listed.at("tools").as_array().size(), 42u);
    EXPECT_EQ(listed.at("cacheScope"), value("private"));
    EXPECT_TRUE(listed.at("ttlMs").is_int64());
    auto called =
        Request("tools/call",
                object{{"_meta", ModernMeta()}, {"name", "list_accounts"}, {"arguments", object{}}})
            .at("result");
    EXPECT_EQ(called.at("resultType"), value("complete"));
    EXPECT_EQ(called.at("isError"), value(false));
    EXPECT_TRUE(called.as_object().contains("structuredContent"));
    EXPECT_TRUE(called.at("_meta").as_object().contains("io.modelcontextprotocol/serverInfo"));
}

TEST_F(McpServerTest, UnsupportedProtocolVersionListsWhatIsSupported) {
    for (const char* version : {"1900-01-01", "2025-11-25"}) {
        auto answer = Request("tools/list", object{{"_meta", ModernMeta(version)}});
        EXPECT_EQ(ErrorCodeOf(answer), -32022) << version;
        EXPECT_EQ(answer.at("error").at("data").at("requested"), value(version));
        EXPECT_EQ(answer.at("error").at("data").at("supported"), value(array{"2026-07-28"}));
    }
}

TEST_F(McpServerTest, MalformedRequestMetaIsInvalidParams) {
    object no_capabilities{{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}};
    EXPECT_EQ(ErrorCodeOf(Request("tools/list", object{{"_meta", no_capabilities}})), -32602);
    object bad_version{{"io.modelcontextprotocol/protocolVersion", 20260728},
                       {"io.modelcontextprotocol/clientCapabilities", object{}}};
    EXPECT_EQ(ErrorCodeOf(Request("tools/list", object{{"_meta", bad_version}})), -32602);
    // server/discover without any _meta is a malformed modern request, not a legacy call.
    EXPECT_EQ(ErrorCodeOf(Request("server/discover")), -32602);
}

TEST_F(McpServerTest, PingAndInitializeBelongToTheSessionEraOnly) {
    EXPECT_EQ(ErrorCodeOf(Request("ping", object{{"_meta", ModernMeta()}})), -32601);
    // initialize carrying modern _meta still starts the session era.
    auto init = Request("initialize", object{{"_meta", ModernMeta()},
                                             {"protocolVersion", "2025-06-18"},
                                             {"capabilities", object{}}});
    EXPECT_EQ(init.at("result").at("protocolVersion"), value("2025-06-18"));
}

TEST_F(McpServerTest, BothErasOnOneConnection) {
    InitializeSession("2025-11-25");
    auto legacy = Request("tools/list").at("result");
    auto modern = Request("tools/list", object{{"_meta", ModernMeta()}}).at("result");
    EXPECT_FALSE(legacy.as_object().contains("resultType"));
    EXPECT_EQ(modern.at("resultType"), value("complete"));
    EXPECT_EQ(legacy.at("tools"), modern.at("tools")) << "one tool list, whatever the era";
}

}  // namespace
}  // namespace ea::mcp::testing
