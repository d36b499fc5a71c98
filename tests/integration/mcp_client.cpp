#include "integration/mcp_client.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "testing/server_process.hpp"
#include "testing/temp_dir.hpp"

namespace ea::integration {
namespace {

namespace json = boost::json;

constexpr std::string_view kStatelessMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";
constexpr std::string_view kSessionVersion = "2025-11-25";

// The Mcp-Name header of a stateless request: the tool, resource or prompt it is about.
std::string McpName(std::string_view method, const json::object& params) {
    const char* key = method == "resources/read" ? "uri" : "name";
    if (method != "tools/call" && method != "resources/read" && method != "prompts/get") {
        return {};
    }
    const auto* value = params.if_contains(key);
    return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

std::string_view McpPathName(McpPath path) {
    switch (path) {
        case McpPath::kHttpStateless:
            return "HTTP 2026-07-28";
        case McpPath::kHttpSession:
            return "HTTP session";
        case McpPath::kStdio:
            return "stdio";
    }
    return "?";
}

std::string McpPathTestName(const ::testing::TestParamInfo<McpPath>& info) {
    switch (info.param) {
        case McpPath::kHttpStateless:
            return "HttpStateless";
        case McpPath::kHttpSession:
            return "HttpSession";
        case McpPath::kStdio:
            return "Stdio";
    }
    return "Unknown";
}

ea::testing::Headers McpHeaders(const std::string& token, const ea::testing::Headers& extra) {
    ea::testing::Headers headers = {{"Content-Type", "application/json"},
                                    {"Accept", "application/json, text/event-stream"},
                                    {"Authorization", "Bearer " + token}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return headers;
}

ea::testing::HttpResponse McpPost(std::uint16_t port, const std::string& token,
                                  std::string_view body, const ea::testing::Headers& extra) {
    return ea::testing::Request(port, "POST", "/mcp", McpHeaders(token, extra), body);
}

ea::testing::HttpResponse StatelessToolCall(std::uint16_t port, const std::string& token,
                                            const std::string& tool, const std::string& arguments) {
    const std::string body = R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":")" +
                             tool + R"(","arguments":)" + arguments +
                             R"(,"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                             R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
    return McpPost(
        port, token, body,
        {{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", "tools/call"}, {"Mcp-Name", tool}});
}

McpOutcome ParseMcpAnswer(std::string_view text) {
    McpOutcome outcome;
    outcome.raw = std::string(text);
    boost::system::error_code ec;
    const json::value answer = json::parse(text, ec);
    if (ec || !answer.is_object()) {
        outcome.rpc_error = true;
        outcome.text = "not a JSON object: " + std::string(text.substr(0, 200));
        return outcome;
    }
    const auto& object = answer.get_object();
    if (const auto* error = object.if_contains("error"); error && error->is_object()) {
        outcome.rpc_error = true;
        const auto& e = error->get_object();
        if (const auto* code = e.if_contains("code"); code && code->is_int64()) {
            outcome.rpc_code = code->get_int64();
        }
        if (const auto* message = e.if_contains("message"); message && message->is_string()) {
            outcome.text = std::string(message->get_string());
        }
        return outcome;
    }
    if (const auto* result = object.if_contains("result"); result && result->is_object()) {
        outcome.result = result->get_object();
        if (const auto* flag = outcome.result.if_contains("isError"); flag && flag->is_bool()) {
            outcome.is_error = flag->get_bool();
        }
        const auto* content = outcome.result.if_contains("content");
        if (content && content->is_array() && !content->get_array().empty()) {
            const auto& first = content->get_array()[0];
            if (const auto* t =
                    first.is_object() ? first.get_object().if_contains("text") : nullptr;
                t && t->is_string()) {
                outcome.text = std::string(t->get_string());
            }
        }
    }
    return outcome;
}

McpClient McpClient::Http(McpPath path, std::uint16_t port, std::string token) {
    McpClient client;
    client.path_ = path;
    client.port_ = port;
    client.token_ = std::move(token);
    return client;
}

McpClient McpClient::Stdio(std::string binary, std::string schema, std::string db_url,
                           std::string username, std::string password, std::string sessions_url) {
    McpClient client;
    client.sessions_url_ = std::move(sessions_url);
    client.path_ = McpPath::kStdio;
    client.binary_ = std::move(binary);
    client.schema_ = std::move(schema);
    client.db_url_ = std::move(db_url);
    client.username_ = std::move(username);
    client.password_ = std::move(password);
    return client;
}

McpClient& McpClient::WithTools(std::string mode) {
    endpoint_ = "/mcp?tools=" + mode;
    tools_mode_ = std::move(mode);
    return *this;
}

std::string McpClient::Body(std::int64_t id, std::string_view method,
                            std::string_view params) const {
    std::string with_meta(params);
    if (path_ != McpPath::kHttpSession) {
        // Stateless on HTTP; on stdio too, so no initialize is needed before each script.
        const auto close = with_meta.rfind('}');
        const bool empty = with_meta.find_first_not_of(" {", 0) == close;
        with_meta =
            with_meta.substr(0, close) + (empty ? "" : ",") + std::string(kStatelessMeta) + "}";
    }
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" +
           std::string(method) + R"(","params":)" + with_meta + "}";
}

void McpClient::OpenSession() {
    const std::string init =
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
        std::string(kSessionVersion) +
        R"(","capabilities":{},"clientInfo":{"name":"integration","version":"1"}}})";
    ea::testing::Headers headers = McpHeaders(token_);
    const auto opened = ea::testing::Request(port_, "POST", endpoint_, headers, init);
    session_id_ = opened.Header("Mcp-Session-Id");
    ASSERT_FALSE(session_id_.empty()) << opened.status << " " << opened.body;
    headers.emplace_back("Mcp-Session-Id", session_id_);
    headers.emplace_back("MCP-Protocol-Version", std::string(kSessionVersion));
    const auto initialized =
        ea::testing::Request(port_, "POST", endpoint_, headers,
                             R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    ASSERT_EQ(initialized.status, 202) << initialized.body;
}

McpOutcome McpClient::SendHttp(std::string_view method, std::string_view params_json) {
    if (path_ == McpPath::kHttpSession && session_id_.empty()) {
        OpenSession();
    }
    ea::testing::Headers headers = McpHeaders(token_);
    if (path_ == McpPath::kHttpSession) {
        headers.emplace_back("Mcp-Session-Id", session_id_);
        headers.emplace_back("MCP-Protocol-Version", std::string(kSessionVersion));
    } else {
        headers.emplace_back("MCP-Protocol-Version", "2026-07-28");
        headers.emplace_back("Mcp-Method", std::string(method));
        boost::system::error_code ec;
        const auto params = json::parse(params_json, ec);
        if (!ec && params.is_object()) {
            if (auto name = McpName(method, params.get_object()); !name.empty()) {
                headers.emplace_back("Mcp-Name", std::move(name));
            }
        }
    }
    const auto response = ea::testing::Request(port_, "POST", endpoint_, headers,
                                               Body(next_id_++, method, params_json));
    std::string body = response.body;
    if (response.Header("Content-Type").find("text/event-stream") != std::string::npos) {
        // The last data line carries the response (a line that starts with "data:"; a tool
        // result's text may say "data:" too).
        const auto line = body.rfind("\ndata:");
        const auto at = line != std::string::npos ? line + 1
                        : body.starts_with("data:") ? 0
                                                    : std::string::npos;
        body = at == std::string::npos ? body : body.substr(at + 5);
    }
    return ParseMcpAnswer(body);
}

McpOutcome McpClient::Request(std::string_view method, std::string_view params_json) {
    if (path_ != McpPath::kStdio) {
        return SendHttp(method, params_json);
    }
    auto all = RequestAll({{std::string(method), std::string(params_json)}});
    return all.empty() ? McpOutcome{true, 0, false, "no answer", {}, ""} : all.front();
}

McpOutcome McpClient::CallTool(std::string_view name, std::string_view arguments_json) {
    return Request("tools/call", R"({"name":")" + std::string(name) + R"(","arguments":)" +
                                     std::string(arguments_json) + "}");
}

std::vector<McpOutcome> McpClient::RequestAll(
    const std::vector<std::pair<std::string, std::string>>& method_and_params) {
    std::vector<McpOutcome> outcomes;
    if (path_ != McpPath::kStdio) {
        for (const auto& [method, params] : method_and_params) {
            outcomes.push_back(SendHttp(method, params));
        }
        return outcomes;
    }
    // One `events-api mcp` process reads the whole script from a file on stdin and answers each
    // line in order, exiting at end of input.
    ea::testing::TempDir dir;
    const auto script = dir.path() / "requests.jsonl";
    {
        std::ofstream out(script);
        for (const auto& [method, params] : method_and_params) {
            out << Body(next_id_++, method, params) << "\n";
        }
    }
    std::map<std::string, std::string> env = {{"EVENTS_API_SCHEMA", schema_},
                                              {"EVENTS_API_DB", db_url_},
                                              {"MCP_USER", username_},
                                              {"MCP_PASSWORD", password_}};
    if (!tools_mode_.empty()) {
        env["EVENTS_API_MCP_TOOLS"] = tools_mode_;
    }
    if (!sessions_url_.empty()) {
        env["EVENTS_API_SESSIONS"] = sessions_url_;
    }
    const auto run = ea::testing::RunCommand(
        "/bin/sh", {"-c", "exec \"$0\" mcp < \"$1\"", binary_, script.string()}, env);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            outcomes.push_back(ParseMcpAnswer(line));
        }
    }
    EXPECT_EQ(outcomes.size(), method_and_params.size()) << run.out << run.err;
    return outcomes;
}

}  // namespace ea::integration
