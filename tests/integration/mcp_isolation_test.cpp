// Two principals' MCP requests interleaved on one instance, at the same time, on every path
// (stateless HTTP, session HTTP, stdio): each answer is its own principal's. The official
// TypeScript SDK leaked responses across clients that shared a transport in exactly this way
// (CVE-2026-25536); here every thread checks that what it got is what its role is offered (the
// tools it may call, the denials it earns, the records it created) and never another's.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "integration/integration_fixture.hpp"
#include "integration/mcp_client.hpp"

namespace ea::integration {
namespace {

// The default schema's tools: 42 for the administrator; list_* and get_* of the eight entities,
// aggregate and the three auth tools for the `read` role (no batch: it may write nothing).
constexpr std::size_t kAdminTools = 42;
constexpr std::size_t kReaderTools = 8 * 2 + 1 + 3;
constexpr int kRounds = 15;

class McpIsolationTest : public ServerSuite {};

std::string EventArguments(const std::string& title) {
    return R"({"title":")" + title +
           R"(","url":"https://example.com/i","dateTime":"2027-03-04T19:30:00Z",)"
           R"("location":"Oakland","cost":1,"tags":["iso"]})";
}

// One client's rounds: tools/list must be exactly its role's; a create_event is refused for the
// reader and succeeds for the admin (whose record then reads back with its own title and is
// deleted). Failures are collected, not asserted, so threads never touch gtest state at once.
void Rounds(McpClient client, bool is_admin, const std::string& tag,
            std::vector<std::string>& failures) {
    for (int round = 0; round < kRounds; ++round) {
        const auto listed = client.Request("tools/list", "{}");
        const auto* tools = listed.result.if_contains("tools");
        const std::size_t count = tools && tools->is_array() ? tools->get_array().size() : 0;
        if (count != (is_admin ? kAdminTools : kReaderTools)) {
            failures.push_back(tag + ": tools/list gave " + std::to_string(count) + " tools");
        }
        const std::string title = tag + "_" + std::to_string(round);
        const auto created = client.CallTool("create_event", EventArguments(title));
        if (!is_admin) {
            if (!created.is_error || created.text.rfind("Permission denied", 0) != 0) {
                failures.push_back(
                    tag + ": a reader's create was not refused: " + created.raw.substr(0, 200));
            }
            continue;
        }
        if (created.is_error || created.raw.find(title) == std::string::npos) {
            failures.push_back(tag + ": the admin's create answered " + created.raw.substr(0, 200));
            continue;
        }
        const auto& id = created.result.at("structuredContent").at("id").as_string();
        const auto read = client.CallTool("get_event", R"({"id":")" + std::string(id) + R"("})");
        if (read.is_error || read.raw.find(title) == std::string::npos) {
            failures.push_back(tag + ": reading back its record gave " + read.raw.substr(0, 200));
        }
        const auto removed =
            client.CallTool("delete_event", R"({"id":")" + std::string(id) + R"("})");
        if (removed.is_error) {
            failures.push_back(tag + ": delete answered " + removed.raw.substr(0, 200));
        }
    }
}

TEST_F(McpIsolationTest, InterleavedPrincipalsOnEveryPathEachGetTheirOwnAnswers) {
    const std::string reader = DemoUsername();
    const std::string reader_token = LoginToken(port(), reader, kDemoPassword);
    ASSERT_FALSE(reader_token.empty());

    std::vector<std::vector<std::string>> failures(6);
    std::vector<std::thread> threads;
    int slot = 0;
    for (McpPath path : {McpPath::kHttpStateless, McpPath::kHttpSession}) {
        for (bool is_admin : {true, false}) {
            const std::string tag = UniqueId(is_admin ? "isoadmin" : "isoreader");
            auto client = McpClient::Http(path, port(), is_admin ? admin_token() : reader_token);
            threads.emplace_back(Rounds, std::move(client), is_admin, tag,
                                 std::ref(failures[slot++]));
        }
    }
    // Meanwhile a stdio process runs as the reader over the same database.
    threads.emplace_back([&, slot] {
        auto stdio =
            McpClient::Stdio(EA_BINARY, std::string(EA_SOURCE_DIR) + "/schema.yaml",
                             server().db_url(), reader, kDemoPassword, server().sessions_url());
        std::vector<std::pair<std::string, std::string>> script;
        for (int round = 0; round < kRounds; ++round) {
            script.emplace_back("tools/list", "{}");
        }
        for (const auto& answer : stdio.RequestAll(script)) {
            const auto* tools = answer.result.if_contains("tools");
            if (!tools || tools->get_array().size() != kReaderTools) {
                failures[slot].push_back("stdio reader: " + answer.raw.substr(0, 200));
            }
        }
    });
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& list : failures) {
        for (const auto& failure : list) {
            ADD_FAILURE() << failure;
        }
    }
}

}  // namespace
}  // namespace ea::integration
