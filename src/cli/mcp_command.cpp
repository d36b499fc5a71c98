// `events-api mcp`: the MCP server on stdio (newline-delimited JSON-RPC on stdin/stdout, logs on
// stderr) for assistants that start it as a subprocess (Claude Desktop, Claude Code, ...). It
// signs in as the service user of the access token MCP_TOKEN, or named by MCP_USER / MCP_PASSWORD,
// and exits non-zero, saying why, when they are missing or wrong. It stops cleanly at end of input
// and on SIGTERM/SIGINT.
#include <cstdlib>

#include "app/mcp_app.hpp"
#include "cli/command.hpp"

namespace ea::cli {
namespace {

std::string Env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

}  // namespace

Command AddMcpCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* mcp = root.add_subcommand(
        "mcp",
        "serve MCP on stdio as the service user of MCP_TOKEN (or MCP_USER and MCP_PASSWORD)");
    return Command{mcp, [&flags]() {
                       const auto* config = ResolvedConfig(flags);
                       if (config == nullptr) {
                           return 2;
                       }
                       const app::McpCredentials credentials{Env("MCP_TOKEN"), Env("MCP_USER"),
                                                             Env("MCP_PASSWORD")};
                       auto server = app::McpApp::Create(*config, credentials);
                       if (!server) {
                           PrintError(server.error());
                           return credentials.empty() ? 2 : 1;
                       }
                       return (*server)->RunStdio();
                   }};
}

}  // namespace ea::cli
