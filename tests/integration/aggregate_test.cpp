// GET /api/{entity}/_aggregate on the real binary: values for a set of events the suite writes
// (counted by hand), group-by, parameter errors (400 naming the parameter), and the ai_agent
// role's read rules answered 403 with the messages a list gives.
#include <string>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::UrlEncode;

class AggregateTest : public ServerSuite {
protected:
    static void SetUpTestSuite() {
        ServerSuite::SetUpTestSuite();
        if (admin_token().empty()) {
            return;
        }
        marker_ = UniqueId("agg");
        // location, cost: Oakland 10, 20, 30; Berkeley 5.
        const std::pair<const char*, double> rows[] = {
            {"Oakland", 10}, {"Oakland", 20}, {"Oakland", 30}, {"Berkeley", 5}};
        int n = 0;
        for (const auto& [location, cost] : rows) {
            json::object body{{"url", "https://example.com/agg" + std::to_string(n++)},
                              {"title", marker_},
                              {"dateTime", "2026-05-01T10:00:00Z"},
                              {"cost", cost},
                              {"location", marker_ + " " + location}};
            auto created = Admin().Post("/api/event", body);
            if (created.status != 201) {
                ADD_FAILURE() << Describe(created);
            }
        }
    }
    static HttpResponse Aggregate(const Api& api, const std::string& params) {
        return api.Get("/api/event/_aggregate?filter=" + UrlEncode("title:" + marker_) + "&" +
                       params);
    }
    static std::string marker_;
};

std::string AggregateTest::marker_;

TEST_F(AggregateTest, CountSumAvgMinMax) {
    auto response = Aggregate(Admin(), "metrics=count,sum:cost,avg:cost,min:cost,max:cost");
    ASSERT_TRUE(IsSuccess(response)) << Describe(response);
    EXPECT_EQ(json::serialize(response.Json().at("data")),
              R"({"groups":[{"key":{},"count":4,"sum_cost":6.5E1,"avg_cost":1.625E1,)"
              R"("min_cost":5E0,"max_cost":3E1}],"truncated":false})");
}

TEST_F(AggregateTest, GroupByLocation) {
    auto response = Aggregate(Admin(), "metrics=count,avg:cost&groupBy=location");
    ASSERT_TRUE(IsSuccess(response)) << Describe(response);
    EXPECT_EQ(json::serialize(response.Json().at("data").at("groups")),
              R"([{"key":{"location":")" + marker_ + R"( Berkeley"},"count":1,"avg_cost":5E0},)" +
                  R"({"key":{"location":")" + marker_ + R"( Oakland"},"count":3,"avg_cost":2E1}])");
}

TEST_F(AggregateTest, BadParametersAre400NamingThem) {
    EXPECT_TRUE(IsError(Aggregate(Admin(), "metrics=sum:title"), 400, "invalid_argument",
                        "sum needs a numeric field; Event.title is String", "metrics"));
    EXPECT_TRUE(IsError(Aggregate(Admin(), "groupBy=tags"), 400, "invalid_argument",
                        "cannot group by Event.tags (Array[String])", "groupBy"));
    auto unknown = Aggregate(Admin(), "sort=cost");
    EXPECT_TRUE(IsError(unknown, 400, "invalid_argument",
                        "unknown parameter 'sort'; valid parameters: metrics, groupBy, filter, "
                        "filter_matching",
                        "sort"));
    EXPECT_EQ(Admin().Get("/api/nosuch/_aggregate").status, 404);
}

TEST_F(AggregateTest, AgentGetsTheReadDenials) {
    const std::string name = UniqueId("aggagent");
    auto created = Admin().Post("/api/user", json::object{{"username", name},
                                                          {"email", name + "@example.org"},
                                                          {"password", "agent-password-1"},
                                                          {"firstName", "Casey"},
                                                          {"lastName", "Tester"},
                                                          {"isAccountOwner", false},
                                                          {"accountId", "acc_demo_0"},
                                                          {"role", "ai_agent"}});
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    const Api agent(port(), LoginToken(port(), name, "agent-password-1"));
    EXPECT_TRUE(IsError(agent.Get("/api/user/_aggregate?metrics=max:password"), 403, "forbidden",
                        "ai_agent role cannot max User on password"));
    EXPECT_TRUE(IsError(agent.Get("/api/user/_aggregate?groupBy=firstName"), 403, "forbidden",
                        "ai_agent role cannot group User on firstName"));
    EXPECT_TRUE(IsError(agent.Get("/api/user/_aggregate?filter=firstName:Casey"), 403, "forbidden",
                        "ai_agent role cannot filter User on firstName"));
    EXPECT_TRUE(IsError(agent.Get("/api/crawl/_aggregate"), 403, "forbidden",
                        "ai_agent role cannot read Crawl"));
    auto allowed = Aggregate(agent, "metrics=count");
    ASSERT_TRUE(IsSuccess(allowed)) << Describe(allowed);
    EXPECT_EQ(allowed.Json().at("data").at("groups").at(0).at("count"), json::value(4));
}

}  // namespace
}  // namespace ea::integration
