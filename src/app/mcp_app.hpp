// McpApp: everything `events-api mcp` runs, composed and owned in one place: the core, the access
// stack shared with `serve`, the tools generated from the schema, and the MCP server on stdio.
// It signs in at start-up as a service user and acts as that user for every call.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "common/result.hpp"

namespace ea::app {

struct McpCredentials {
    std::string username;  // MCP_USER
    std::string password;  // MCP_PASSWORD
};

class McpApp {
public:
    // Opens the core and access stack and logs in with `credentials` against the schema's auth
    // entity. Errors: kInvalidArgument (no auth entity, empty credentials), kUnauthenticated
    // ("invalid username or password"), kRateLimited, and whatever opening the store gives.
    [[nodiscard]] static Result<std::unique_ptr<McpApp>> Create(const Config& config,
                                                                const McpCredentials& credentials);
    ~McpApp();

    // Serves stdin/stdout until end of input or SIGTERM/SIGINT, logging to stderr; ends the
    // start-up session on the way out. Returns the process exit code (0: a clean end).
    int RunStdio();

    struct Parts;  // public only so the file's helpers can take it; its contents are private

private:
    explicit McpApp(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace ea::app
