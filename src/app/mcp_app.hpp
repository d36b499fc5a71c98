// McpApp: everything `events-api mcp` runs, composed and owned in one place: the core, the access
// stack shared with `serve`, the tools generated from the schema, and the MCP server on stdio.
// It signs in at start-up as a service user (an access token, or a name and password) and acts
// as that user for every call. SIGHUP reloads the schema; resource subscriptions hear the changes
// this process's ChangeFeed carries.
#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "common/result.hpp"

namespace ea::app {

struct McpCredentials {
    std::string token;     // MCP_TOKEN: an access token (`events-api token create`); wins when set
    std::string username;  // MCP_USER
    std::string password;  // MCP_PASSWORD

    bool empty() const { return token.empty() && (username.empty() || password.empty()); }
};

class McpApp {
public:
    // Opens the core and access stack and signs in with `credentials`: an access token is looked
    // up by its SHA-256 (no password hashing, so a start costs milliseconds), a name and password
    // log in against the schema's auth entity. Errors: kInvalidArgument (no auth entity, empty
    // credentials), kUnauthenticated ("MCP_TOKEN: access token expired, revoked or unknown",
    // "MCP_USER / MCP_PASSWORD: invalid username or password"), kRateLimited, and whatever
    // opening the store gives.
    [[nodiscard]] static Result<std::unique_ptr<McpApp>> Create(const Config& config,
                                                                const McpCredentials& credentials);
    ~McpApp();

    // Serves stdin/stdout until end of input or SIGTERM/SIGINT, logging to stderr; ends the
    // start-up session on the way out (never an access token). SIGHUP re-reads the schema: the
    // tools, resources and prompts are rebuilt and the client told (notifications/tools/
    // list_changed after initialize, or on a subscriptions/listen that asked for
    // toolsListChanged); a schema that does not load is logged and the old one keeps serving.
    // Returns the process exit code (0: a clean end).
    int RunStdio();

    struct Parts;  // public only so the file's helpers can take it; its contents are private

private:
    explicit McpApp(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace ea::app
