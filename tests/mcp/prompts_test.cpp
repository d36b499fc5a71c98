// Prompts: prompts/list and prompts/get, with the argument errors named (-32602), and the calls
// each prompt suggests are ones the tools accept.
#include "mcp/prompts.hpp"

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <gtest/gtest.h>

#include "common/datetime.hpp"
#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class PromptsTest : public McpTest {
protected:
    PromptsTest() { InitializeSession(); }
    value Get(std::string_view name, object arguments) {
        return Request("prompts/get", object{{"name", name}, {"arguments", std::move(arguments)}});
    }
    static std::string Text(const value& answer) {
        return std::string(
            answer.at("result").at("messages").at(0).at("content").at("text").as_string());
    }
    // The JSON object after "with " in a prompt's text: the arguments it tells the model to use.
    static object SuggestedArguments(const std::string& text) {
        const auto start = text.find(" with {");
        EXPECT_NE(start, std::string::npos) << text;
        boost::json::stream_parser parser;
        boost::system::error_code ec;
        parser.write_some(text.data() + start + 6, text.size() - start - 6, ec);
        return parser.release().as_object();
    }
};

TEST_F(PromptsTest, ListNamesEachPromptAndItsArguments) {
    auto prompts = Request("prompts/list").at("result").at("prompts").as_array();
    ASSERT_EQ(prompts.size(), 3u);
    EXPECT_EQ(prompts[0].at("name"), value("describe_data_model"));
    EXPECT_FALSE(prompts[0].as_object().contains("arguments"));
    EXPECT_EQ(prompts[1].at("name"), value("find_records"));
    EXPECT_EQ(prompts[1].at("arguments").at(0),
              value(object{{"name", "entity"},
                           {"description", "The entity to search, e.g. User."},
                           {"required", true}}));
    EXPECT_EQ(prompts[2].at("name"), value("summarise_upcoming_events"));
    EXPECT_EQ(prompts[2].at("arguments").as_array().size(), 3u);
}

TEST_F(PromptsTest, DescribeDataModelNamesEveryEntityAndItsSchemaResource) {
    auto answer = Get("describe_data_model", {});
    EXPECT_EQ(answer.at("result").at("messages").at(0).at("role"), value("user"));
    const std::string text = Text(answer);
    for (const auto& entity : schema().entities()) {
        EXPECT_NE(text.find("\n- " + entity->name()), std::string::npos) << entity->name();
    }
    EXPECT_NE(text.find("events://schema/{Entity}"), std::string::npos);
    EXPECT_NE(text.find("gender (String, one of male female other)"), std::string::npos) << text;
}

TEST_F(PromptsTest, MissingRequiredArgumentIsInvalidParamsNamingIt) {
    auto answer = Get("find_records", object{{"entity", "User"}});
    ASSERT_TRUE(answer.as_object().contains("error"));
    EXPECT_EQ(answer.at("error").at("code"), value(-32602));
    EXPECT_NE(answer.at("error").at("message").as_string().find("needs argument 'text'"),
              boost::json::string::npos);
    auto city = Get("summarise_upcoming_events", {});
    EXPECT_NE(city.at("error").at("message").as_string().find("'city'"), boost::json::string::npos);
}

TEST_F(PromptsTest, BadNamesAndValuesAreInvalidParams) {
    for (auto [name, arguments, needle] :
         {std::tuple{"nope", object{}, "unknown prompt 'nope'"},
          std::tuple{"find_records", object{{"entity", "Planet"}, {"text", "x"}}, "unknown entity"},
          std::tuple{"find_records", object{{"entity", "User"}, {"text", "x"}, {"field", "dob"}},
                     "not a free-text field of User"},
          std::tuple{"find_records", object{{"entity", "User"}, {"text", 3}}, "must be a string"},
          std::tuple{"find_records", object{{"entity", "User"}, {"text", "x"}, {"zzz", "1"}},
                     "no argument 'zzz'"},
          std::tuple{"summarise_upcoming_events", object{{"city", "Oakland"}, {"days", "0"}},
                     "argument 'days'"},
          std::tuple{"summarise_upcoming_events",
                     object{{"city", "Oakland"}, {"recurrence", "hourly"}},
                     "is not one of daily, weekly, monthly, yearly"}}) {
        auto answer = Get(name, arguments);
        ASSERT_TRUE(answer.as_object().contains("error")) << name;
        EXPECT_EQ(answer.at("error").at("code"), value(-32602));
        EXPECT_NE(answer.at("error").at("message").as_string().find(needle),
                  boost::json::string::npos)
            << answer.at("error").at("message");
    }
}

