// Resources: events://schema/{Entity} serves what /api/metadata serves for the entity, records
// are read through the template events://{plural}/{id} as the connection's principal, and every
// list method pages with opaque cursors. Both eras: capabilities, error codes, cache hints.
#include "mcp/resources.hpp"

#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp/error_result.hpp"
#include "mcp/pagination.hpp"
#include "mcp_fixture.hpp"
#include "schema/schema_json.hpp"
#include "testing/test_schema.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

int ErrorCodeOf(const value& answer) {
    const auto* error = answer.as_object().if_contains("error");
    return error != nullptr ? static_cast<int>(error->at("code").as_int64()) : 0;
}

class ResourcesTest : public McpTest {
protected:
    std::string CreateUser(const std::string& username) {
        auto created = CallTool("create_user", object{{"username", username},
                                                      {"email", username + "@example.com"},
                                                      {"password", "long-enough-password"},
                                                      {"firstName", "Johnny"},
                                                      {"lastName", "Doelittle"},
                                                      {"isAccountOwner", false},
                                                      {"accountId", MakeAccount()}});
        EXPECT_EQ(created.at("isError"), value(false)) << boost::json::serialize(created);
        return std::string(created.at("structuredContent").at("id").as_string());
    }
    value Read(std::string_view uri) { return Request("resources/read", object{{"uri", uri}}); }
};

TEST_F(ResourcesTest, CapabilitiesAreAnnouncedInBothEras) {
    auto initialized = Request(
        "initialize", object{{"protocolVersion", "2025-11-25"}, {"capabilities", object{}}});
    const auto& caps = initialized.at("result").at("capabilities").as_object();
    EXPECT_EQ(caps.at("resources"), value(object{{"subscribe", false}, {"listChanged", false}}));
    EXPECT_EQ(caps.at("prompts"), value(object{{"listChanged", false}}));
    EXPECT_EQ(caps.at("completions"), value(object{}));
    EXPECT_TRUE(caps.contains("tools"));

    Connection old;
    auto out = server_->Handle(
        old,
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{}}})");
    const auto old_caps = boost::json::parse(out.at(0)).at("result").at("capabilities");
    EXPECT_FALSE(old_caps.as_object().contains("completions")) << "2025-03-26 added it";
    EXPECT_TRUE(old_caps.as_object().contains("resources"));

    auto discovered = Request("server/discover", object{{"_meta", ModernMeta()}});
    const auto& modern = discovered.at("result").at("capabilities").as_object();
    EXPECT_TRUE(modern.contains("resources"));
    EXPECT_TRUE(modern.contains("prompts"));
    EXPECT_TRUE(modern.contains("completions"));
}

TEST_F(ResourcesTest, ListsOneSchemaResourcePerEntity) {
    InitializeSession();
    auto listed = Request("resources/list").at("result");
    const auto& resources = listed.at("resources").as_array();
    ASSERT_EQ(resources.size(), schema().entities().size());
    EXPECT_EQ(resources.at(0).at("uri"), value("events://schema/Account"));
    EXPECT_EQ(resources.at(1).at("uri"), value("events://schema/User"));
    EXPECT_EQ(resources.at(1).at("mimeType"), value("application/json"));
    EXPECT_FALSE(listed.as_object().contains("nextCursor"));
    EXPECT_FALSE(listed.as_object().contains("resultType")) << "session era";
}

TEST_F(ResourcesTest, SchemaResourceIsTheMetadataOfTheEntity) {
    InitializeSession();
    auto read = Read("events://schema/User").at("result");
    const auto& content = read.at("contents").at(0);
    EXPECT_EQ(content.at("uri"), value("events://schema/User"));
    EXPECT_EQ(content.at("mimeType"), value("application/json"));
    const auto metadata = schema::SchemaDescription(schema(), documents_->backend());
    EXPECT_EQ(boost::json::parse(content.at("text").as_string()),
              metadata.at("entities").at("User"));
    EXPECT_EQ(boost::json::parse(content.at("text").as_string()).at("name"), value("User"));
}

TEST_F(ResourcesTest, TemplatesNameEveryEntityWithARealPlural) {
    InitializeSession();
    auto templates = Request("resources/templates/list").at("result").at("resourceTemplates");
    std::set<std::string> uris;
    for (const auto& t : templates.as_array()) {
        uris.insert(std::string(t.at("uriTemplate").as_string()));
    }
    EXPECT_TRUE(uris.contains("events://schema/{Entity}"));
    EXPECT_TRUE(uris.contains("events://users/{id}"));
    EXPECT_TRUE(uris.contains("events://tag_affinities/{id}"));
    EXPECT_TRUE(uris.contains("events://user_events/{id}"));
    EXPECT_EQ(uris.size(), schema().entities().size() + 1);
}

