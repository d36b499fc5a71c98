// Streamable HTTP at /mcp on the real `events-api serve`, over raw sockets: every header rule of
// both eras (Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method/Mcp-Name, Origin, Authorization),
// hostile input, and two principals' sessions kept apart.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::Request;

constexpr const char* kStatelessMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";

std::string InitializeBody(std::string_view version = "2025-11-25") {
    return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":")" +
           std::string(version) +
           R"(","capabilities":{},"clientInfo":{"name":"mcp-http-test","version":"1"}}})";
}

// A POST to /mcp as the official SDK clients send it, plus `extra` headers.
HttpResponse Post(std::uint16_t port, const std::string& token, std::string_view body,
                  Headers extra = {}) {
    Headers headers = {{"Content-Type", "application/json"},
                       {"Accept", "application/json, text/event-stream"}};
    if (!token.empty()) {
        headers.emplace_back("Authorization", "Bearer " + token);
    }
    headers.insert(headers.end(), extra.begin(), extra.end());
    return Request(port, "POST", "/mcp", headers, body);
}

HttpResponse StatelessPost(std::uint16_t port, const std::string& token, std::string_view method,
                           std::string_view params_fields, Headers headers) {
    const std::string body = R"({"jsonrpc":"2.0","id":7,"method":")" + std::string(method) +
                             R"(","params":{)" + std::string(params_fields) +
                             (params_fields.empty() ? "" : ",") + kStatelessMeta + "}}";
    return Post(port, token, body, std::move(headers));
}

// The error object of a JSON-RPC error response (null when the body is not one).
json::object ErrorOf(const HttpResponse& response) {
    const auto body = response.Json();
    if (const auto* object = body.if_object()) {
        if (const auto* error = object->if_contains("error"); error && error->is_object()) {
            return error->get_object();
        }
    }
    return {};
}

std::int64_t CodeOf(const HttpResponse& response) {
    const auto error = ErrorOf(response);
    const auto* code = error.if_contains("code");
    return code && code->is_int64() ? code->get_int64() : 0;
}

std::string MessageOf(const HttpResponse& response) {
    const auto error = ErrorOf(response);
    const auto* message = error.if_contains("message");
    return message ? Str(*message) : std::string();
}

json::object ResultOf(const HttpResponse& response) {
    const auto body = response.Json();
    if (const auto* object = body.if_object()) {
        if (const auto* result = object->if_contains("result"); result && result->is_object()) {
            return result->get_object();
        }
    }
    return {};
}

// initialize + notifications/initialized; the session id ("" with a test failure).
std::string OpenSession(std::uint16_t port, const std::string& token) {
    const auto init = Post(port, token, InitializeBody());
    EXPECT_EQ(init.status, 200) << Describe(init);
    const std::string id = init.Header("Mcp-Session-Id");
    EXPECT_FALSE(id.empty()) << Describe(init);
    const auto initialized =
        Post(port, token, R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
             {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-11-25"}});
    EXPECT_EQ(initialized.status, 202) << Describe(initialized);
    return id;
}

HttpResponse CallTool(std::uint16_t port, const std::string& token, const std::string& session,
                      std::string_view name, std::string_view arguments) {
    return Post(port, token,
                R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":")" +
                    std::string(name) + R"(","arguments":)" + std::string(arguments) + "}}",
                {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "2025-11-25"}});
}

std::string ToolText(const HttpResponse& response) {
    const auto result = ResultOf(response);
    const auto* content = result.if_contains("content");
    if (content && content->is_array() && !content->get_array().empty()) {
        const auto& first = content->get_array()[0];
        if (first.is_object() && first.get_object().contains("text")) {
            return Str(first.get_object().at("text"));
        }
    }
    return {};
}

bool IsToolError(const HttpResponse& response) {
    const auto result = ResultOf(response);
    const auto* flag = result.if_contains("isError");
    return flag && flag->is_bool() && flag->get_bool();
}

class McpHttpTest : public ServerSuite {};

