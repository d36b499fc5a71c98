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

    // Re-reads the schema file and serves MCP tools, resources and prompts generated from it
    // (connected clients get notifications/tools/list_changed); the number of tools an
    // administrator now has. A schema that does not load is refused with its errors and the old
    // one keeps serving. REST routes keep the schema the server started with (a restart applies
    // the new one to them). SIGHUP (see `serve`) and POST /api/_admin/reload-schema call this.
    // Thread-safe; reloads run one at a time.
    [[nodiscard]] Result<std::size_t> ReloadSchema();

private:
    struct Parts;
    // `announce`: tell the other instances on the sessions' Redis (reload_notices.hpp); false
    // for a reload that such a notice started.
    static Result<std::size_t> Reload(Parts& parts, bool announce = true);
    explicit ServerApp(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

}  // namespace ea::app