// Each role is offered what /api/metadata shows it: the default schema's ai_agent may not read
// Crawl (no schema resource, no template, its schema refused) and never sees Url.params (hidden
// from it); the administrator still sees both.
TEST_F(ResourcesTest, ResourcesAndTemplatesFollowTheCallersRole) {
    connection_.principal = Principal{"usr_agent", "agent", "ai_agent", "", true};
    InitializeSession();
    const std::string resources =
        boost::json::serialize(Request("resources/list").at("result").at("resources"));
    EXPECT_EQ(resources.find("events://schema/Crawl"), std::string::npos) << resources;
    EXPECT_NE(resources.find("events://schema/Url"), std::string::npos) << resources;
    const std::string templates = boost::json::serialize(
        Request("resources/templates/list").at("result").at("resourceTemplates"));
    EXPECT_EQ(templates.find("events://crawls/{id}"), std::string::npos) << templates;
    EXPECT_NE(templates.find("events://urls/{id}"), std::string::npos) << templates;

    const auto crawl = Read("events://schema/Crawl");
    EXPECT_EQ(ErrorCodeOf(crawl), kResourceReadRefusedCode) << boost::json::serialize(crawl);
    EXPECT_EQ(crawl.at("error").at("message"),
              value("Permission denied: ai_agent role cannot read Crawl"));
    const auto url = boost::json::parse(
        Read("events://schema/Url").at("result").at("contents").at(0).at("text").as_string());
    std::set<std::string> fields;
    for (const auto& field : url.at("fields").as_array()) {
        fields.insert(std::string(field.at("name").as_string()));
    }
    EXPECT_FALSE(fields.contains("params"));
    EXPECT_TRUE(fields.contains("url"));

    Connection admin;
    admin.principal = Principal::System();
    auto out = server_->Handle(
        admin, R"({"jsonrpc":"2.0","id":1,"method":"resources/templates/list",)"
               R"("params":{"_meta":{"io.modelcontextprotocol/protocolVersion":)"
               R"("2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})");
    EXPECT_NE(out.at(0).find("events://crawls/{id}"), std::string::npos) << out.at(0);
}

TEST_F(ResourcesTest, RecordReadIsTheGetToolsRecordWithoutThePassword) {
    InitializeSession();
    const std::string id = CreateUser("reader");
    auto read = Read("events://users/" + id);
    const auto& content = read.at("result").at("contents").at(0);
    EXPECT_EQ(content.at("uri"), value("events://users/" + id));
    const auto record = boost::json::parse(content.at("text").as_string());
    EXPECT_EQ(record.at("username"), value("reader"));
    EXPECT_FALSE(record.as_object().contains("password"));
    EXPECT_EQ(std::string(content.at("text").as_string()).find("long-enough"), std::string::npos);
    auto got = CallTool("get_user", object{{"id", id}});
    EXPECT_EQ(record, got.at("structuredContent"));
}

TEST_F(ResourcesTest, MissingResourceIsMinus32002InTheSessionEraAndMinus32602In20260728) {
    InitializeSession();
    for (const char* uri :
         {"events://users/usr_missing", "events://schema/Nope", "events://nothings/x",
          "https://example.com/", "events://users/", "events://users/a/b"}) {
        auto answer = Read(uri);
        EXPECT_EQ(ErrorCodeOf(answer), -32002) << uri;
        EXPECT_EQ(answer.at("error").at("data").at("uri"), value(uri));
        EXPECT_TRUE(answer.at("error").at("message").as_string().starts_with("Resource not found"));
    }
    auto modern = Request("resources/read",
                          object{{"uri", "events://users/usr_missing"}, {"_meta", ModernMeta()}});
    EXPECT_EQ(ErrorCodeOf(modern), -32602);
    EXPECT_EQ(ErrorCodeOf(Request("resources/read", object{{"uri", 7}})), -32602);
}

TEST_F(ResourcesTest, StatelessResultsCarryResultTypeAndCacheHints) {
    InitializeSession();  // for create_user; the requests below carry their own _meta
    const std::string id = CreateUser("cached");
    for (auto [method, params] :
         {std::pair{"resources/list", object{}}, std::pair{"resources/templates/list", object{}},
          std::pair{"prompts/list", object{}},
          std::pair{"resources/read", object{{"uri", "events://schema/User"}}},
          std::pair{"resources/read", object{{"uri", "events://users/" + id}}}}) {
        params["_meta"] = ModernMeta();
        auto result = Request(method, params).at("result");
        EXPECT_EQ(result.at("resultType"), value("complete")) << method;
        EXPECT_EQ(result.at("cacheScope"), value("private")) << method;
        EXPECT_TRUE(result.at("ttlMs").is_int64()) << method;
    }
    auto record =
        Request("resources/read", object{{"uri", "events://users/" + id}, {"_meta", ModernMeta()}});
    EXPECT_EQ(record.at("result").at("ttlMs"), value(0)) << "records change any time";
}

