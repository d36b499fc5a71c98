// `events-api docs tools [--output FILE]`: writes docs/mcp/tools.md from the configured schema
// (`--output -` prints it). It loads the schema only: no database is opened.
#include <fstream>
#include <iostream>

#include "app/core.hpp"
#include "cli/command.hpp"
#include "mcp/tool_registry.hpp"
#include "mcp/tools_doc.hpp"
#include "query/query.hpp"

namespace ea::cli {
namespace {

// `docs tools`: the reference of `schema`'s tools, to `output` ("-" for stdout).
int WriteToolsDoc(const schema::Schema& schema, const std::string& output) {
    // The same options `events-api mcp` generates its tools with.
    const mcp::ToolSchemaOptions options{query::kMaxPageSize};
    const std::string text =
        mcp::ToolsMarkdown(schema, mcp::ToolRegistry::Definitions(schema, options),
                           mcp::ToolRegistry::CompactDefinitions(schema, options));
    if (output == "-") {
        std::cout << text;
        return 0;
    }
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        PrintError(Error{ErrorCode::kInvalidArgument, "cannot write " + output, {}});
        return 1;
    }
    std::cerr << "wrote " << output << "\n";
    return 0;
}

}  // namespace

Command AddDocsCommand(CLI::App& root, const app::ConfigFlags& flags) {
    auto* docs = root.add_subcommand("docs", "generate documentation from the schema");
    docs->require_subcommand(1);
    auto* tools =
        docs->add_subcommand("tools", "write the MCP tools reference (docs/mcp/tools.md)");
    auto output = std::make_shared<std::string>("docs/mcp/tools.md");
    tools->add_option("-o,--output", *output, "the file to write; - for stdout")
        ->capture_default_str();
    tools->fallthrough();

    return Command{docs, [docs, tools, output, &flags]() {
                       if (!tools->parsed()) {
                           std::cerr << docs->help();
                           return 2;
                       }
                       return WithOpened(flags, app::LoadConfiguredSchema,
                                         [&](const app::Config&, const schema::Schema& schema) {
                                             return WriteToolsDoc(schema, *output);
                                         });
                   }};
}

}  // namespace ea::cli