TEST_F(McpHttpTest, InitializeIssuesASessionIdThatLaterRequestsNeed) {
    const auto init = Post(port(), admin_token(), InitializeBody("2025-06-18"));
    ASSERT_EQ(init.status, 200) << Describe(init);
    EXPECT_EQ(init.Header("Content-Type"), "application/json");
    const std::string id = init.Header("Mcp-Session-Id");
    ASSERT_EQ(id.size(), 43u) << id;  // 256 random bits, base64url: visible ASCII only
    for (char c : id) {
        EXPECT_TRUE(c >= 0x21 && c <= 0x7E) << id;
    }
    EXPECT_EQ(Str(ResultOf(init).at("protocolVersion")), "2025-06-18");

    const auto initialized =
        Post(port(), admin_token(), R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
             {{"Mcp-Session-Id", id}});
    EXPECT_EQ(initialized.status, 202) << Describe(initialized);
    EXPECT_TRUE(initialized.body.empty());

    const std::string list = R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})";
    const auto listed = Post(port(), admin_token(), list,
                             {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-06-18"}});
    ASSERT_EQ(listed.status, 200) << Describe(listed);
    EXPECT_EQ(ResultOf(listed).at("tools").as_array().size(), 42u);

    const auto missing = Post(port(), admin_token(), list);
    EXPECT_EQ(missing.status, 400) << Describe(missing);
    EXPECT_NE(MessageOf(missing).find("Mcp-Session-Id header is required"), std::string::npos)
        << Describe(missing);
    EXPECT_EQ(missing.Json().as_object().at("id"), json::value(2));

    const auto unknown = Post(port(), admin_token(), list, {{"Mcp-Session-Id", "no-such-session"}});
    EXPECT_EQ(unknown.status, 404) << Describe(unknown);
    EXPECT_NE(MessageOf(unknown).find("Session not found"), std::string::npos);

    const auto again = Post(port(), admin_token(), InitializeBody(), {{"Mcp-Session-Id", id}});
    EXPECT_EQ(again.status, 400) << Describe(again);
    EXPECT_FALSE(again.HasHeader("Mcp-Session-Id"));
}

TEST_F(McpHttpTest, EachSessionKeepsItsOwnNegotiatedVersion) {
    const auto old_init = Post(port(), admin_token(), InitializeBody("2025-03-26"));
    const auto new_init = Post(port(), admin_token(), InitializeBody("2025-11-25"));
    ASSERT_EQ(old_init.status, 200);
    ASSERT_EQ(new_init.status, 200);
    const std::string old_id = old_init.Header("Mcp-Session-Id");
    const std::string new_id = new_init.Header("Mcp-Session-Id");
    ASSERT_NE(old_id, new_id);
    const std::string call =
        R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_accounts","arguments":{"pageSize":1}}})";
    // 2025-03-26 has no structured tool output; 2025-11-25 has.
    const auto old_call = Post(port(), admin_token(), call, {{"Mcp-Session-Id", old_id}});
    const auto new_call = Post(port(), admin_token(), call, {{"Mcp-Session-Id", new_id}});
    ASSERT_EQ(old_call.status, 200) << Describe(old_call);
    ASSERT_EQ(new_call.status, 200) << Describe(new_call);
    EXPECT_FALSE(ResultOf(old_call).contains("structuredContent")) << Describe(old_call);
    EXPECT_TRUE(ResultOf(new_call).contains("structuredContent")) << Describe(new_call);
    // Batches exist only in 2025-03-26.
    const std::string batch =
        R"([{"jsonrpc":"2.0","id":5,"method":"ping"},{"jsonrpc":"2.0","id":6,"method":"ping"}])";
    const auto old_batch = Post(port(), admin_token(), batch, {{"Mcp-Session-Id", old_id}});
    ASSERT_EQ(old_batch.status, 200) << Describe(old_batch);
    EXPECT_EQ(old_batch.Json().as_array().size(), 2u) << Describe(old_batch);
    const auto new_batch = Post(port(), admin_token(), batch, {{"Mcp-Session-Id", new_id}});
    EXPECT_EQ(new_batch.status, 200) << Describe(new_batch);
    EXPECT_EQ(CodeOf(new_batch), -32600) << Describe(new_batch);
    const auto no_session_batch = Post(port(), admin_token(), batch);
    EXPECT_EQ(no_session_batch.status, 400) << Describe(no_session_batch);
    EXPECT_NE(MessageOf(no_session_batch).find("batches are not supported"), std::string::npos);
}

TEST_F(McpHttpTest, DeleteEndsTheSession) {
    const std::string id = OpenSession(port(), admin_token());
    const Headers auth = {{"Authorization", "Bearer " + admin_token()}};
    Headers with_id = auth;
    with_id.emplace_back("Mcp-Session-Id", id);
    const auto ended = Request(port(), "DELETE", "/mcp", with_id);
    EXPECT_EQ(ended.status, 204) << Describe(ended);
    const auto after = Post(port(), admin_token(), R"({"jsonrpc":"2.0","id":2,"method":"ping"})",
                            {{"Mcp-Session-Id", id}});
    EXPECT_EQ(after.status, 404) << Describe(after);
    EXPECT_EQ(Request(port(), "DELETE", "/mcp", with_id).status, 404);
    const auto no_id = Request(port(), "DELETE", "/mcp", auth);
    EXPECT_EQ(no_id.status, 400) << Describe(no_id);
}

TEST_F(McpHttpTest, ProtocolVersionHeaderMustBeOneWeSpeak) {
    const std::string id = OpenSession(port(), admin_token());
    const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
    const auto bad = Post(port(), admin_token(), ping,
                          {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "1999-01-01"}});
    EXPECT_EQ(bad.status, 400) << Describe(bad);
    EXPECT_NE(MessageOf(bad).find("unsupported MCP-Protocol-Version '1999-01-01'"),
              std::string::npos)
        << Describe(bad);
    EXPECT_NE(MessageOf(bad).find("2025-11-25"), std::string::npos);
    // Another revision we speak is accepted (clients such as the conformance suite send
    // 2025-03-26 on a 2025-11-25 session); the session keeps its negotiated version.
    const auto other = Post(port(), admin_token(), ping,
                            {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-03-26"}});
    EXPECT_EQ(other.status, 200) << Describe(other);
    // Without the header, the negotiated version applies.
    EXPECT_EQ(Post(port(), admin_token(), ping, {{"Mcp-Session-Id", id}}).status, 200);
    // The stateless version in the header but no _meta in the body: the headers lie.
    const auto stateless = Post(port(), admin_token(), ping,
                                {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2026-07-28"}});
    EXPECT_EQ(stateless.status, 400) << Describe(stateless);
    EXPECT_EQ(CodeOf(stateless), -32020) << Describe(stateless);
}

TEST_F(McpHttpTest, BearerTokenIsRequiredAndARestLoginTokenWorks) {
    const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
    const auto none = Post(port(), "", InitializeBody());
    EXPECT_EQ(none.status, 401) << Describe(none);
    EXPECT_EQ(none.Header("WWW-Authenticate"), "Bearer");
    EXPECT_NE(MessageOf(none).find("Authorization: Bearer"), std::string::npos);
    const auto wrong = Post(port(), "not-a-live-session-token", InitializeBody());
    EXPECT_EQ(wrong.status, 401) << Describe(wrong);
    EXPECT_EQ(wrong.Header("WWW-Authenticate"), R"(Bearer error="invalid_token")");
    EXPECT_EQ(Request(port(), "GET", "/mcp").status, 401);
    EXPECT_EQ(Request(port(), "DELETE", "/mcp", {{"Mcp-Session-Id", "x"}}).status, 401);

    // A token from the REST login (no cookie) opens a session; after logout it stops working.
    const std::string token = LoginToken(port(), "admin", kAdminPassword);
    const std::string id = OpenSession(port(), token);
    EXPECT_EQ(Post(port(), token, ping, {{"Mcp-Session-Id", id}}).status, 200);
    const auto logout = Api(port(), token).Post("/api/user/auth/logout", json::object{});
    ASSERT_EQ(logout.status, 200) << Describe(logout);
    const auto after = Post(port(), token, ping, {{"Mcp-Session-Id", id}});
    EXPECT_EQ(after.status, 401) << Describe(after);
    EXPECT_EQ(after.Header("WWW-Authenticate"), R"(Bearer error="invalid_token")");
}

TEST_F(McpHttpTest, OriginMustBeOursOrAnAllowedCorsOrigin) {
    const std::string own = "http://127.0.0.1:" + std::to_string(port());
    for (const std::string& origin :
         {std::string("http://evil.example"), std::string("null"),
          std::string("http://127.0.0.1.evil.example:") + std::to_string(port())}) {
        const auto refused = Post(port(), admin_token(), InitializeBody(), {{"Origin", origin}});
        EXPECT_EQ(refused.status, 403) << origin << " " << Describe(refused);
        EXPECT_TRUE(refused.Json().as_object().at("id").is_null()) << Describe(refused);
        EXPECT_FALSE(refused.HasHeader("Mcp-Session-Id"));
        EXPECT_EQ(Request(port(), "GET", "/mcp", {{"Origin", origin}}).status, 403);
        EXPECT_EQ(Request(port(), "DELETE", "/mcp", {{"Origin", origin}}).status, 403);
    }
    // Our own origin (as Host names it) and the default CORS origin are fine.
    const std::string host = "127.0.0.1:" + std::to_string(port());
    EXPECT_EQ(
        Post(port(), admin_token(), InitializeBody(), {{"Host", host}, {"Origin", own}}).status,
        200);
    // The same origin under another port is another origin.
    EXPECT_EQ(Post(port(), admin_token(), InitializeBody(),
                   {{"Host", host}, {"Origin", "http://127.0.0.1:1"}})
                  .status,
              403);
    EXPECT_EQ(
        Post(port(), admin_token(), InitializeBody(), {{"Origin", "http://localhost:4200"}}).status,
        200);
}

TEST_F(McpHttpTest, StatelessEraChecksItsHeadersAgainstTheBody) {
    const Headers good = {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/list"}};
    const auto listed = StatelessPost(port(), admin_token(), "tools/list", "", good);
    ASSERT_EQ(listed.status, 200) << Describe(listed);
    EXPECT_EQ(Str(ResultOf(listed).at("resultType")), "complete");
    EXPECT_EQ(ResultOf(listed).at("tools").as_array().size(), 42u);
    EXPECT_FALSE(listed.HasHeader("Mcp-Session-Id"));  // never minted in this era

    // A session id is ignored, even an unknown one.
    Headers with_session = good;
    with_session.emplace_back("Mcp-Session-Id", "no-such-session");
    EXPECT_EQ(StatelessPost(port(), admin_token(), "tools/list", "", with_session).status, 200);

    struct Case {
        const char* what;
        Headers headers;
        const char* message;
    };
    const std::string call_fields = R"("name":"get_user","arguments":{"id":"usr_nobody"})";
    const std::vector<Case> cases = {
        {"no MCP-Protocol-Version",
         {{"Mcp-Method", "tools/list"}},
         "MCP-Protocol-Version header is required"},
        {"MCP-Protocol-Version differs from _meta",
         {{"MCP-Protocol-Version", "2025-11-25"}, {"Mcp-Method", "tools/list"}},
         "MCP-Protocol-Version header value '2025-11-25' does not match body value '2026-07-28'"},
        {"no Mcp-Method",
         {{"MCP-Protocol-Version", "2026-07-28"}},
         "Mcp-Method header is required"},
        {"Mcp-Method differs",
         {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/call"}},
         "Mcp-Method header value 'tools/call' does not match body value 'tools/list'"},
    };
    for (const auto& c : cases) {
        const auto refused = StatelessPost(port(), admin_token(), "tools/list", "", c.headers);
        EXPECT_EQ(refused.status, 400) << c.what << ": " << Describe(refused);
        EXPECT_EQ(CodeOf(refused), -32020) << c.what << ": " << Describe(refused);
        EXPECT_NE(MessageOf(refused).find(c.message), std::string::npos)
            << c.what << ": " << Describe(refused);
    }
    const Headers call = {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/call"}};
    const auto no_name = StatelessPost(port(), admin_token(), "tools/call", call_fields, call);
    EXPECT_EQ(no_name.status, 400) << Describe(no_name);
    EXPECT_NE(MessageOf(no_name).find("Mcp-Name header is required for tools/call"),
              std::string::npos);
    Headers wrong_name = call;
    wrong_name.emplace_back("Mcp-Name", "list_users");
    const auto mismatch =
        StatelessPost(port(), admin_token(), "tools/call", call_fields, wrong_name);
    EXPECT_EQ(mismatch.status, 400);
    EXPECT_EQ(MessageOf(mismatch),
              "Header mismatch: Mcp-Name header value 'list_users' does not match body value "
              "'get_user'");
    // The name as the Base64 sentinel ("get_user") is decoded before comparing.
    Headers encoded = call;
    encoded.emplace_back("Mcp-Name", "=?base64?Z2V0X3VzZXI=?=");
    const auto found = StatelessPost(port(), admin_token(), "tools/call", call_fields, encoded);
    EXPECT_EQ(found.status, 200) << Describe(found);
    EXPECT_TRUE(IsToolError(found));
    EXPECT_EQ(ToolText(found), "User usr_nobody not found");
    Headers plain = call;
    plain.emplace_back("Mcp-Name", "get_user");
    EXPECT_EQ(StatelessPost(port(), admin_token(), "tools/call", call_fields, plain).status, 200);

    // Unknown method: 404 with -32601; unsupported version: 400 with -32022 listing ours.
    const auto unknown =
        StatelessPost(port(), admin_token(), "no/such", "",
                      {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "no/such"}});
    EXPECT_EQ(unknown.status, 404) << Describe(unknown);
    EXPECT_EQ(CodeOf(unknown), -32601);
    const auto future = Post(
        port(), admin_token(),
        R"({"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}})",
        {{"MCP-Protocol-Version", "2099-01-01"}, {"Mcp-Method", "tools/list"}});
    EXPECT_EQ(future.status, 400) << Describe(future);
    EXPECT_EQ(CodeOf(future), -32022) << Describe(future);
    EXPECT_EQ(json::serialize(ErrorOf(future).at("data").at("supported")), R"(["2026-07-28"])");
}

TEST_F(McpHttpTest, GetStreamNeedsAnEventStreamAcceptAndALiveSession) {
    const Headers bearer = {{"Authorization", "Bearer " + admin_token()}};
    Headers sse = bearer;
    sse.emplace_back("Accept", "text/event-stream");
    const auto json_only = Request(port(), "GET", "/mcp", bearer);
    EXPECT_EQ(json_only.status, 406) << Describe(json_only);
    const auto no_session = Request(port(), "GET", "/mcp", sse);
    EXPECT_EQ(no_session.status, 400) << Describe(no_session);
    EXPECT_NE(MessageOf(no_session).find("Mcp-Session-Id"), std::string::npos);
    Headers unknown = sse;
    unknown.emplace_back("Mcp-Session-Id", "no-such-session");
    const auto missing = Request(port(), "GET", "/mcp", unknown);
    EXPECT_EQ(missing.status, 404) << Describe(missing);
}

TEST_F(McpHttpTest, EventStreamOnlyClientsGetOneSseEvent) {
    const auto init = Request(port(), "POST", "/mcp",
                              {{"Content-Type", "application/json"},
                               {"Accept", "text/event-stream"},
                               {"Authorization", "Bearer " + admin_token()}},
                              InitializeBody());
    ASSERT_EQ(init.status, 200) << Describe(init);
    EXPECT_EQ(init.Header("Content-Type"), "text/event-stream");
    ASSERT_EQ(init.body.rfind("event: message\ndata: {", 0), 0u) << init.body;
    EXPECT_EQ(init.body.substr(init.body.size() - 2), "\n\n");
    const auto data = json::parse(init.body.substr(21, init.body.size() - 23));
    EXPECT_EQ(data.at("result").at("protocolVersion"), json::value("2025-11-25"));
    const auto none = Request(port(), "POST", "/mcp",
                              {{"Content-Type", "application/json"},
                               {"Accept", "text/html"},
                               {"Authorization", "Bearer " + admin_token()}},
                              InitializeBody());
    EXPECT_EQ(none.status, 406) << Describe(none);
}

TEST_F(McpHttpTest, HostileInputGetsAClearErrorAndTheServerKeepsServing) {
    const std::string id = OpenSession(port(), admin_token());
    const Headers session = {{"Mcp-Session-Id", id}};
    const auto malformed = Post(port(), admin_token(), R"({"jsonrpc":"2.0","id":1,)", session);
    EXPECT_EQ(malformed.status, 400) << Describe(malformed);
    EXPECT_EQ(CodeOf(malformed), -32700);
    const auto shape =
        Post(port(), admin_token(), R"({"jsonrpc":"1.0","id":1,"method":"ping"})", session);
    EXPECT_EQ(shape.status, 400) << Describe(shape);
    EXPECT_EQ(CodeOf(shape), -32600);
    EXPECT_EQ(Post(port(), admin_token(), "42", session).status, 400);
    EXPECT_EQ(Post(port(), admin_token(), "[]", session).status, 200);  // an empty batch: -32600
    const auto params =
        Post(port(), admin_token(),
             R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":[1]})", session);
    EXPECT_EQ(CodeOf(params), -32600) << Describe(params);
    const auto deep = Post(port(), admin_token(), std::string(5000, '[') + std::string(5000, ']'));
    EXPECT_EQ(deep.status, 400) << Describe(deep);
    const auto huge = Post(port(), admin_token(),
                           R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":")" +
                               std::string(2 * 1024 * 1024, 'a') + "\"}}",
                           session);
    EXPECT_EQ(huge.status, 413) << Describe(huge);
    const auto form =
        Request(port(), "POST", "/mcp",
                {{"Content-Type", "text/plain"}, {"Authorization", "Bearer " + admin_token()}},
                R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    EXPECT_EQ(form.status, 415) << Describe(form);
    // A client's response to a (never sent) server request is accepted and ignored.
    const auto response =
        Post(port(), admin_token(), R"({"jsonrpc":"2.0","id":5,"result":{}})", session);
    EXPECT_EQ(response.status, 202) << Describe(response);
    const auto before_init =
        Post(port(), admin_token(), R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
             {{"Mcp-Session-Id", std::string(4000, 'x')}});
    EXPECT_EQ(before_init.status, 404) << Describe(before_init);
    // Still serving the session.
    const auto ping =
        Post(port(), admin_token(), R"({"jsonrpc":"2.0","id":"p","method":"ping"})", session);
    EXPECT_EQ(ping.status, 200) << Describe(ping);
    EXPECT_EQ(ping.Json().as_object().at("id"), json::value("p"));
}

TEST_F(McpHttpTest, TwoPrincipalsSessionsNeverMeet) {
    const std::string reader = DemoUsername();
    const std::string reader_token = LoginToken(port(), reader, kDemoPassword);
    ASSERT_FALSE(reader_token.empty());
    const std::string admin_session = OpenSession(port(), admin_token());
    const std::string reader_session = OpenSession(port(), reader_token);

    // Neither can use the other's session: it does not exist for them.
    const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
    EXPECT_EQ(Post(port(), reader_token, ping, {{"Mcp-Session-Id", admin_session}}).status, 404);
    EXPECT_EQ(Post(port(), admin_token(), ping, {{"Mcp-Session-Id", reader_session}}).status, 404);
    Headers end_admin = {{"Authorization", "Bearer " + reader_token},
                         {"Mcp-Session-Id", admin_session}};
    EXPECT_EQ(Request(port(), "DELETE", "/mcp", end_admin).status, 404);

    // Interleaved calls act as each session's own user: the reader may not create, the admin may;
    // the reader's refusal never shows up in the admin's session and the other way round.
    const std::string title = UniqueId("mcp_http_gala");
    const std::string event =
        R"({"title":")" + title +
        R"(","url":"https://example.com/g","dateTime":"2027-03-04T19:30:00Z",)"
        R"("location":"Oakland","cost":1,"tags":["e2e"]})";
    for (int round = 0; round < 3; ++round) {
        const auto refused = CallTool(port(), reader_token, reader_session, "create_event", event);
        ASSERT_EQ(refused.status, 200) << Describe(refused);
        EXPECT_TRUE(IsToolError(refused)) << Describe(refused);
        EXPECT_EQ(ToolText(refused).rfind("Permission denied", 0), 0u) << Describe(refused);
        const auto me = CallTool(port(), admin_token(), admin_session, "list_users",
                                 R"({"filter":{"username":"admin"}})");
        EXPECT_FALSE(IsToolError(me)) << Describe(me);
        EXPECT_EQ(ToolText(me).find("Permission denied"), std::string::npos);
    }
    const auto created = CallTool(port(), admin_token(), admin_session, "create_event", event);
    ASSERT_FALSE(IsToolError(created)) << Describe(created);
    const std::string event_id = Str(ResultOf(created).at("structuredContent").at("id"));
    const auto removed = CallTool(port(), reader_token, reader_session, "delete_event",
                                  R"({"id":")" + event_id + R"("})");
    EXPECT_TRUE(IsToolError(removed)) << Describe(removed);
    const auto still = CallTool(port(), admin_token(), admin_session, "get_event",
                                R"({"id":")" + event_id + R"("})");
    EXPECT_FALSE(IsToolError(still)) << Describe(still);
    const auto deleted = CallTool(port(), admin_token(), admin_session, "delete_event",
                                  R"({"id":")" + event_id + R"("})");
    EXPECT_FALSE(IsToolError(deleted)) << Describe(deleted);

    // The stateless era: each request acts as its own bearer, in any order.
    const Headers call = {{"MCP-Protocol-Version", "2026-07-28"},
                          {"Mcp-Method", "tools/call"},
                          {"Mcp-Name", "create_event"}};
    const std::string fields = R"("name":"create_event","arguments":)" + event;
    const auto reader_call = StatelessPost(port(), reader_token, "tools/call", fields, call);
    EXPECT_TRUE(IsToolError(reader_call)) << Describe(reader_call);
    const auto admin_call = StatelessPost(port(), admin_token(), "tools/call", fields, call);
    EXPECT_FALSE(IsToolError(admin_call)) << Describe(admin_call);
    const std::string second_id = Str(ResultOf(admin_call).at("structuredContent").at("id"));
    EXPECT_FALSE(IsToolError(CallTool(port(), admin_token(), admin_session, "delete_event",
                                      R"({"id":")" + second_id + R"("})")));
}

TEST(McpHttpOpenModeTest, LoopbackHostOnlyAndOriginStillChecked) {
    auto options = DemoServerOptions();
    options.env["EVENTS_API_AUTH_REQUIRED"] = "false";
    auto server = StartServer(options);
    ASSERT_NE(server, nullptr);
    // No bearer needed in open mode.
    const auto init = Post(server->port(), "", InitializeBody());
    EXPECT_EQ(init.status, 200) << Describe(init);
    EXPECT_FALSE(init.Header("Mcp-Session-Id").empty());
    // A rebound DNS name in Host is refused before MCP sees it; so is a foreign Origin.
    const auto rebound = Post(server->port(), "", InitializeBody(),
                              {{"Host", "evil.example:" + std::to_string(server->port())}});
    EXPECT_EQ(rebound.status, 421) << Describe(rebound);
    const auto foreign =
        Post(server->port(), "", InitializeBody(), {{"Origin", "http://evil.example"}});
    EXPECT_EQ(foreign.status, 403) << Describe(foreign);
}

TEST(McpHttpLimitsTest, SessionsAreBoundedAndExpireWhenIdle) {
    auto options = DemoServerOptions();
    options.env["EVENTS_API_MCP_MAX_SESSIONS"] = "2";
    options.env["EVENTS_API_MCP_SESSION_IDLE_SECONDS"] = "1";
    auto server = StartServer(options);
    ASSERT_NE(server, nullptr);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    const auto first = Post(server->port(), token, InitializeBody());
    const auto second = Post(server->port(), token, InitializeBody());
    ASSERT_EQ(first.status, 200) << Describe(first);
    ASSERT_EQ(second.status, 200) << Describe(second);
    const auto third = Post(server->port(), token, InitializeBody());
    EXPECT_EQ(third.status, 503) << Describe(third);
    EXPECT_EQ(third.Header("Retry-After"), "5");
    EXPECT_NE(MessageOf(third).find("too many open MCP sessions"), std::string::npos);
    EXPECT_FALSE(third.HasHeader("Mcp-Session-Id"));

    // Unused for a second, sessions are gone: an initialize finds room again (no request
    // touches the two sessions meanwhile, so their idle clocks run), and they are 404.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        status = Post(server->port(), token, InitializeBody()).status;
        if (status == 200) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll, deadline above
    }
    EXPECT_EQ(status, 200);
    const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
    for (const auto* expired : {&first, &second}) {
        const auto gone = Post(server->port(), token, ping,
                               {{"Mcp-Session-Id", expired->Header("Mcp-Session-Id")}});
        EXPECT_EQ(gone.status, 404) << Describe(gone);
    }
}

}  // namespace
}  // namespace ea::integration