TEST_F(ResourcesTest, EveryListPagesWithOpaqueCursorsAndRefusesBadOnes) {
    ServerIdentity identity;
    McpServer small(*tools_, identity, {},
                    McpFeatures{resources_.get(), prompts_.get(), completions_.get(), 3});
    Connection c;
    c.principal = Principal::System();
    small.Handle(
        c,
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})");
    auto ask = [&](std::string_view method, const value& cursor) {
        object message{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}};
        if (!cursor.is_null()) {
            message["params"] = object{{"cursor", cursor}};
        }
        return boost::json::parse(small.Handle(c, boost::json::serialize(message)).at(0));
    };
    for (auto [method, key, total] :
         {std::tuple{"tools/list", "tools", tools_->tools().size()},
          std::tuple{"resources/list", "resources", schema().entities().size()},
          std::tuple{"resources/templates/list", "resourceTemplates",
                     schema().entities().size() + 1},
          std::tuple{"prompts/list", "prompts", prompts_->prompts().size()}}) {
        std::set<std::string> seen;
        value cursor;
        int pages = 0;
        do {
            auto result = ask(method, cursor).at("result").as_object();
            for (const auto& item : result.at(key).as_array()) {
                const auto& named = item.as_object();
                seen.insert(std::string((named.contains("uri")           ? named.at("uri")
                                         : named.contains("uriTemplate") ? named.at("uriTemplate")
                                                                         : named.at("name"))
                                            .as_string()));
            }
            cursor = result.contains("nextCursor") ? result.at("nextCursor") : value();
            ++pages;
        } while (!cursor.is_null() && pages < 100);
        EXPECT_EQ(seen.size(), total) << method;
        EXPECT_EQ(pages, static_cast<int>((total + 2) / 3)) << method;
    }
    // A cursor of another list, a made-up one, one past the end, a non-string: -32602.
    const std::string tools_cursor = EncodeCursor("tools", 3);
    EXPECT_EQ(ErrorCodeOf(ask("prompts/list", value(tools_cursor))), -32602);
    EXPECT_EQ(ErrorCodeOf(ask("tools/list", value("abc"))), -32602);
    EXPECT_EQ(ErrorCodeOf(ask("tools/list", value(EncodeCursor("tools", 4000)))), -32602);
    EXPECT_EQ(ErrorCodeOf(ask("resources/list", value(5))), -32602);
    EXPECT_EQ(ErrorCodeOf(ask("tools/list", value(tools_cursor))), 0);
}

TEST_F(ResourcesTest, ReadsAndCompletionsStopWhenThePrincipalCanNoLongerAct) {
    InitializeSession();
    const std::string id = CreateUser("ended");
    connection_.principal_error =
        Error{ErrorCode::kUnauthenticated, "Not authenticated: the session ended", {}};
    auto read = Read("events://users/" + id);
    EXPECT_EQ(ErrorCodeOf(read), -32000);
    EXPECT_EQ(read.at("error").at("message"), value("Not authenticated: the session ended"));
    auto completed =
        Request("completion/complete",
                object{{"ref", object{{"type", "ref/resource"}, {"uri", "events://users/{id}"}}},
                       {"argument", object{{"name", "id"}, {"value", ""}}}});
    EXPECT_EQ(ErrorCodeOf(completed), -32000);
    EXPECT_EQ(Read("events://schema/User").at("error").at("code"), value(-32000));
}

// A read goes through DocumentService::Get: an entity whose operations lack read is refused.
class WriteOnlyEntityTest : public McpTest {
protected:
    WriteOnlyEntityTest()
        : McpTest(ea::testing::SchemaFromText(R"(
Note:
  operations: c
  fields:
    text: {type: String}
)")) {}
};

TEST_F(WriteOnlyEntityTest, ReadIsRefusedByTheService) {
    InitializeSession();
    auto created = CallTool("create_note", object{{"text", "hi"}});
    ASSERT_EQ(created.at("isError"), value(false)) << boost::json::serialize(created);
    const std::string id(created.at("structuredContent").at("id").as_string());
    auto answer = Request("resources/read", object{{"uri", "events://notes/" + id}});
    EXPECT_EQ(ErrorCodeOf(answer), -32000) << boost::json::serialize(answer);
    auto refused =
        documents_->Get(service::RequestContext{Principal::System(), "t", service::Channel::kMcp},
                        *schema().FindEntity("Note"), id);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(answer.at("error").at("message"), value(ToolErrorMessage(refused.error())));
    EXPECT_NE(answer.at("error").at("message").as_string().find("Not allowed"),
              boost::json::string::npos)
        << boost::json::serialize(answer);
}

}  // namespace
}  // namespace ea::mcp::testing
