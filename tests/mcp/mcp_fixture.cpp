#include "mcp_fixture.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "testing/test_schema.hpp"

namespace ea::mcp::testing {
namespace {

schema::SchemaPtr DefaultSchemaPtr() {
    static const schema::SchemaPtr schema = ea::testing::SchemaFromText([] {
        std::ifstream in(ea::testing::DefaultSchemaPath());
        return std::string(std::istreambuf_iterator<char>(in), {});
    }());
    return schema;
}

}  // namespace

McpTest::McpTest() : McpTest(DefaultSchemaPtr()) {}

McpTest::McpTest(schema::SchemaPtr schema) : schema_(std::move(schema)) {
    const std::string db = (dir_ / "t.db").string();
    auto opened = store::OpenStore(store::StoreConfig{"sqlite://" + db}, *schema_);
    if (!opened) {
        ADD_FAILURE() << "OpenStore: " << opened.error().message;
        std::abort();
    }
    store_ = *std::move(opened);
    documents_ = std::make_unique<service::DocumentService>(*schema_, *store_);
    auto sessions = auth::OpenSessionStore("", dir_ / "t.db");
    if (!sessions) {
        ADD_FAILURE() << "OpenSessionStore: " << sessions.error().message;
        std::abort();
    }
    sessions_ = *std::move(sessions);
    user_limiter_ = *ratelimit::TokenBucket::Create({5, 0.1, 1000});
    address_limiter_ = *ratelimit::TokenBucket::Create({60, 1.0, 1000});
    auth_ = std::make_unique<service::AuthService>(*store_, *sessions_, *user_limiter_,
                                                   *address_limiter_, service::AuthOptions{});
    tools_ = std::make_unique<ToolRegistry>(*schema_, ToolServices{*documents_, *auth_},
                                            ToolSchemaOptions{});
    resources_ = std::make_unique<ResourceCatalog>(*documents_);
    prompts_ = std::make_unique<PromptCatalog>(*schema_);
    completions_ = std::make_unique<Completer>(*documents_, *prompts_, *resources_);
    server_ = std::make_unique<McpServer>(
        *tools_, ServerIdentity{}, LogSink{},
        McpFeatures{resources_.get(), prompts_.get(), completions_.get()});
    connection_.principal = Principal::System();
    connection_.name = "test";
}

std::vector<boost::json::value> McpTest::Send(std::string_view text) {
    std::vector<boost::json::value> out;
    for (const auto& message : server_->Handle(connection_, text)) {
        EXPECT_EQ(message.find('\n'), std::string::npos) << "a message must be one line";
        boost::system::error_code ec;
        out.push_back(boost::json::parse(message, ec));
        EXPECT_FALSE(ec) << message;
    }
    return out;
}

boost::json::value McpTest::Ask(std::string_view text) {
    auto answers = Send(text);
    EXPECT_EQ(answers.size(), 1u) << text;
    return answers.empty() ? boost::json::value() : answers.front();
}

boost::json::value McpTest::Request(std::string_view method, boost::json::object params) {
    boost::json::object message{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}};
    if (!params.empty()) {
        message["params"] = std::move(params);
    }
    return Ask(boost::json::serialize(message));
}

void McpTest::InitializeSession(std::string_view version) {
    auto answer = Request(
        "initialize",
        boost::json::object{{"protocolVersion", version},
                            {"capabilities", boost::json::object{}},
                            {"clientInfo", boost::json::object{{"name", "t"}, {"version", "1"}}}});
    ASSERT_TRUE(answer.as_object().contains("result")) << boost::json::serialize(answer);
    EXPECT_TRUE(Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").empty());
}

boost::json::object McpTest::CallTool(std::string_view name, boost::json::object arguments) {
    auto answer = Request("tools/call",
                          boost::json::object{{"name", name}, {"arguments", std::move(arguments)}});
    if (!answer.is_object() || !answer.as_object().contains("result")) {
        ADD_FAILURE() << "tools/call " << name << ": " << boost::json::serialize(answer);
        return {};
    }
    return answer.at("result").as_object();
}

boost::json::object McpTest::ModernMeta(std::string_view version) {
    return boost::json::object{
        {"io.modelcontextprotocol/protocolVersion", version},
        {"io.modelcontextprotocol/clientCapabilities", boost::json::object{}},
        {"io.modelcontextprotocol/clientInfo",
         boost::json::object{{"name", "t"}, {"version", "1"}}}};
}

std::string McpTest::MakeAccount() {
    auto created = documents_->Create(
        service::RequestContext{Principal::System(), "test", service::Channel::kCli},
        *schema_->FindEntity("Account"), boost::json::object{});
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::string((*created)["id"].as_string()) : std::string();
}

std::string McpTest::Text(const boost::json::object& result) {
    return std::string(result.at("content").at(0).at("text").as_string());
}

void McpAccountTest::SetUp() {
    InitializeSession("2025-11-25");
    account_ = MakeAccount();
}

boost::json::object McpAccountTest::UserArgs(const std::string& username) const {
    return boost::json::object{{"username", username},
                               {"email", username + "@example.com"},
                               {"password", "long-enough-password"},
                               {"firstName", "Johnny"},
                               {"lastName", "Doelittle"},
                               {"isAccountOwner", false},
                               {"accountId", account_}};
}

}  // namespace ea::mcp::testing
