// ServerApp: everything `events-api serve` runs, composed and owned in one place: the core, the
// session store, the services, the REST routes, health/metrics and the HTTP server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "common/result.hpp"

namespace ea::app {

struct Core;
struct RestFace;

class ServerApp {
public:
    // Builds every part from `config`; creates the first admin when the database has none
    // (printing its one-time password, or using EVENTS_API_ADMIN_PASSWORD).
    [[nodiscard]] static Result<std::unique_ptr<ServerApp>> Create(const Config& config);
    ~ServerApp();

    // Binds and starts serving; returns once the port is open.
    [[nodiscard]] Status Start();
    // Graceful: stops accepting, lets in-flight requests finish. Thread-safe.
    void Stop();
    std::uint16_t port() const;

    struct Reloaded {
        std::size_t entities = 0;
        std::size_t mcp_tools = 0;  // the tools the new schema gives an administrator
    };
    // Re-reads the schema file and serves both faces generated from it: the REST routes (a new
    // entity's routes answer, a removed one's 404, writes validate by the new fields,
    // /api/metadata, /openapi.json and the docs page describe it) and the MCP tools, resources
    // and prompts (connected clients get notifications/tools/list_changed). Requests in flight
    // finish on the schema they started with. A schema that does not load is refused with its
    // errors and the old one keeps serving, on both faces. SIGHUP (see `serve`) and
    // POST /api/_admin/reload-schema call this. Thread-safe; reloads run one at a time.
    [[nodiscard]] Result<Reloaded> ReloadSchema();

private:
    struct Parts;
    // `announce`: tell the other instances on the sessions' Redis (reload_notices.hpp); false
    // for a reload that such a notice started.
    static Result<Reloaded> Reload(Parts& parts, bool announce = true);
    static Result<std::shared_ptr<const RestFace>> BuildFace(Parts& parts,
                                                             std::shared_ptr<Core> core);
    explicit ServerApp(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace ea::app
