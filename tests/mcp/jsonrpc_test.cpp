// JSON-RPC 2.0 parsing and serialization: every malformed shape gets its standard code, ids come
// back exactly as sent, notifications and client responses are told apart.
#include "mcp/jsonrpc.hpp"

#include <string>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace ea::mcp {
namespace {

using boost::json::value;

const RpcRequest& AsRequest(const ParsedMessage& message) {
    static const RpcRequest kEmpty;
    const auto* request = std::get_if<RpcRequest>(&message);
    EXPECT_NE(request, nullptr);
    return request != nullptr ? *request : kEmpty;
}

RpcFailure AsFailure(const ParsedMessage& message) {
    const auto* failure = std::get_if<RpcFailure>(&message);
    EXPECT_NE(failure, nullptr);
    return failure != nullptr ? *failure : RpcFailure{};
}

ParsedMessage One(std::string_view text) {
    auto parsed = ParseText(text);
    EXPECT_FALSE(parsed.failure.has_value()) << text;
    EXPECT_FALSE(parsed.is_batch);
    EXPECT_EQ(parsed.messages.size(), 1u);
    return parsed.messages.empty() ? ParsedMessage{RpcIgnored{}} : parsed.messages.front();
}

TEST(JsonRpcTest, RequestWithStringAndIntegerIdsKeptExactly) {
    const auto a = AsRequest(One(R"({"jsonrpc":"2.0","id":"007","method":"ping"})"));
    EXPECT_EQ(a.id, value("007"));
    EXPECT_FALSE(a.is_notification);
    EXPECT_EQ(a.method, "ping");
    EXPECT_FALSE(a.has_params);

    auto big = AsRequest(One(R"({"jsonrpc":"2.0","id":9007199254740993,"method":"x"})"));
    EXPECT_EQ(ResultResponse(big.id, {}), R"({"jsonrpc":"2.0","id":9007199254740993,"result":{}})");
    auto huge = AsRequest(One(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"x"})"));
    EXPECT_EQ(
        ErrorResponse(huge.id, RpcError{-32601, "m", {}}),
        R"({"jsonrpc":"2.0","id":18446744073709551615,"error":{"code":-32601,"message":"m"}})");
    auto negative = AsRequest(One(R"({"jsonrpc":"2.0","id":-3,"method":"x","params":{"a":1}})"));
    EXPECT_EQ(negative.id, value(-3));
    EXPECT_TRUE(negative.has_params);
    EXPECT_EQ(negative.params.at("a"), value(1));
}

TEST(JsonRpcTest, NotificationHasNoId) {
    const auto n = AsRequest(One(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
    EXPECT_TRUE(n.is_notification);
    EXPECT_TRUE(n.id.is_null());
}

TEST(JsonRpcTest, ClientResponsesAreIgnored) {
    EXPECT_TRUE(std::holds_alternative<RpcIgnored>(One(R"({"jsonrpc":"2.0","id":1,"result":{}})")));
    EXPECT_TRUE(std::holds_alternative<RpcIgnored>(
        One(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})")));
}

TEST(JsonRpcTest, ParseErrorForTextThatIsNotJson) {
    for (const char* text : {"garbage", "{\"jsonrpc\":", "", "{\"a\":\"\xff\"}"}) {
        auto parsed = ParseText(text);
        ASSERT_TRUE(parsed.failure.has_value()) << text;
        EXPECT_EQ(parsed.failure->code, rpc_code::kParseError) << text;
    }
}

TEST(JsonRpcTest, DeepNestingIsAParseErrorNotACrash) {
    std::string deep(100'000, '[');
    auto parsed = ParseText(deep);
    ASSERT_TRUE(parsed.failure.has_value());
    EXPECT_EQ(parsed.failure->code, rpc_code::kParseError);
}

TEST(JsonRpcTest, InvalidRequestsNameTheProblemAndKeepAReadableId) {
    struct Case {
        const char* text;
        value id;
        const char* words;
    };
    const Case cases[] = {
        {R"(42)", nullptr, "must be an object"},
        {R"({"id":1,"method":"ping"})", 1, "\"jsonrpc\" must be \"2.0\""},
        {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", 1, "\"jsonrpc\" must be \"2.0\""},
        {R"({"jsonrpc":"2.0","id":"x"})", "x", "\"method\" is missing"},
        {R"({"jsonrpc":"2.0","id":2,"method":7})", 2, "\"method\" must be a string"},
        {R"({"jsonrpc":"2.0","id":2,"method":"m","params":[1]})", 2,
         "\"params\" must be an object"},
        {R"({"jsonrpc":"2.0","id":null,"method":"m"})", nullptr, "string or an integer"},
        {R"({"jsonrpc":"2.0","id":1.5,"method":"m"})", nullptr, "string or an integer"},
        {R"({"jsonrpc":"2.0","id":{"a":1},"method":"m"})", nullptr, "string or an integer"},
    };
    for (const auto& c : cases) {
        auto failure = AsFailure(One(c.text));
        EXPECT_EQ(failure.error.code, rpc_code::kInvalidRequest) << c.text;
        EXPECT_EQ(failure.id, c.id) << c.text;
        EXPECT_NE(failure.error.message.find(c.words), std::string::npos)
            << c.text << " -> " << failure.error.message;
    }
}

TEST(JsonRpcTest, BatchesAreSplitInOrderAndAnEmptyOneIsInvalid) {
    auto parsed =
        ParseText(R"([{"jsonrpc":"2.0","id":1,"method":"a"},5,{"jsonrpc":"2.0","method":"b"}])");
    ASSERT_FALSE(parsed.failure.has_value());
    EXPECT_TRUE(parsed.is_batch);
    ASSERT_EQ(parsed.messages.size(), 3u);
    EXPECT_EQ(AsRequest(parsed.messages[0]).method, "a");
    EXPECT_EQ(AsFailure(parsed.messages[1]).error.code, rpc_code::kInvalidRequest);
    EXPECT_TRUE(AsRequest(parsed.messages[2]).is_notification);

    auto empty = ParseText("[]");
    ASSERT_TRUE(empty.failure.has_value());
    EXPECT_EQ(empty.failure->code, rpc_code::kInvalidRequest);
}

TEST(JsonRpcTest, OversizedMessageIsRefusedBeforeParsing) {
    std::string text(kMaxMessageBytes + 1, ' ');
    auto parsed = ParseText(text);
    ASSERT_TRUE(parsed.failure.has_value());
    EXPECT_EQ(parsed.failure->code, rpc_code::kInvalidRequest);
}

TEST(JsonRpcTest, ErrorResponseCarriesDataOnlyWhenGiven) {
    EXPECT_EQ(ErrorResponse(nullptr, RpcError{-32700, "Parse error", {}}),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
    EXPECT_EQ(
        ErrorResponse("a", RpcError{-32022, "Unsupported", boost::json::object{{"x", 1}}}),
        R"({"jsonrpc":"2.0","id":"a","error":{"code":-32022,"message":"Unsupported","data":{"x":1}}})");
    EXPECT_EQ(BatchResponse({"{}", "[]"}), "[{},[]]");
}

}  // namespace
}  // namespace ea::mcp
