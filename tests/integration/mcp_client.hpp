// An MCP client for the integration tests, speaking raw JSON-RPC to the real binary on each path
// an assistant can take: Streamable HTTP at /mcp statelessly (2026-07-28, `_meta` on each
// request) or in a session (initialize, Mcp-Session-Id), and stdio (`events-api mcp` as a child
// reading a script of requests). Tool calls come back as one ToolOutcome whatever the path, so a
// test can assert that every path answers alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/http_client.hpp"

namespace ea::integration {

// What a tools/call (or another request) answered, the same shape on every path.
struct McpOutcome {
    bool rpc_error = false;      // a JSON-RPC error instead of a result
    std::int64_t rpc_code = 0;   // its code
    bool is_error = false;       // a result with isError: true
    std::string text;            // the error message, or the first text block of a result
    boost::json::object result;  // the result object (empty for an RPC error)
    std::string raw;             // the whole answer, to search for anything leaked
};

enum class McpPath { kHttpStateless, kHttpSession, kStdio };

std::string_view McpPathName(McpPath path);
// The test name suffix of a suite parameterized over the paths: HttpStateless, HttpSession, Stdio.
std::string McpPathTestName(const ::testing::TestParamInfo<McpPath>& info);

// The headers every MCP request over HTTP carries (a JSON body, a JSON or event-stream answer,
// `token` as the bearer), then `extra` (a session id, a protocol version, Mcp-Method...).
ea::testing::Headers McpHeaders(const std::string& token, const ea::testing::Headers& extra = {});

// POST /mcp with McpHeaders(token, extra).
ea::testing::HttpResponse McpPost(std::uint16_t port, const std::string& token,
                                  std::string_view body, const ea::testing::Headers& extra = {});

// A 2026-07-28 tools/call on /mcp with `token` as the bearer, as the raw HTTP answer: for tests
// that look at the status and headers (401, 429 and Retry-After), not only the outcome.
ea::testing::HttpResponse StatelessToolCall(std::uint16_t port, const std::string& token,
                                            const std::string& tool, const std::string& arguments);

class McpClient {
public:
    // HTTP paths: `token` is the bearer. Stdio: `username`/`password` are MCP_USER/MCP_PASSWORD
    // and `db_url` the server's database (the child opens the same file).
    static McpClient Http(McpPath path, std::uint16_t port, std::string token);
    // `sessions_url`: where the sessions are when not in the database (EVENTS_API_SESSIONS).
    static McpClient Stdio(std::string binary, std::string schema, std::string db_url,
                           std::string username, std::string password,
                           std::string sessions_url = "");

    // One request; params_json is the params object's JSON text ("{}" for none).
    McpOutcome Request(std::string_view method, std::string_view params_json);
    McpOutcome CallTool(std::string_view name, std::string_view arguments_json);

    // Several requests answered in order (stdio runs them in one process; HTTP one by one).
    std::vector<McpOutcome> RequestAll(
        const std::vector<std::pair<std::string, std::string>>& method_and_params);

    McpPath path() const { return path_; }

    // Compact mode (or any tool set): HTTP paths post to /mcp?tools=MODE, stdio runs with
    // EVENTS_API_MCP_TOOLS=MODE.
    McpClient& WithTools(std::string mode);

private:
    McpClient() = default;
    std::string Body(std::int64_t id, std::string_view method, std::string_view params) const;
    McpOutcome SendHttp(std::string_view method, std::string_view params_json);
    void OpenSession();

    McpPath path_ = McpPath::kHttpStateless;
    std::uint16_t port_ = 0;
    std::string token_;
    std::string session_id_;
    std::string binary_, schema_, db_url_, username_, password_, sessions_url_;
    std::string endpoint_ = "/mcp";
    std::string tools_mode_;  // stdio: EVENTS_API_MCP_TOOLS when not empty
    std::int64_t next_id_ = 1;
};

// Parses one JSON-RPC answer into an outcome.
McpOutcome ParseMcpAnswer(std::string_view text);

}  // namespace ea::integration
