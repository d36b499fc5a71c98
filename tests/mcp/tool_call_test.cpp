// Tool calls against the real service on SQLite: the CRUD round trip, list queries through the
// query layer's parsers (exact matching by default), and domain failures as isError results with
// messages an assistant can act on.
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "common/json_text.hpp"
#include "mcp/error_result.hpp"
#include "mcp/untrusted_data.hpp"
#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class ToolCallTest : public McpAccountTest {};

TEST_F(ToolCallTest, CreateGetUpdateListDeleteRoundTrip) {
    auto created = CallTool("create_event", object{{"title", "Jazz night"},
                                                   {"dateTime", "2026-05-01T20:00:00Z"},
                                                   {"location", "Oakland"},
                                                   {"url", "https://example.com/jazz"},
                                                   {"cost", 12.5}});
    ASSERT_EQ(created.at("isError"), value(false)) << Text(created);
    const auto& event = created.at("structuredContent").as_object();
    const std::string id(event.at("id").as_string());
    const std::string json(UnframeUntrustedData(Text(created)));
    EXPECT_EQ(json, ToJsonText(event)) << "the text block frames the same JSON";
    EXPECT_EQ(json.find('\n'), std::string::npos) << "compact";

    auto got = CallTool("get_event", object{{"id", id}});
    EXPECT_EQ(got.at("structuredContent").at("title"), value("Jazz night"));

    auto updated = CallTool("update_event", object{{"id", id}, {"title", "Jazz nights"}});
    ASSERT_EQ(updated.at("isError"), value(false)) << Text(updated);
    EXPECT_EQ(updated.at("structuredContent").at("title"), value("Jazz nights"));
    EXPECT_EQ(updated.at("structuredContent").at("location"), value("Oakland")) << "a patch";

    auto listed = CallTool(
        "list_events", object{{"filter", object{{"cost", object{{"$lt", 20}}}}},
                              {"sort", array{object{{"field", "title"}, {"direction", "desc"}}}}});
    ASSERT_EQ(listed.at("isError"), value(false)) << Text(listed);
    const auto& page = listed.at("structuredContent").as_object();
    ASSERT_EQ(page.at("data").as_array().size(), 1u);
    EXPECT_EQ(page.at("data").at(0).at("id"), value(id));
    EXPECT_EQ(page.at("pagination"), value(object{{"page", 1},
                                                  {"pageSize", 25},
                                                  {"total", 1},
                                                  {"totalPages", 1},
                                                  {"totalIsEstimate", false},
                                                  {"hasMore", false}}));

    auto uncounted = CallTool(
        "list_events", object{{"filter", object{{"id", id}}}, {"count", "none"}, {"pageSize", 1}});
    ASSERT_EQ(uncounted.at("isError"), value(false)) << Text(uncounted);
    const auto& uncounted_page = uncounted.at("structuredContent").at("pagination");
    EXPECT_TRUE(uncounted_page.at("total").is_null());
    EXPECT_TRUE(uncounted_page.at("totalPages").is_null());
    EXPECT_EQ(uncounted_page.at("hasMore"), value(false)) << "the one match is on this page";
    EXPECT_EQ(uncounted.at("structuredContent").at("data").as_array().size(), 1u);
    auto bad_count = CallTool("list_events", object{{"count", "roughly"}});
    EXPECT_EQ(bad_count.at("isError"), value(true));
    EXPECT_NE(Text(bad_count).find("count"), std::string::npos) << Text(bad_count);

    auto deleted = CallTool("delete_event", object{{"id", id}});
    EXPECT_EQ(deleted.at("structuredContent").at("id"), value(id));
    auto gone = CallTool("get_event", object{{"id", id}});
    EXPECT_EQ(gone.at("isError"), value(true));
    EXPECT_EQ(Text(gone), "Event " + id + " not found");
}

TEST_F(ToolCallTest, ListMatchesExactlyByDefault) {
    ASSERT_EQ(CallTool("create_user", UserArgs("markus")).at("isError"), value(false));
    ASSERT_EQ(CallTool("create_user", UserArgs("mark")).at("isError"), value(false));
    auto exact = CallTool("list_users", object{{"filter", object{{"username", "mark"}}}});
    EXPECT_EQ(exact.at("structuredContent").at("pagination").at("total"), value(1));
    auto contains = CallTool("list_users", object{{"filter", object{{"username", "mark"}}},
                                                  {"filter_matching", "contains"}});
    EXPECT_EQ(contains.at("structuredContent").at("pagination").at("total"), value(2));
}

TEST_F(ToolCallTest, NoPasswordInAnyResult) {
    auto created = CallTool("create_user", UserArgs("nopass"));
    ASSERT_EQ(created.at("isError"), value(false)) << Text(created);
    EXPECT_FALSE(created.at("structuredContent").as_object().contains("password"));
    EXPECT_EQ(Text(created).find("long-enough-password"), std::string::npos);
    auto listed = CallTool("list_users", object{{"view", object{{"account", array{"id"}}}}});
    EXPECT_EQ(Text(listed).find("password"), std::string::npos);
}

