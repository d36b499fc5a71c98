// Compact mode: the generic tools' listing (names, size within 2,000 tokens, entity enums per
// principal), and that each runs its per-entity tool's path: the same results, the same
// validation messages, the same denials.
#include <set>
#include <string>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class CompactModeTest : public McpAccountTest {
protected:
    std::vector<std::string> Names() {
        std::vector<std::string> names;
        // Held in a variable: a range-for over Request(...).at(...) would walk a destroyed
        // temporary (no lifetime extension through member calls before C++23).
        const value listed = Request("tools/list");
        for (const auto& tool : listed.at("result").at("tools").as_array()) {
            names.emplace_back(tool.at("name").as_string());
        }
        return names;
    }
    const object& Listed(const std::string& name) {
        listed_ = Request("tools/list");
        for (const auto& tool : listed_.at("result").at("tools").as_array()) {
            if (tool.at("name") == value(name)) {
                return tool.as_object();
            }
        }
        static const object kNone;
        ADD_FAILURE() << name << " not listed";
        return kNone;
    }
    value listed_;
};

TEST_F(CompactModeTest, EightGenericToolsPlusAuthWithinTwoThousandTokens) {
    connection_.tools_mode = ToolsMode::kCompact;
    EXPECT_EQ(Names(),
              (std::vector<std::string>{"describe_entities", "query", "get", "create", "update",
                                        "delete", "aggregate", "batch", "user_auth_login",
                                        "user_auth_logout", "user_auth_refresh"}));
    // The whole tools/list answer, as docs/performance.md measures it (tokens ~ bytes / 4).
    for (const auto& role : {"admin", "ai_agent"}) {
        connection_.principal = Principal{"usr_x", "x", role, account_, true};
        const std::string bytes = boost::json::serialize(Request("tools/list"));
        EXPECT_LE(bytes.size(), 8000u) << role << ": " << bytes.size() << " bytes";
    }
    connection_.principal = Principal::System();
    connection_.tools_mode = ToolsMode::kPerEntity;
    EXPECT_EQ(Names().size(), 42u) << "the connection's choice, not a server-wide switch";
}

TEST_F(CompactModeTest, AToolOfTheOtherSetIsUnknownByName) {
    connection_.tools_mode = ToolsMode::kCompact;
    auto per_entity =
        Request("tools/call", object{{"name", "list_users"}, {"arguments", object{}}});
    EXPECT_EQ(per_entity.at("error").at("code"), value(-32602));
    EXPECT_EQ(per_entity.at("error").at("message"), value("Unknown tool: list_users"));
    connection_.tools_mode = ToolsMode::kPerEntity;
    auto compact =
        Request("tools/call", object{{"name", "query"}, {"arguments", object{{"entity", "User"}}}});
    EXPECT_EQ(compact.at("error").at("message"), value("Unknown tool: query"));
}

TEST_F(CompactModeTest, TheServersDefaultModeServesConnectionsThatDoNotChoose) {
    ToolSchemaOptions options;
    options.mode = ToolsMode::kCompact;
    ToolRegistry compact_default(schema(), ToolServices{*documents_, *auth_}, options);
    const auto listed = compact_default.ListingFor(Principal::System());
    ASSERT_EQ(listed.size(), 11u);
    EXPECT_EQ(listed.at(0).at("name"), value("describe_entities"));
    EXPECT_EQ(compact_default.ListingFor(Principal::System(), ToolsMode::kPerEntity).size(), 42u);
}

TEST_F(CompactModeTest, BadCompactArgumentsSayWhatToFix) {
    connection_.tools_mode = ToolsMode::kCompact;
    EXPECT_EQ(Text(CallTool("get", object{{"id", "usr_x"}})),
              "Invalid arguments: entity: entity is required: an entity name");
    EXPECT_EQ(Text(CallTool("get", object{{"entity", "Nope"}, {"id", "usr_x"}})).substr(0, 34),
              "unknown entity 'Nope'; entities: A");
    EXPECT_EQ(Text(CallTool("create", object{{"entity", "User"}})),
              "Invalid arguments: data: data is required: an object of the record's fields");
    EXPECT_EQ(Text(CallTool("create", object{{"entity", "User"}, {"data", object{}}, {"x", 1}})),
              "Invalid arguments: x: unknown argument \"x\"; valid arguments: entity, data");
    auto no_delete = CallTool("delete", object{{"entity", "User"}, {"id", "usr_x"}});
    EXPECT_EQ(no_delete.at("isError"), value(true));
    EXPECT_EQ(Text(no_delete), "Not allowed: User does not allow delete");
}

TEST_F(CompactModeTest, EntityEnumsFollowThePrincipal) {
    connection_.tools_mode = ToolsMode::kCompact;
    connection_.principal = Principal{"usr_agent", "claude", "ai_agent", account_, true};
    const auto enum_of = [&](const std::string& tool) {
        return boost::json::serialize(
            Listed(tool).at("inputSchema").at("properties").at("entity").at("enum"));
    };
    EXPECT_EQ(enum_of("query"),
              R"(["Account","User","Profile","TagAffinity","Event","UserEvent","Url"])");
    EXPECT_EQ(enum_of("create"), R"(["User","Profile"])");
    EXPECT_EQ(enum_of("update"), R"(["Profile"])");
    const auto names = Names();
    EXPECT_EQ(std::count(names.begin(), names.end(), "delete"), 0)
        << "ai_agent deletes nothing, so delete is not offered";
    auto refused = CallTool("delete", object{{"entity", "Profile"}, {"id", "pro_x"}});
    EXPECT_EQ(refused.at("isError"), value(true));
    EXPECT_EQ(Text(refused), "Permission denied: ai_agent role cannot delete any entity");
    auto event = CallTool("create", object{{"entity", "Event"}, {"data", object{}}});
    EXPECT_EQ(Text(event), "Permission denied: ai_agent role cannot create Event");
}

