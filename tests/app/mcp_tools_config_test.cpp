// mcp.tools (the MCP tool set): default, flag > environment > config file, a bad value named with
// its source, and what it sets on the tool registry.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/config.hpp"
#include "app/mcp_stack.hpp"
#include "testing/temp_dir.hpp"

namespace ea::app {
namespace {

TEST(McpToolsConfig, DefaultIsTheEntityTools) {
    auto config = LoadConfig({}, {});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->mcp_tools, "entity");
    EXPECT_EQ(ToolOptionsFrom(*config).mode, mcp::ToolsMode::kPerEntity);
}

TEST(McpToolsConfig, FlagBeatsEnvironmentBeatsFile) {
    ea::testing::TempDir dir;
    const auto file = (dir / "c.yaml").string();
    std::ofstream(file) << "mcp:\n  tools: compact\n";
    ConfigFlags flags;
    flags.config_file = file;
    auto from_file = LoadConfig(flags, {});
    ASSERT_TRUE(from_file) << from_file.error().message;
    EXPECT_EQ(from_file->mcp_tools, "compact");
    EXPECT_EQ(ToolOptionsFrom(*from_file).mode, mcp::ToolsMode::kCompact);

    const Environment env = {{"EVENTS_API_MCP_TOOLS", "entity"}};
    auto from_env = LoadConfig(flags, env);
    ASSERT_TRUE(from_env) << from_env.error().message;
    EXPECT_EQ(from_env->mcp_tools, "entity");

    flags.mcp_tools = "compact";
    auto from_flags = LoadConfig(flags, env);
    ASSERT_TRUE(from_flags) << from_flags.error().message;
    EXPECT_EQ(from_flags->mcp_tools, "compact");
}

TEST(McpToolsConfig, BadValuesNameTheirSource) {
    auto from_env = LoadConfig({}, {{"EVENTS_API_MCP_TOOLS", "tiny"}});
    ASSERT_FALSE(from_env);
    EXPECT_EQ(from_env.error().message,
              "EVENTS_API_MCP_TOOLS: mcp.tools must be entity or compact, got 'tiny'");
    ConfigFlags flags;
    flags.mcp_tools = "per-entity";
    auto from_flag = LoadConfig(flags, {});
    ASSERT_FALSE(from_flag);
    EXPECT_NE(from_flag.error().message.find("--mcp-tools"), std::string::npos)
        << from_flag.error().message;
}

}  // namespace
}  // namespace ea::app
