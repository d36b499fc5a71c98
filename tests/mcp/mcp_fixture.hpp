// Shared setup for the MCP tests: a schema on a fresh SQLite file, the real DocumentService,
// SQLite session store and AuthService over it, the generated tools and an McpServer, plus
// helpers that send message text and parse what comes back.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "auth/session_store.hpp"
#include "mcp/mcp_server.hpp"
#include "mcp/tool_registry.hpp"
#include "ratelimit/token_bucket.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"
#include "store/document_store.hpp"
#include "testing/temp_dir.hpp"

namespace ea::mcp::testing {

class McpTest : public ::testing::Test {
protected:
    // The default schema; SetUpWith(schema) for another.
    McpTest();
    explicit McpTest(schema::SchemaPtr schema);

    // Sends `text` on `connection_` and returns every message that came back, parsed.
    std::vector<boost::json::value> Send(std::string_view text);
    // Sends one message and expects exactly one answer.
    boost::json::value Ask(std::string_view text);
    // Sends one request built from `method` and `params` with id 1.
    boost::json::value Request(std::string_view method, boost::json::object params = {});
    // initialize (at `version`) and notifications/initialized.
    void InitializeSession(std::string_view version = "2025-11-25");
    // tools/call on an initialized session: the result object (fails the test on an RPC error).
    boost::json::object CallTool(std::string_view name, boost::json::object arguments);
    // _meta for a 2026-07-28 request.
    static boost::json::object ModernMeta(std::string_view version = "2026-07-28");
    // The text of a tool result's first content block.
    static std::string Text(const boost::json::object& result);

    const schema::Schema& schema() const { return *schema_; }
    std::string MakeAccount();

    ea::testing::TempDir dir_;
    schema::SchemaPtr schema_;
    store::DocumentStorePtr store_;
    std::unique_ptr<service::DocumentService> documents_;
    auth::SessionStorePtr sessions_;
    std::unique_ptr<ratelimit::TokenBucket> user_limiter_;
    std::unique_ptr<ratelimit::TokenBucket> address_limiter_;
    std::unique_ptr<service::AuthService> auth_;
    std::unique_ptr<ToolRegistry> tools_;
    std::unique_ptr<ResourceCatalog> resources_;
    std::unique_ptr<PromptCatalog> prompts_;
    std::unique_ptr<Completer> completions_;
    std::unique_ptr<McpServer> server_;
    Connection connection_;
};

// An initialized 2025-11-25 session and a fresh account to put users in: the fixture of the tool
// tests that create users.
class McpAccountTest : public McpTest {
protected:
    void SetUp() override;

    // create_user arguments for a valid user `username` (not an account owner) in account_.
    boost::json::object UserArgs(const std::string& username) const;

    std::string account_;
};

}  // namespace ea::mcp::testing