TEST_F(CompactModeTest, SameResultsAndMessagesAsThePerEntityTools) {
    connection_.tools_mode = ToolsMode::kCompact;
    auto created = CallTool("create", object{{"entity", "User"}, {"data", UserArgs("compact1")}});
    ASSERT_EQ(created.at("isError"), value(false)) << Text(created);
    const std::string id(created.at("structuredContent").at("id").as_string());

    object bad = UserArgs("x");
    bad["email"] = "nope";
    auto compact_bad = CallTool("create", object{{"entity", "user"}, {"data", bad}});
    connection_.tools_mode = ToolsMode::kPerEntity;
    auto direct_bad = CallTool("create_user", bad);
    EXPECT_EQ(compact_bad.at("isError"), value(true));
    EXPECT_EQ(Text(compact_bad), Text(direct_bad)) << "one validation path";

    auto direct_list = CallTool("list_users", object{{"filter", object{{"username", "compact1"}}}});
    auto direct_unknown = CallTool("list_users", object{{"filer", object{}}});
    connection_.tools_mode = ToolsMode::kCompact;
    auto compact_list = CallTool(
        "query", object{{"entity", "users"}, {"filter", object{{"username", "compact1"}}}});
    EXPECT_EQ(boost::json::serialize(compact_list.at("structuredContent")),
              boost::json::serialize(direct_list.at("structuredContent")));
    auto compact_unknown = CallTool("query", object{{"entity", "User"}, {"filer", object{}}});
    EXPECT_EQ(Text(compact_unknown), Text(direct_unknown));

    auto got = CallTool("get", object{{"entity", "User"}, {"id", id}});
    EXPECT_EQ(got.at("structuredContent").at("username"), value("compact1"));
    auto updated =
        CallTool("update",
                 object{{"entity", "User"}, {"id", id}, {"data", object{{"lastName", "Compact"}}}});
    ASSERT_EQ(updated.at("isError"), value(false)) << Text(updated);
    EXPECT_EQ(updated.at("structuredContent").at("lastName"), value("Compact"));
    auto no_delete = CallTool("delete", object{{"entity", "User"}, {"id", id}});
    EXPECT_EQ(no_delete.at("isError"), value(true));
    EXPECT_NE(Text(no_delete).find("User does not allow delete"), std::string::npos)
        << Text(no_delete);
}

TEST_F(CompactModeTest, DescribeEntitiesGivesProgressiveDetail) {
    connection_.tools_mode = ToolsMode::kCompact;
    auto created = CallTool("create", object{{"entity", "User"}, {"data", UserArgs("sample1")}});
    ASSERT_EQ(created.at("isError"), value(false)) << Text(created);
    auto all = CallTool("describe_entities", object{});
    ASSERT_EQ(all.at("isError"), value(false)) << Text(all);
    const auto& entities = all.at("structuredContent").at("entities").as_array();
    ASSERT_EQ(entities.size(), 8u);
    EXPECT_EQ(entities[1].at("name"), value("User"));
    EXPECT_EQ(boost::json::serialize(entities[1].at("operations")),
              R"(["read","create","update"])");
    auto user = CallTool("describe_entities",
                         object{{"entity", "User"}, {"detail", "schemas"}, {"samples", 1}});
    ASSERT_EQ(user.at("isError"), value(false)) << Text(user);
    const auto& described = user.at("structuredContent");
    EXPECT_TRUE(described.at("schemas").as_object().contains("query"));
    EXPECT_EQ(described.at("schemas").at("create.data"),
              value(tools_->Find("create_user")->input_schema));
    ASSERT_EQ(described.at("samples").as_array().size(), 1u);
    EXPECT_FALSE(described.at("samples").at(0).as_object().contains("password"));
}

TEST_F(CompactModeTest, DescribeEntitiesShowsWhatTheCallerMayDo) {
    connection_.tools_mode = ToolsMode::kCompact;
    connection_.principal = Principal{"usr_agent", "claude", "ai_agent", account_, true};
    auto all = CallTool("describe_entities", object{});
    ASSERT_EQ(all.at("isError"), value(false)) << Text(all);
    std::string names;
    for (const auto& entity : all.at("structuredContent").at("entities").as_array()) {
        names += std::string(entity.at("name").as_string()) + ":" +
                 boost::json::serialize(entity.at("operations")) + " ";
    }
    EXPECT_EQ(names,
              R"(Account:["read"] User:["read","create"] Profile:["read","create","update"] )"
              R"(TagAffinity:["read"] Event:["read"] UserEvent:["read"] Url:["read"] )")
        << "no Crawl: ai_agent may not read it";
    auto profile = CallTool("describe_entities", object{{"entity", "profile"}});
    EXPECT_EQ(
        boost::json::serialize(profile.at("structuredContent").at("description").at("operations")),
        R"(["read","create","update"])")
        << "the caller's operations, not the schema's (which has delete)";
    auto crawl = CallTool("describe_entities", object{{"entity", "Crawl"}});
    EXPECT_EQ(crawl.at("isError"), value(true));
    EXPECT_EQ(Text(crawl), "Permission denied: ai_agent role cannot read Crawl");
    auto bad = CallTool("describe_entities", object{{"entity", "User"}, {"samples", 50}});
    EXPECT_EQ(Text(bad), "Invalid arguments: samples: samples must be an integer from 0 to 5");
}

}  // namespace
}  // namespace ea::mcp::testing
