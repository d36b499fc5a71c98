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
