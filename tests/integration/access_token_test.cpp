// Access tokens on the real binary: `events-api token create` (a process of its own on the
// server's database file) issues a bearer that works on REST and on MCP over HTTP as its user;
// `token revoke`, expiry and a change to the user end it on the very next request; a bearer of
// the wrong shape is refused with a message saying so; the token never reaches a log line or
// `token list`.
#include <chrono>
#include <string>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"
#include "integration/service_user_suite.hpp"

namespace ea::integration {
namespace {

using ea::testing::Request;

class AccessTokenTest : public ServiceUserSuite {
protected:
    // The tok_... id that `token create` reported on stderr for the last token of `username`.
    static std::string IdOf(const std::string& username) {
        const auto listed = Token({"list", username});
        EXPECT_EQ(listed.exit_code, 0) << listed.err;
        const auto at = listed.out.rfind("tok_");
        return at == std::string::npos ? "" : listed.out.substr(at, 20);
    }

    static std::string RpcErrorMessage(const HttpResponse& response) {
        const auto body = response.Json();
        const auto* object = body.if_object();
        const auto* error = object ? object->if_contains("error") : nullptr;
        const auto* message =
            error && error->is_object() ? error->get_object().if_contains("message") : nullptr;
        return message ? Str(*message) : "";
    }

    static bool IsToolSuccess(const HttpResponse& response) {
        const auto body = response.Json();
        const auto* object = body.if_object();
        const auto* result = object ? object->if_contains("result") : nullptr;
        if (result == nullptr || !result->is_object()) {
            return false;
        }
        const auto* is_error = result->get_object().if_contains("isError");
        return is_error == nullptr || !is_error->as_bool();
    }
};

TEST_F(AccessTokenTest, CreatedTokenWorksOnRestAndMcpUntilRevokedThenTheNextRequestIs401) {
    const std::string username = UniqueId("svc");
    const std::string id = CreateUser(username, "ai_agent");
    const std::string token = CreateToken(username, {"--name", "remote claude"});
    Api api(port(), token);

    auto me = api.Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me)) << Describe(me);
    EXPECT_EQ(Str(DataOf(me).at("username")), username);
    EXPECT_EQ(Str(DataOf(me).at("role")), "ai_agent");
    // The token's role applies: ai_agent reads users but deletes nothing.
    EXPECT_TRUE(IsSuccess(api.Get("/api/user/" + id)));
    EXPECT_TRUE(IsError(api.Delete("/api/account/acc_demo_0"), 403, "forbidden"));

    auto call = StatelessToolCall(port(), token, "get_user", R"({"id":")" + id + R"("})");
    ASSERT_EQ(call.status, 200) << Describe(call);
    EXPECT_TRUE(IsToolSuccess(call)) << Describe(call);
    EXPECT_NE(call.body.find(username), std::string::npos) << Describe(call);

    // Listed with its name, user, role and a last-used time, never the token or its hash.
    const auto listed = Token({"list"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("remote claude"), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find(username), std::string::npos) << listed.out;
    EXPECT_EQ(listed.out.find(token), std::string::npos);
    EXPECT_EQ(listed.out.find(token.substr(4)), std::string::npos);
    const std::string token_id = IdOf(username);
    ASSERT_TRUE(token_id.starts_with("tok_")) << listed.out;
    const auto row = listed.out.substr(listed.out.find(token_id));
    const auto line = row.substr(0, row.find('\n'));
    EXPECT_EQ(line.find("never"), std::string::npos) << "last used should be set: " << line;

    const auto revoked = Token({"revoke", token_id});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    EXPECT_EQ(revoked.out, "revoked access token " + token_id + "\n");
    EXPECT_TRUE(IsError(api.Get("/user/auth/me"), 401, "unauthenticated",
                        "access token expired, revoked or unknown"));
    const auto refused = StatelessToolCall(port(), token, "get_user", R"({"id":")" + id + R"("})");
    EXPECT_EQ(refused.status, 401) << Describe(refused);
    EXPECT_NE(RpcErrorMessage(refused).find("access token expired, revoked or unknown"),
              std::string::npos)
        << Describe(refused);
    EXPECT_EQ(Token({"list", username}).out.find(token_id), std::string::npos);
    // Revoking it again names the id.
    const auto again = Token({"revoke", token_id});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("no access token with id '" + token_id + "'"), std::string::npos)
        << again.err;

