// Per-role rate limits on the real binary: REST answers 429 with Retry-After and the error
// envelope, an MCP tool call the isError result "Rate limit exceeded: retry in N s"; admin is not
// limited by default; and two instances on one Redis share one budget per principal.
#include <chrono>
#include <string>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"
#include "testing/redis_server.hpp"

namespace ea::integration {
namespace {

using ea::testing::Request;

constexpr const char* kAgentPassword = "agent-password-1";

// A stateless (2026-07-28) tools/call on /mcp.
json::object ToolResult(const HttpResponse& response) {
    const auto body = response.Json();
    const auto* object = body.if_object();
    const auto* result = object ? object->if_contains("result") : nullptr;
    return result && result->is_object() ? result->get_object() : json::object{};
}

bool IsToolError(const json::object& result) {
    const auto* is_error = result.if_contains("isError");
    return is_error != nullptr && is_error->is_bool() && is_error->get_bool();
}

std::string ToolText(const json::object& result) {
    const auto* content = result.if_contains("content");
    if (content && content->is_array() && !content->get_array().empty() &&
        content->get_array()[0].is_object()) {
        return Str(content->get_array()[0].get_object().at("text"));
    }
    return "";
}

class RateLimitTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto options = DemoServerOptions();
        options.extra_args = {"--rate-limits", "ai_agent=3/60s"};
        server_ = StartServer(options).release();
        ASSERT_NE(server_, nullptr);
        admin_token_ = LoginToken(server_->port(), "admin", kAdminPassword);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    // A fresh ai_agent user, logged in; its session token. Logging in is not a data call.
    static std::string AgentToken() {
        const std::string username = UniqueId("agent");
        Api admin(server_->port(), admin_token_);
        auto created = admin.Post("/api/user", json::object{{"username", username},
                                                            {"email", username + "@example.org"},
                                                            {"password", kAgentPassword},
                                                            {"role", "ai_agent"},
                                                            {"firstName", "Rate"},
                                                            {"lastName", "Limited"},
                                                            {"isAccountOwner", false},
                                                            {"accountId", "acc_demo_0"}});
        EXPECT_TRUE(IsSuccess(created, 201)) << Describe(created);
        return LoginToken(server_->port(), username, kAgentPassword);
    }

    static ea::testing::ServerProcess* server_;
    static std::string admin_token_;
};

ea::testing::ServerProcess* RateLimitTest::server_ = nullptr;
std::string RateLimitTest::admin_token_;

TEST_F(RateLimitTest, RestAnswers429WithRetryAfterAndTheEnvelopeOnceTheRolesBudgetIsSpent) {
    Api agent(server_->port(), AgentToken());
    for (int i = 0; i < 3; ++i) {
        auto listed = agent.Get("/api/account?pageSize=1");
        ASSERT_TRUE(IsSuccess(listed)) << i << " " << Describe(listed);
    }
    auto limited = agent.Get("/api/account?pageSize=1");
    EXPECT_TRUE(IsError(limited, 429, "rate_limited",
                        "rate limit exceeded for role ai_agent (3 calls per 60 s); retry in 20 s"))
        << Describe(limited);
    EXPECT_EQ(limited.Header("Retry-After"), "20");
    // Writes are refused the same way, and nothing is written.
    const std::string id = UniqueId("acc_rl");
    auto created = agent.Post("/api/profile", json::object{{"id", id}});
    EXPECT_TRUE(IsError(created, 429, "rate_limited")) << Describe(created);
    EXPECT_TRUE(IsError(Api(server_->port(), admin_token_).Get("/api/profile/" + id), 404));
}

TEST_F(RateLimitTest, McpToolCallsGetAnIsErrorResultSayingWhenToRetry) {
    const std::string token = AgentToken();
    for (int i = 0; i < 3; ++i) {
        auto call = StatelessToolCall(server_->port(), token, "list_accounts", R"({"pageSize":1})");
        ASSERT_EQ(call.status, 200) << Describe(call);
        ASSERT_FALSE(IsToolError(ToolResult(call))) << i << " " << Describe(call);
    }
    auto limited = StatelessToolCall(server_->port(), token, "list_accounts", R"({"pageSize":1})");
    ASSERT_EQ(limited.status, 200) << Describe(limited);
    const auto result = ToolResult(limited);
    EXPECT_TRUE(IsToolError(result)) << Describe(limited);
    EXPECT_EQ(ToolText(result), "Rate limit exceeded: retry in 20 s");
    // The same budget as REST: the principal is limited on both faces.
    EXPECT_EQ(Api(server_->port(), token).Get("/api/account").status, 429);
}

TEST_F(RateLimitTest, AdminIsNotLimitedByDefault) {
    Api admin(server_->port(), admin_token_);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(IsSuccess(admin.Get("/api/account?pageSize=1"))) << i;
    }
}

// Two instances on one Redis (sessions and rate limits shared): a demo user (role read, limited
// to 4 calls a minute here) logged in on A spends one budget across A and B.
TEST(SharedRateLimitTest, TwoInstancesOnOneRedisShareOneBudgetPerPrincipal) {
    auto redis = ea::testing::RedisServer::Start();
    ASSERT_TRUE(redis.has_value()) << redis.error().message;
    auto options = DemoServerOptions();
    options.extra_args = {"--sessions", (*redis)->Url(), "--rate-limits", "read=4/60s"};
    auto a = StartServer(options);
    auto b = StartServer(options);
    ASSERT_TRUE(a && b);
    const std::string admin_token = LoginToken(a->port(), "admin", kAdminPassword);
    auto user =
        Api(a->port(), admin_token).Get("/api/user?filter=role:read&sort=username&pageSize=1");
    ASSERT_EQ(RowsOf(user).size(), 1u) << Describe(user);
    const std::string username = Str(RowsOf(user)[0].at("username"));
    const std::string token = LoginToken(a->port(), username, kDemoPassword);
    Api on_a(a->port(), token);
    Api on_b(b->port(), token);
    ASSERT_TRUE(IsSuccess(on_a.Get("/api/account?pageSize=1")));
    ASSERT_TRUE(IsSuccess(on_b.Get("/api/account?pageSize=1")));
    ASSERT_TRUE(IsSuccess(on_a.Get("/api/account?pageSize=1")));
    ASSERT_TRUE(IsSuccess(on_b.Get("/api/account?pageSize=1")));
    EXPECT_TRUE(IsError(on_a.Get("/api/account?pageSize=1"), 429, "rate_limited"));
    EXPECT_TRUE(IsError(on_b.Get("/api/account?pageSize=1"), 429, "rate_limited"));

    // Redis down: the shared sessions and buckets are unreachable, so requests fail closed
    // (503), never "allow" (the limiter's own fail-closed path: CallLimiterTest,
    // RedisTokenBucketTest).
    (*redis)->Stop();
    Api admin_b(b->port(), admin_token);
    auto down = admin_b.Get("/api/account?pageSize=1");
    EXPECT_EQ(down.status, 503) << Describe(down);
}

}  // namespace
}  // namespace ea::integration