TEST_F(ToolCallTest, ValidationFailureNamesEveryField) {
    auto args = UserArgs("ok_user");
    args["email"] = "not-an-email";
    args["username"] = "ab";
    auto result = CallTool("create_user", args);
    EXPECT_EQ(result.at("isError"), value(true));
    const std::string text = Text(result);
    EXPECT_TRUE(text.starts_with("Validation failed: ")) << text;
    EXPECT_NE(text.find("email: Bad email address format"), std::string::npos) << text;
    EXPECT_NE(text.find("username: "), std::string::npos) << text;
    EXPECT_EQ(result.at("structuredContent").at("error").at("code"), value("validation_failed"));
}

TEST_F(ToolCallTest, ConflictOnADuplicateUsername) {
    ASSERT_EQ(CallTool("create_user", UserArgs("twin")).at("isError"), value(false));
    auto again = UserArgs("twin");
    again["email"] = "other@example.com";
    auto result = CallTool("create_user", again);
    EXPECT_EQ(result.at("isError"), value(true));
    EXPECT_TRUE(Text(result).starts_with("Conflict: ")) << Text(result);
    EXPECT_NE(Text(result).find("username"), std::string::npos) << Text(result);
}

TEST_F(ToolCallTest, BadListArgumentsAreActionable) {
    auto unknown_field = CallTool("list_users", object{{"filter", object{{"nosuch", 1}}}});
    EXPECT_EQ(unknown_field.at("isError"), value(true));
    EXPECT_NE(Text(unknown_field).find("nosuch"), std::string::npos) << Text(unknown_field);
    auto unknown_argument = CallTool("list_users", object{{"limit", 5}});
    EXPECT_EQ(unknown_argument.at("isError"), value(true));
    EXPECT_NE(Text(unknown_argument).find("pageSize"), std::string::npos) << Text(unknown_argument);
    auto big_page = CallTool("list_users", object{{"pageSize", 5000}});
    EXPECT_NE(Text(big_page).find("pageSize: must be between 1 and 1000, got 5000"),
              std::string::npos)
        << Text(big_page);
    // page and pageSize go through the normalisation REST uses too (query/list_query.hpp).
    auto huge_page = CallTool("list_users", object{{"page", 1e30}});
    EXPECT_EQ(huge_page.at("isError"), value(true));
    EXPECT_TRUE(Text(huge_page).find("page") != std::string::npos) << Text(huge_page);
    auto float_page = CallTool("list_users", object{{"page", 1.5}});
    EXPECT_EQ(float_page.at("isError"), value(true)) << Text(float_page);
    auto no_id = CallTool("get_user", object{});
    EXPECT_NE(Text(no_id).find("id is required"), std::string::npos) << Text(no_id);
    auto nothing = CallTool("update_user", object{{"id", "usr_x"}});
    EXPECT_NE(Text(nothing).find("nothing to update"), std::string::npos) << Text(nothing);
}

TEST_F(ToolCallTest, GetWithAViewEmbedsTheReference) {
    auto created = CallTool("create_user", UserArgs("viewer"));
    const std::string id(created.at("structuredContent").at("id").as_string());
    auto got =
        CallTool("get_user", object{{"id", id}, {"view", object{{"account", array{"createdAt"}}}}});
    ASSERT_EQ(got.at("isError"), value(false)) << Text(got);
    EXPECT_EQ(got.at("structuredContent").at("account").at("id"), value(account_));
    // A view key naming no reference is said back beside the record, not an error.
    auto odd = CallTool("get_user", object{{"id", id}, {"view", object{{"nosuch", array{}}}}});
    ASSERT_EQ(odd.at("isError"), value(false)) << Text(odd);
    ASSERT_EQ(odd.at("content").as_array().size(), 2u) << boost::json::serialize(odd);
    const std::string warning(odd.at("content").at(1).at("text").as_string());
    EXPECT_TRUE(warning.starts_with("Warnings: view: ")) << warning;
    EXPECT_EQ(boost::json::parse(UnframeUntrustedData(Text(odd))), odd.at("structuredContent"));
    auto missing =
        CallTool("get_user", object{{"id", "usr_missing"}, {"view", object{{"account", array{}}}}});
    EXPECT_EQ(Text(missing), "User usr_missing not found") << "as get_user without a view says";
    EXPECT_EQ(Text(CallTool("get_user", object{{"id", "usr_missing"}})), Text(missing));
}