    // The token never reached the server's log.
    EXPECT_EQ(server().StderrText().find(token.substr(4)), std::string::npos);
    EXPECT_EQ(server().StdoutText().find(token.substr(4)), std::string::npos);
}

TEST_F(AccessTokenTest, ExpiredTokenIs401) {
    const std::string username = UniqueId("svcexp");
    CreateUser(username, "read");
    const std::string token = CreateToken(username, {"--expires", "2s"});
    Api api(port(), token);
    // Refused once its two seconds are over, with the access token's own message.
    EXPECT_TRUE(
        WaitFor([&] { return api.Get("/user/auth/me").status == 401; }, std::chrono::seconds(10)));
    EXPECT_TRUE(IsError(api.Get("/user/auth/me"), 401, "unauthenticated",
                        "access token expired, revoked or unknown"));
    EXPECT_EQ(StatelessToolCall(port(), token, "list_accounts", "{}").status, 401);
}

TEST_F(AccessTokenTest, RoleChangeEndsTheTokenOnTheNextRequest) {
    const std::string username = UniqueId("svcrole");
    const std::string id = CreateUser(username, "ai_agent");
    const std::string token = CreateToken(username);
    Api api(port(), token);
    ASSERT_TRUE(IsSuccess(api.Get("/user/auth/me")));
    auto patched = Admin().Patch("/api/user/" + id, json::object{{"role", "read"}});
    ASSERT_TRUE(IsSuccess(patched)) << Describe(patched);
    EXPECT_TRUE(IsError(api.Get("/user/auth/me"), 401, "unauthenticated"));
    EXPECT_EQ(StatelessToolCall(port(), token, "list_accounts", "{}").status, 401);
}

TEST_F(AccessTokenTest, WrongFormatBearerIs401WithAClearMessageOnRestAndMcp) {
    const std::vector<std::string> malformed = {"abc", "eat_short", std::string(47, 'x') + "!",
                                                "eat_" + std::string(43, '*')};
    for (const auto& bad : malformed) {
        Api api(port(), bad);
        EXPECT_TRUE(
            IsError(api.Get("/user/auth/me"), 401, "unauthenticated", "malformed bearer token"))
            << bad;
        const auto mcp = StatelessToolCall(port(), bad, "list_accounts", "{}");
        EXPECT_EQ(mcp.status, 401) << Describe(mcp);
        EXPECT_NE(RpcErrorMessage(mcp).find("malformed bearer token"), std::string::npos)
            << Describe(mcp);
        EXPECT_EQ(mcp.body.find(bad), std::string::npos) << "the bearer is not echoed";
    }
    // A well-formed access token nobody issued.
    Api unknown(port(), "eat_" + std::string(43, 'A'));
    EXPECT_TRUE(IsError(unknown.Get("/user/auth/me"), 401, "unauthenticated",
                        "access token expired, revoked or unknown"));
}

TEST_F(AccessTokenTest, CreateRefusesAnUnknownUserAndABadLifetime) {
    const auto unknown = Token({"create", "no_such_user_anywhere"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(unknown.out, "");
    EXPECT_NE(unknown.err.find("no user named 'no_such_user_anywhere'"), std::string::npos)
        << unknown.err;
    const auto bad = Token({"create", "admin", "--expires", "90x"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.out, "");
    EXPECT_NE(bad.err.find("--expires: expected a positive whole number and a unit"),
              std::string::npos)
        << bad.err;
}

}  // namespace
}  // namespace ea::integration