TEST_F(PromptsTest, FindRecordsSuggestsAListCallThatFindsThem) {
    const std::string account = MakeAccount();
    for (const char* username : {"markus", "bob_smith"}) {
        ASSERT_EQ(CallTool("create_user", object{{"username", username},
                                                 {"email", std::string(username) + "@ex.com"},
                                                 {"password", "long-enough-password"},
                                                 {"firstName", "Firstname"},
                                                 {"lastName", "Lastname"},
                                                 {"isAccountOwner", false},
                                                 {"accountId", account}})
                      .at("isError"),
                  value(false));
    }
    for (auto arguments : {object{{"entity", "user"}, {"text", "MARK"}},
                           object{{"entity", "User"}, {"text", "mark"}, {"field", "username"}}}) {
        const std::string text = Text(Get("find_records", arguments));
        EXPECT_NE(text.find("Call list_users with"), std::string::npos) << text;
        auto listed = CallTool("list_users", SuggestedArguments(text));
        ASSERT_EQ(listed.at("isError"), value(false)) << boost::json::serialize(listed);
        const auto& data = listed.at("structuredContent").at("data").as_array();
        ASSERT_EQ(data.size(), 1u) << text;
        EXPECT_EQ(data[0].at("username"), value("markus"));
    }
}

TEST_F(PromptsTest, UpcomingEventsSuggestsAListCallForTheCityFromNowOn) {
    const auto now = std::chrono::system_clock::now();
    auto make = [&](const char* title, const char* location, std::chrono::hours from_now) {
        auto created = CallTool("create_event", object{{"url", "https://example.com/e"},
                                                       {"title", title},
                                                       {"dateTime", FormatDatetime(now + from_now)},
                                                       {"location", location},
                                                       {"cost", 5}});
        ASSERT_EQ(created.at("isError"), value(false)) << boost::json::serialize(created);
    };
    make("past", "Oakland, CA", std::chrono::hours(-48));
    make("later", "Oakland, CA", std::chrono::hours(72));
    make("soon", "Downtown Oakland", std::chrono::hours(24));
    make("elsewhere", "Berkeley", std::chrono::hours(24));
    make("far", "Oakland", std::chrono::hours(24 * 40));
    const std::string text = Text(Get("summarise_upcoming_events", object{{"city", "oakland"}}));
    EXPECT_NE(text.find("Call list_events with"), std::string::npos) << text;
    auto listed = CallTool("list_events", SuggestedArguments(text));
    ASSERT_EQ(listed.at("isError"), value(false)) << boost::json::serialize(listed);
    const auto& data = listed.at("structuredContent").at("data").as_array();
    ASSERT_EQ(data.size(), 2u) << text;
    EXPECT_EQ(data[0].at("title"), value("soon"));
    EXPECT_EQ(data[1].at("title"), value("later"));
}

TEST_F(PromptsTest, StatelessGetHasResultType) {
    auto answer =
        Request("prompts/get", object{{"name", "describe_data_model"}, {"_meta", ModernMeta()}});
    EXPECT_EQ(answer.at("result").at("resultType"), value("complete"));
    EXPECT_FALSE(answer.at("result").as_object().contains("ttlMs")) << "not a CacheableResult";
}

}  // namespace
}  // namespace ea::mcp::testing