TEST_F(ToolCallTest, LoginGivesATokenThatRefreshAndLogoutAccept) {
    ASSERT_EQ(CallTool("create_user", UserArgs("loginuser")).at("isError"), value(false));
    auto wrong =
        CallTool("user_auth_login", object{{"username", "loginuser"}, {"password", "nope-nope"}});
    EXPECT_EQ(wrong.at("isError"), value(true));
    EXPECT_TRUE(Text(wrong).starts_with("Not authenticated: ")) << Text(wrong);
    auto login = CallTool("user_auth_login",
                          object{{"username", "loginuser"}, {"password", "long-enough-password"}});
    ASSERT_EQ(login.at("isError"), value(false)) << Text(login);
    const std::string token(login.at("structuredContent").at("token").as_string());
    EXPECT_EQ(login.at("structuredContent").at("user").at("username"), value("loginuser"));
    auto principal = auth_->Authenticate(token, std::chrono::system_clock::now());
    ASSERT_TRUE(principal) << "the token is a session of the shared store";
    EXPECT_EQ(principal->username, "loginuser");
    EXPECT_EQ(CallTool("user_auth_refresh", object{{"token", token}}).at("isError"), value(false));
    EXPECT_EQ(CallTool("user_auth_logout", object{{"token", token}}).at("isError"), value(false));
    EXPECT_FALSE(auth_->Authenticate(token, std::chrono::system_clock::now()));
    auto again = CallTool("user_auth_logout", object{{"token", token}});
    EXPECT_EQ(again.at("isError"), value(true));
}

TEST_F(ToolCallTest, EachConnectionActsAsItsOwnPrincipal) {
    Connection reader{Principal{"usr_reader", "reader", "read", account_, true}};
    reader.name = "reader";
    const std::string create =
        R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}},"name":"create_account","arguments":{}}})";
    // Interleaved on one server: the reader is refused, the administrator is not, and neither
    // answer leaks into the other connection.
    auto denied = server_->Handle(reader, create);
    auto allowed = server_->Handle(connection_, create);
    auto denied_again = server_->Handle(reader, create);
    ASSERT_EQ(denied.size(), 1u);
    ASSERT_EQ(allowed.size(), 1u);
    const auto refused = boost::json::parse(denied[0]).at("result");
    EXPECT_EQ(refused.at("isError"), value(true));
    const std::string text(refused.at("content").at(0).at("text").as_string());
    EXPECT_TRUE(text.starts_with("Permission denied: ")) << text;
    EXPECT_NE(text.find("read"), std::string::npos) << text;
    EXPECT_EQ(boost::json::parse(allowed[0]).at("result").at("isError"), value(false));
    EXPECT_EQ(denied_again, denied);
    EXPECT_EQ(reader.calls, 2u);
}

TEST_F(ToolCallTest, AConnectionWhosePrincipalEndedIsRefusedButStillLists) {
    connection_.principal_error = Error{ErrorCode::kUnauthenticated, "the session has ended"};
    auto refused = CallTool("list_accounts", object{});
    EXPECT_EQ(refused.at("isError"), value(true));
    EXPECT_EQ(Text(refused), "Not authenticated: the session has ended");
    EXPECT_EQ(Request("tools/list").at("result").at("tools").as_array().size(), 42u);
}

TEST(ErrorResultTest, OneLinePerKindAndInternalIsAnRpcError) {
    EXPECT_EQ(ToolErrorMessage(Error{
                  ErrorCode::kValidationFailed, "x", {{"email", "Bad email"}, {"age", "too old"}}}),
              "Validation failed: email: Bad email; age: too old");
    EXPECT_EQ(ToolErrorMessage(Error{ErrorCode::kNotFound, "User 'usr_x' not found"}),
              "User 'usr_x' not found");
    EXPECT_EQ(ToolErrorMessage(Error{ErrorCode::kConflict, "username already exists"}),
              "Conflict: username already exists");
    EXPECT_EQ(ToolErrorMessage(Error{ErrorCode::kForbidden, "read role cannot create User"}),
              "Permission denied: read role cannot create User");
    EXPECT_EQ(ToolErrorMessage(
                  Error{ErrorCode::kPreconditionFailed, "User usr_1 is at version B, not A"}),
              "Precondition failed: User usr_1 is at version B, not A; read the record again");
    EXPECT_EQ(ToolErrorMessage(Error{ErrorCode::kTooLarge, "at most 1000 records per batch"}),
              "Too large: at most 1000 records per batch");
    Error limited{ErrorCode::kRateLimited, "slow down"};
    limited.retry_after_seconds = 7;
    EXPECT_EQ(ToolErrorMessage(limited), "Rate limit exceeded: retry in 7 s");
    auto internal = MapToolError(Error{ErrorCode::kInternal, "SQLITE_CORRUPT at page 7"}, "mcp-1");
    ASSERT_TRUE(std::holds_alternative<RpcError>(internal));
    const auto& rpc = std::get<RpcError>(internal);
    EXPECT_EQ(rpc.code, -32603);
    EXPECT_EQ(rpc.message.find("SQLITE"), std::string::npos) << "no internals to the client";
    EXPECT_NE(rpc.message.find("mcp-1"), std::string::npos);
}

}  // namespace
}  // namespace ea::mcp::testing
