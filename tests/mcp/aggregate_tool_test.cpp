// The `aggregate` tool through the real server, service and SQLite file: the answer for a small
// hand-counted set of events, group-by, the per-principal entity enum, and the read rules'
// denials with the messages reads give.
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class AggregateToolTest : public McpTest {
protected:
    void SetUp() override {
        InitializeSession("2025-11-25");
        // Oakland: 10, 20, free (0); Berkeley: 40; one without a cost.
        const struct {
            const char* location;
            double cost;
        } events[] = {
            {"Oakland", 10}, {"Oakland", 20}, {"Oakland", 0}, {"Berkeley", 40}, {"Oakland", -1}};
        int n = 0;
        for (const auto& e : events) {
            object args{{"url", "https://example.com/e" + std::to_string(n)},
                        {"title", "Event " + std::to_string(n)},
                        {"dateTime", "2026-0" + std::to_string(1 + n % 3) + "-10T18:00:00Z"},
                        {"location", e.location}};
            if (e.cost >= 0) {
                args["cost"] = e.cost;
            }
            ++n;
            auto created = CallTool("create_event", args);
            ASSERT_EQ(created.at("isError"), value(false)) << boost::json::serialize(created);
        }
    }
    const object* AggregateListing() {
        static thread_local value listed;
        listed = Request("tools/list");
        for (const auto& tool : listed.at("result").at("tools").as_array()) {
            if (tool.at("name") == value("aggregate")) {
                return &tool.as_object();
            }
        }
        return nullptr;
    }
};

TEST_F(AggregateToolTest, CountsAndAveragesWithoutListing) {
    auto result = CallTool(
        "aggregate",
        object{{"entity", "Event"},
               {"filter", object{{"location", "Oakland"}}},
               {"metrics", array{object{{"op", "count"}}, object{{"op", "avg"}, {"field", "cost"}},
                                 object{{"op", "max"}, {"field", "dateTime"}}}}});
    ASSERT_EQ(result.at("isError"), value(false)) << Text(result);
    // 4 Oakland events (months 1, 2, 3 and 2); avg over the 3 with a cost: (10 + 20 + 0) / 3.
    EXPECT_EQ(boost::json::serialize(result.at("structuredContent")),
              R"({"entity":"Event","groups":[{"key":{},"count":4,"avg_cost":1E1,)"
              R"("max_dateTime":"2026-03-10T18:00:00.000Z"}],"truncated":false})");
}

TEST_F(AggregateToolTest, GroupsByAField) {
    auto result =
        CallTool("aggregate", object{{"entity", "events"},
                                     {"metrics", array{object{{"op", "count"}},
                                                       object{{"op", "sum"}, {"field", "cost"}}}},
                                     {"groupBy", array{"location"}}});
    ASSERT_EQ(result.at("isError"), value(false)) << Text(result);
    EXPECT_EQ(boost::json::serialize(result.at("structuredContent").at("groups")),
              R"([{"key":{"location":"Berkeley"},"count":1,"sum_cost":4E1},)"
              R"({"key":{"location":"Oakland"},"count":4,"sum_cost":3E1}])");
}

TEST_F(AggregateToolTest, BadShapesAreToolErrorsNamingTheProblem) {
    auto sum_text = CallTool(
        "aggregate",
        object{{"entity", "Event"}, {"metrics", array{object{{"op", "sum"}, {"field", "title"}}}}});
    EXPECT_EQ(sum_text.at("isError"), value(true));
    EXPECT_NE(Text(sum_text).find("sum needs a numeric field; Event.title is String"),
              std::string::npos)
        << Text(sum_text);
    auto unknown = CallTool("aggregate", object{{"entity", "Gig"}});
    EXPECT_EQ(unknown.at("isError"), value(true));
    EXPECT_NE(Text(unknown).find("unknown entity"), std::string::npos) << Text(unknown);
    auto extra = CallTool("aggregate", object{{"entity", "Event"}, {"sort", "x"}});
    EXPECT_NE(Text(extra).find("unknown argument \"sort\" for aggregate"), std::string::npos)
        << Text(extra);
}

TEST_F(AggregateToolTest, AgentSeesOnlyReadableEntitiesAndReadDenials) {
    const auto* admin_tool = AggregateListing();
    ASSERT_NE(admin_tool, nullptr);
    const auto admin_enum = admin_tool->at("inputSchema").at("properties").at("entity").at("enum");
    EXPECT_NE(boost::json::serialize(admin_enum).find("\"Crawl\""), std::string::npos);

    connection_.principal = Principal{"usr_agent", "claude", "ai_agent", MakeAccount(), true};
    const auto* agent_tool = AggregateListing();
    ASSERT_NE(agent_tool, nullptr) << "ai_agent reads entities, so it is offered aggregate";
    EXPECT_EQ(boost::json::serialize(
                  agent_tool->at("inputSchema").at("properties").at("entity").at("enum")),
              R"(["Account","User","Profile","TagAffinity","Event","UserEvent","Url"])")
        << "no Crawl: ai_agent has no rule for it";

    const auto denied = [&](object args, const std::string& message) {
        auto result = CallTool("aggregate", std::move(args));
        EXPECT_EQ(result.at("isError"), value(true));
        EXPECT_EQ(Text(result), "Permission denied: " + message);
    };
    denied(object{{"entity", "Crawl"}}, "ai_agent role cannot read Crawl");
    denied(object{{"entity", "User"},
                  {"metrics", array{object{{"op", "min"}, {"field", "password"}}}}},
           "ai_agent role cannot min User on password");
    denied(object{{"entity", "User"}, {"groupBy", array{"password"}}},
           "ai_agent role cannot group User on password");
    denied(object{{"entity", "User"}, {"filter", object{{"firstName", "Johnny"}}}},
           "ai_agent role cannot filter User on firstName");
    denied(
        object{{"entity", "Url"}, {"metrics", array{object{{"op", "count"}, {"field", "params"}}}}},
        "ai_agent role cannot count Url on params");
    auto allowed = CallTool("aggregate", object{{"entity", "Event"}});
    ASSERT_EQ(allowed.at("isError"), value(false)) << Text(allowed);
    EXPECT_EQ(allowed.at("structuredContent").at("groups").at(0).at("count"), value(5));
}

}  // namespace
}  // namespace ea::mcp::testing
