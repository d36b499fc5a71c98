// `events-api schema check` and `events-api schema dump --json`.
#include <iostream>

#include <boost/json.hpp>

#include "app/core.hpp"
#include "cli/command.hpp"
#include "schema/schema_json.hpp"

namespace ea::cli {

Command AddSchemaCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* schema = root.add_subcommand("schema", "check or print the data model");
    schema->require_subcommand(1);
    auto* check = schema->add_subcommand("check", "load schema.yaml and report every problem");
    auto* dump = schema->add_subcommand("dump", "print the loaded schema");
    auto json = std::make_shared<bool>(false);
    dump->add_flag("--json", *json,
                   "print as JSON (the only format; accepted for clarity in scripts)");
    check->fallthrough();
    dump->fallthrough();

    return Command{schema, [schema, check, dump, json, &flags]() {
                       return WithOpened(
                           flags, app::LoadConfiguredSchema,
                           [&](const app::Config& config, const schema::Schema& loaded) {
                               if (check->parsed()) {
                                   std::cout << config.schema << ": ok, "
                                             << loaded.entities().size() << " entities\n";
                                   return 0;
                               }
                               if (dump->parsed()) {
                                   std::cout << boost::json::serialize(schema::SchemaToJson(loaded))
                                             << "\n";
                                   return 0;
                               }
                               std::cerr << schema->help();
                               return 2;
                           });
                   }};
}

}  // namespace ea::cli
