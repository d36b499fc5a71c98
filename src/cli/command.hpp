// What every subcommand file shares: the global options and the way a subcommand registers itself.
// Internal to cli/.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "app/config.hpp"
#include "common/error.hpp"

namespace ea::cli {

// Registered subcommands run only when CLI11 parsed them; `run` returns the exit code.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

// The merged configuration (flags > env > file > defaults), or prints the error and returns null.
const app::Config* ResolvedConfig(const app::ConfigFlags& flags);

// Prints "events-api: <message>" and each field error on its own line to stderr.
void PrintError(const Error& error);

// How most commands start: the configuration `flags` resolve to (exit code 2 when it is bad), then
// what `open(config)` opens, a Result of a pointer such as app::OpenCore's (exit code 1 when it
// fails), then body(config, *opened), whose exit code it returns. Each failure is printed.
template <class Open, class Body>
int WithOpened(const app::ConfigFlags& flags, Open open, Body body) {
    const auto* config = ResolvedConfig(flags);
    if (config == nullptr) {
        return 2;
    }
    auto opened = open(*config);
    if (!opened) {
        PrintError(opened.error());
        return 1;
    }
    return body(*config, **opened);
}

// `url` with any password in its user info replaced by "***" ("postgresql://u:***@host/db"),
// for printing: a database or session URL's password never reaches a terminal or a log.
std::string RedactedUrl(std::string_view url);

Command AddSchemaCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddMigrateCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddSeedDemoCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddUserCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddServeCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddMcpCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddDocsCommand(CLI::App& root, const app::ConfigFlags& flags);
Command AddTokenCommand(CLI::App& root, const app::ConfigFlags& flags);

}  // namespace ea::cli
