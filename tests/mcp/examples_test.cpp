// docs/mcp/examples.md, replayed: every example's tools/call, in the file's order, against a
// seeded store, each with a check of its result. An example without a check, or a check without
// an example, fails, so the doc and this test cannot drift apart.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"
#include "testing/test_schema.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

struct Example {
    std::string heading;  // without "### N. "
    object call;          // {"name", "arguments"}
};

std::vector<Example> ReadExamples() {
    const auto path =
        ea::testing::DefaultSchemaPath().parent_path() / "docs" / "mcp" / "examples.md";
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    std::vector<Example> examples;
    std::string line;
    bool in_json = false;
    std::string json;
    while (std::getline(in, line)) {
        if (line.starts_with("### ")) {
            const auto dot = line.find(". ");
            examples.push_back(Example{line.substr(dot == std::string::npos ? 4 : dot + 2), {}});
        } else if (line == "```json") {
            in_json = true;
            json.clear();
        } else if (in_json && line == "```") {
            in_json = false;
            EXPECT_FALSE(examples.empty()) << "a json block before any example";
            if (!examples.empty()) {
                EXPECT_TRUE(examples.back().call.empty()) << examples.back().heading;
                examples.back().call = boost::json::parse(json).as_object();
            }
        } else if (in_json) {
            json += line + "\n";
        }
    }
    return examples;
}

std::vector<std::string> Column(const object& result, std::string_view field) {
    std::vector<std::string> out;
    for (const auto& row : result.at("structuredContent").at("data").as_array()) {
        out.emplace_back(row.at(field).as_string());
    }
    return out;
}

class ExamplesTest : public McpTest {
protected:
    ExamplesTest() {
        InitializeSession();
        Seed("create_account", object{{"id", "acc_001"}});
        for (auto [username, owner] : {std::pair{"markus", true}, std::pair{"mark_twain", false},
                                       std::pair{"alice_w", false}}) {
            Seed("create_user", object{{"username", username},
                                       {"email", std::string(username) + "@example.com"},
                                       {"password", "long-enough-password"},
                                       {"firstName", "First"},
                                       {"lastName", "Last"},
                                       {"isAccountOwner", owner},
                                       {"accountId", "acc_001"}});
        }
        for (auto [title, location, when, cost] :
             {std::tuple{"Jazz night", "Oakland, CA", "2030-05-02T19:00:00Z", 20.0},
              std::tuple{"Food fair", "Downtown Oakland", "2030-05-01T12:00:00Z", 0.0},
              std::tuple{"Poetry", "Berkeley", "2030-05-01T18:00:00Z", 10.0}}) {
            Seed("create_event", object{{"url", "https://example.com/e"},
                                        {"title", title},
                                        {"location", location},
                                        {"dateTime", when},
                                        {"cost", cost}});
        }
    }
    void Seed(std::string_view tool, object arguments) {
        auto result = CallTool(tool, std::move(arguments));
        ASSERT_EQ(result.at("isError"), value(false)) << boost::json::serialize(result);
    }
};

TEST_F(ExamplesTest, EveryExampleRunsAndGivesWhatTheDocSays) {
    using Check = std::function<void(const object&)>;
    const std::map<std::string, Check> checks = {
        {"List all users",
         [](const object& r) {
             EXPECT_EQ(r.at("structuredContent").at("pagination").at("total"), value(3));
             EXPECT_EQ(boost::json::serialize(r).find("password"), std::string::npos);
         }},
        {"Show me users with username containing 'mark'",
         [](const object& r) {
             auto names = Column(r, "username");
             std::sort(names.begin(), names.end());
             EXPECT_EQ(names, (std::vector<std::string>{"mark_twain", "markus"}));
         }},
        {"Create a test user named John Doe",
         [](const object& r) {
             EXPECT_EQ(r.at("structuredContent").at("id"), value("usr_001"));
             EXPECT_EQ(r.at("structuredContent").at("firstName"), value("John"));
             EXPECT_FALSE(r.at("structuredContent").as_object().contains("password"));
         }},
        {"Get user usr_001",
         [](const object& r) {
             EXPECT_EQ(r.at("structuredContent").at("username"), value("johndoe"));
             EXPECT_EQ(r.at("structuredContent").at("lastName"), value("Doe"));
         }},
        {"Show users sorted by creation date",
         [](const object& r) {
             const auto created = Column(r, "createdAt");
             ASSERT_EQ(created.size(), 4u);
             EXPECT_TRUE(std::is_sorted(created.begin(), created.end()));
             EXPECT_EQ(Column(r, "id").back(), "usr_001") << "created last";
         }},
        {"Which events are coming up in Oakland?",
         [](const object& r) {
             EXPECT_EQ(Column(r, "title"), (std::vector<std::string>{"Food fair", "Jazz night"}));
         }},
        {"Change John Doe's last name to Dowe",
         [](const object& r) {
             EXPECT_EQ(r.at("structuredContent").at("lastName"), value("Dowe"));
             EXPECT_EQ(r.at("structuredContent").at("firstName"), value("John")) << "a patch";
         }},
        {"How many users own their account?",
         [](const object& r) {
             EXPECT_EQ(r.at("structuredContent").at("pagination").at("total"), value(1));
             EXPECT_EQ(Column(r, "username"), (std::vector<std::string>{"markus"}));
         }},
        {"How many events are in Oakland next month, and what do they cost on average?",
         [](const object& r) {
             // The two Oakland events of May 2030 cost 20 and 0.
             const auto& group = r.at("structuredContent").at("groups").at(0);
             EXPECT_EQ(group.at("count"), value(2));
             EXPECT_EQ(group.at("avg_cost"), value(10.0));
             EXPECT_EQ(r.at("structuredContent").at("groups").as_array().size(), 1u);
         }},
    };
    const auto examples = ReadExamples();
    ASSERT_EQ(examples.size(), checks.size());
    std::set<std::string> seen;
    for (const auto& example : examples) {
        SCOPED_TRACE(example.heading);
        const auto check = checks.find(example.heading);
        ASSERT_NE(check, checks.end()) << "no check for this example";
        ASSERT_FALSE(example.call.empty()) << "no json block";
        seen.insert(example.heading);
        auto result =
            CallTool(example.call.at("name").as_string(), example.call.at("arguments").as_object());
        ASSERT_EQ(result.at("isError"), value(false)) << boost::json::serialize(result);
        check->second(result);
    }
    EXPECT_EQ(seen.size(), checks.size());
}

}  // namespace
}  // namespace ea::mcp::testing
