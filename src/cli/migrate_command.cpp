// `events-api migrate`: create or extend the tables for the current schema. Opening the store
// migrates it, so this command is that step on its own, for deploy scripts.
#include <iostream>

#include "app/core.hpp"
#include "cli/command.hpp"

namespace ea::cli {

Command AddMigrateCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* migrate = root.add_subcommand("migrate", "create or extend the database tables");
    return Command{migrate, [&flags]() {
                       return WithOpened(
                           flags, app::OpenCore, [](const app::Config& config, app::Core& core) {
                               std::cout << "migrated " << RedactedUrl(config.db) << " to "
                                         << core.schema->entities().size() << " entities\n";
                               return 0;
                           });
                   }};
}

}  // namespace ea::cli
