// `events-api serve`: the HTTP server (REST, docs, health, metrics) until SIGTERM or SIGINT, then
// a graceful stop: in-flight requests finish, nothing is half-written.
#include <csignal>
#include <iostream>

#include "app/server_app.hpp"
#include "cli/command.hpp"
#include "http/server.hpp"

namespace ea::cli {

Command AddServeCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* serve = root.add_subcommand("serve", "serve the REST API (and docs) over HTTP");
    return Command{serve, [&flags]() {
                       const auto* config = ResolvedConfig(flags);
                       if (config == nullptr) {
                           return 2;
                       }
                       auto server = app::ServerApp::Create(*config);
                       if (!server) {
                           PrintError(server.error());
                           return 1;
                       }
                       if (auto started = (*server)->Start(); !started) {
                           PrintError(started.error());
                           return 1;
                       }
                       std::cerr << "events-api listening on http://"
                                 << config->listen.substr(0, config->listen.rfind(':')) << ":"
                                 << (*server)->port() << " (docs at /docs)\n";
                       // SIGHUP reloads the schema (REST routes, MCP tools, resources, prompts).
                       const int signal = http::WaitForShutdownSignal(
                           [&server] { (void)(*server)->ReloadSchema(); });
                       // A supervisor may repeat SIGTERM while we drain; the drain is bounded by
                       // its own timeout, so a repeat must not cut it short (a second Ctrl-C
                       // still quits at once).
                       std::signal(SIGTERM, SIG_IGN);
                       std::cerr << "signal " << signal << ": shutting down gracefully\n";
                       (*server)->Stop();
                       return 0;
                   }};
}

}  // namespace ea::cli
