// With the sessions in Redis, `events-api mcp` listens on the change feed every instance shares:
// a record changed through `serve` (another process, over the same SQLite file) reaches a stdio
// subscriber of that record, which it never does with SQLite alone (mcp_stdio_live_test.cpp).
#include <chrono>
#include <string>

#include "integration/integration_fixture.hpp"
#include "integration/stdio_child.hpp"
#include "testing/redis_server.hpp"

namespace ea::integration {
namespace {

using namespace std::chrono_literals;

TEST(McpStdioSharedFeedTest, AChangeThroughServeReachesAStdioSubscriberThroughRedis) {
    auto redis = ea::testing::RedisServer::Start();
    ASSERT_TRUE(redis) << redis.error().message;
    auto options = DemoServerOptions();
    options.extra_args = {"--sessions", (*redis)->Url()};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    Api admin(server->port(), LoginToken(server->port(), "admin", kAdminPassword));
    const auto created = admin.Post("/api/event", EventBody(UniqueId("shared_feed")));
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    const std::string id = Str(DataOf(created).at("id"));
    const std::string uri = "events://events/" + id;

    StdioChild child(EA_BINARY, {{"EVENTS_API_SCHEMA", options.schema.string()},
                                 {"EVENTS_API_DB", server->db_url()},
                                 {"EVENTS_API_SESSIONS", (*redis)->Url()},
                                 {"MCP_USER", "admin"},
                                 {"MCP_PASSWORD", kAdminPassword}});
    ASSERT_TRUE(child.started());
    ASSERT_TRUE(child.Send(
        R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":)"
        R"("2025-11-25","capabilities":{},"clientInfo":{"name":"shared-feed","version":"1"}}})"));
    ASSERT_TRUE(child.ReadLineWith(R"("id":"init")", 20s)) << child.stderr_text();
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
    ASSERT_TRUE(child.Send(R"({"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":)"
                           R"({"uri":")" +
                           uri + R"("}})"));
    const auto subscribed = child.ReadLineWith(R"("id":2,)", 10s);
    ASSERT_TRUE(subscribed && subscribed->find(R"("result":{})") != std::string::npos)
        << subscribed.value_or("(none)") << child.stderr_text();

    ASSERT_TRUE(
        IsSuccess(admin.Patch("/api/event/" + id, json::object{{"title", UniqueId("by_serve")}})));
    const auto note = child.ReadLineWith("notifications/resources/updated", 10s);
    ASSERT_TRUE(note) << "the serve write did not reach the stdio subscriber; stderr: "
                      << child.stderr_text();
    EXPECT_NE(note->find(R"("uri":")" + uri + R"(")"), std::string::npos) << *note;
    EXPECT_EQ(child.CloseAndWait(20s), 0) << child.stderr_text();
}

}  // namespace
}  // namespace ea::integration
