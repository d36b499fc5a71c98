// SnakeCase / PluralSnakeCase (the names MCP tools and entity lookup use) and the ignoring-case
// hash and equality behind the schema's name indexes.
#include "schema/names.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace ea::schema {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(NamesTest, SnakeCaseSplitsWordsAndAcronyms) {
    const Pairs cases = {
        {"User", "user"},
        {"UserEvent", "user_event"},
        {"TagAffinity", "tag_affinity"},
        {"Crawl", "crawl"},
        {"HTTPRequest", "http_request"},
        {"userId", "user_id"},
        {"user_event", "user_event"},
        {"Event2Type", "event2_type"},
        {"A", "a"},
        {"ABC", "abc"},
        {"My_Thing", "my_thing"},
    };
    for (const auto& [name, expected] : cases) {
        EXPECT_EQ(SnakeCase(name), expected) << name;
    }
}

TEST(NamesTest, PluralOfTheDefaultEntities) {
    const Pairs cases = {
        {"User", "users"},
        {"Account", "accounts"},
        {"Event", "events"},
        {"UserEvent", "user_events"},
        {"TagAffinity", "tag_affinities"},
        {"Crawl", "crawls"},
        {"Tag", "tags"},
        {"Location", "locations"},
    };
    for (const auto& [name, expected] : cases) {
        EXPECT_EQ(PluralSnakeCase(name), expected) << name;
    }
}

TEST(NamesTest, PluralFollowsEnglishRulesOnTheLastWord) {
    const Pairs cases = {
        {"Category", "categories"},
        {"Day", "days"},
        {"Key", "keys"},
        {"Address", "addresses"},
        {"Box", "boxes"},
        {"Match", "matches"},
        {"Wish", "wishes"},
        {"Quiz", "quizes"},
        {"Analysis", "analyses"},
        {"Person", "people"},
        {"SalesPerson", "sales_people"},
        {"Child", "children"},
        {"News", "news"},
        {"EventData", "event_data"},
        {"Series", "series"},
        {"Status", "statuses"},
    };
    for (const auto& [name, expected] : cases) {
        EXPECT_EQ(PluralSnakeCase(name), expected) << name;
    }
}

TEST(NamesTest, IgnoringCaseHashAndEqualAgree) {
    EXPECT_TRUE(EqualsIgnoringCase("firstName", "FIRSTNAME"));
    EXPECT_FALSE(EqualsIgnoringCase("firstName", "firstNam"));
    EXPECT_FALSE(EqualsIgnoringCase("a_b", "a-b"));
    EXPECT_EQ(IgnoringCaseHash{}("NetWorth"), IgnoringCaseHash{}("networth"));
    EXPECT_TRUE(IgnoringCaseEqual{}("NetWorth", "networth"));
}

}  // namespace
}  // namespace ea::schema
