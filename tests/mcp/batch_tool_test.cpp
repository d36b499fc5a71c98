// The `batch` tool through the real server and service: creates and updates in one call, a bad
// item in the middle writing nothing with its index in the message, argument errors, and the
// per-principal entity enum.
#include <string>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class BatchToolTest : public McpTest {
protected:
    void SetUp() override { InitializeSession("2025-11-25"); }
    static object Event(const std::string& title, const std::string& url = "https://example.com") {
        return object{{"url", url}, {"title", title}, {"dateTime", "2026-05-01T10:00:00Z"}};
    }
    std::int64_t Events() {
        auto listed = CallTool("list_events", object{{"pageSize", 1}, {"count", "exact"}});
        return listed.at("structuredContent").at("pagination").at("total").as_int64();
    }
};

TEST_F(BatchToolTest, CreatesAndUpdatesInOneCall) {
    auto first = CallTool("create_event", Event("First"));
    ASSERT_EQ(first.at("isError"), value(false)) << Text(first);
    const std::string id(first.at("structuredContent").at("id").as_string());
    object update_data{{"id", id}, {"title", "First, renamed"}};
    auto result = CallTool(
        "batch",
        object{{"items",
                array{object{{"op", "create"},
                             {"entity", "Account"},
                             {"data", object{{"id", "acc_batch"}}}},
                      object{{"op", "update"}, {"entity", "event"}, {"data", update_data}},
                      object{{"op", "create"}, {"entity", "Event"}, {"data", Event("Second")}}}}});
    ASSERT_EQ(result.at("isError"), value(false)) << Text(result);
    const auto& data = result.at("structuredContent").at("data").as_array();
    ASSERT_EQ(data.size(), 3u);
    EXPECT_EQ(data[0].at("id"), value("acc_batch"));
    EXPECT_EQ(data[1].at("title"), value("First, renamed"));
    EXPECT_EQ(data[2].at("title"), value("Second"));
    EXPECT_EQ(result.at("structuredContent").at("count"), value(3));
    EXPECT_EQ(Events(), 2);
}

TEST_F(BatchToolTest, ABadItemInTheMiddleWritesNothingAndIsNamed) {
    const auto before = Events();
    auto result = CallTool(
        "batch",
        object{
            {"items",
             array{
                 object{{"op", "create"}, {"entity", "Event"}, {"data", Event("One")}},
                 object{{"op", "create"}, {"entity", "Event"}, {"data", Event("Two", "not a url")}},
                 object{{"op", "create"}, {"entity", "Event"}, {"data", Event("Three")}}}}});
    EXPECT_EQ(result.at("isError"), value(true));
    EXPECT_NE(Text(result).find("Validation failed: [1].url: "), std::string::npos) << Text(result);
    EXPECT_EQ(Events(), before) << "nothing of the batch was written";

    auto shape = CallTool(
        "batch",
        object{
            {"items", array{object{{"op", "delete"}, {"entity", "Event"}, {"data", object{}}}}}});
    EXPECT_NE(Text(shape).find("items[0]: op must be create or update"), std::string::npos)
        << Text(shape);
    auto no_id =
        CallTool("batch", object{{"items", array{object{{"op", "update"},
                                                        {"entity", "Event"},
                                                        {"data", object{{"title", "x"}}}}}}});
    EXPECT_NE(Text(no_id).find("items[0]: an update's data needs the record's id"),
              std::string::npos)
        << Text(no_id);
    array many;
    for (int i = 0; i < 101; ++i) {
        many.push_back(object{{"op", "create"}, {"entity", "Event"}, {"data", Event("x")}});
    }
    auto too_many = CallTool("batch", object{{"items", many}});
    EXPECT_NE(Text(too_many).find("at most 100 items per batch, got 101"), std::string::npos)
        << Text(too_many);
    EXPECT_EQ(Events(), before);
}

TEST_F(BatchToolTest, AgentIsOfferedOnlyWhatItMayWrite) {
    connection_.principal = Principal{"usr_agent", "claude", "ai_agent", MakeAccount(), true};
    const value listed = Request("tools/list");
    const object* batch = nullptr;
    for (const auto& tool : listed.at("result").at("tools").as_array()) {
        if (tool.at("name") == value("batch")) {
            batch = &tool.as_object();
        }
    }
    ASSERT_NE(batch, nullptr);
    EXPECT_EQ(boost::json::serialize(batch->at("inputSchema")
                                         .at("properties")
                                         .at("items")
                                         .at("items")
                                         .at("properties")
                                         .at("entity")
                                         .at("enum")),
              R"(["User","Profile"])");
    auto denied = CallTool(
        "batch",
        object{{"items",
                array{object{{"op", "create"}, {"entity", "Event"}, {"data", Event("No")}}}}});
    EXPECT_EQ(denied.at("isError"), value(true));
    EXPECT_EQ(Text(denied), "Permission denied: [0] ai_agent role cannot create Event");
}

}  // namespace
}  // namespace ea::mcp::testing
