// tools/list as each role sees it: the input schemas offer only the filters, sort keys, view
// embeddings and writable fields the role may use (rbac::InputOffer), each role's list is built
// once per schema load, and the schemas and the service agree both ways: everything a listed
// schema offers, the service accepts; every field it leaves out, the service refuses with the
// same denial REST gives.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp_fixture.hpp"
#include "schema/names.hpp"
#include "testing/test_schema.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

std::set<std::string> Keys(const value& v) {
    std::set<std::string> keys;
    for (const auto& [key, unused] : v.as_object()) {
        keys.emplace(key);
    }
    return keys;
}

std::set<std::string> Strings(const value& v) {
    std::set<std::string> out;
    for (const auto& s : v.as_array()) {
        out.emplace(s.as_string());
    }
    return out;
}

const object* FindTool(const array& listing, std::string_view name) {
    for (const auto& tool : listing) {
        if (tool.at("name").as_string() == name) {
            return &tool.as_object();
        }
    }
    return nullptr;
}

// The field names a list tool's filter offers ($and/$or left out).
std::set<std::string> FilterFields(const object& tool) {
    std::set<std::string> out;
    const auto& schema = tool.at("inputSchema");
    for (const auto& key : Keys(schema.at("$defs").at("filter").at("properties"))) {
        if (!key.starts_with("$")) {
            out.emplace(key);
        }
    }
    return out;
}

std::set<std::string> SortFields(const object& tool) {
    const auto* sort = tool.at("inputSchema").at("properties").as_object().if_contains("sort");
    if (sort == nullptr) {
        return {};
    }
    return Strings(sort->at("items").at("properties").at("field").at("enum"));
}

// {reference name: embeddable fields} of a list or get tool's `view`.
std::map<std::string, std::set<std::string>> ViewFields(const object& tool) {
    std::map<std::string, std::set<std::string>> out;
    const auto* view = tool.at("inputSchema").at("properties").as_object().if_contains("view");
    if (view == nullptr) {
        return out;
    }
    for (const auto& [key, property] : view->at("properties").as_object()) {
        out[std::string(key)] = Strings(property.at("items").at("enum"));
    }
    return out;
}

std::set<std::string> PropertyNames(const object& tool) {
    return Keys(tool.at("inputSchema").at("properties"));
}

Principal As(const std::string& role) {
    return Principal{"usr_" + role, "someone_" + role, role, "", true};
}

class RoleSchemasTest : public McpTest {
protected:
    RoleSchemasTest()
        : McpTest(ea::testing::SchemaFromText(R"(
project: role-schemas
Team:
  fields:
    name: {type: String, required: true}
    secret: {type: String}
    budget: {type: Integer}
Member:
  services:
    auth: {login: login, password: password}
  fields:
    login: {type: String, required: true, min_length: 3}
    password: {type: String, required: true, min_length: 8}
    nick: {type: String}
    notes: {type: JSON}
    level: {type: Integer}
    role: {type: String, enum: [admin, viewer, lonely], default: viewer}
    teamId: {type: ObjectId, required: true}
Badge:
  fields:
    label: {type: String, required: true}
    memberId: {type: ObjectId, required: true}
    teamId: {type: ObjectId}
rbac:
  admin:
    entities:
      "*": {read: true, create: true, update: true, delete: true}
  viewer:
    entities:
      Member:
        read: true
        create: true
        update: true
        field_restrictions: {level: read_only, nick: hidden, role: read_only}
        allowed_filters: [login, level]
      Badge:
        read: true
        forbidden_filters: [teamId]
      Team:
        read: true
        field_restrictions: {secret: hidden}
        forbidden_filters: [budget]
  lonely:
    entities:
      Badge: {read: true}
)")) {}

    void SetUp() override { InitializeSession("2025-11-25"); }

    // Calls `tool` as `principal`; the CallToolResult.
    object CallAs(const Principal& principal, std::string_view tool, object arguments) {
        const Principal before = connection_.principal;
        connection_.principal = principal;
        auto result = CallTool(tool, std::move(arguments));
        connection_.principal = before;
        return result;
    }
};

TEST_F(RoleSchemasTest, FiltersAndSortKeysAreOnlyTheAllowedFields) {
    const auto* members = FindTool(tools_->ListingFor(As("viewer")), "list_members");
    ASSERT_NE(members, nullptr);
    EXPECT_EQ(FilterFields(*members), (std::set<std::string>{"login", "level"}));
    EXPECT_EQ(SortFields(*members), (std::set<std::string>{"login", "level"}));
    const auto* badges = FindTool(tools_->ListingFor(As("viewer")), "list_badges");
    ASSERT_NE(badges, nullptr);
    EXPECT_EQ(FilterFields(*badges),
              (std::set<std::string>{"id", "label", "memberId", "createdAt", "updatedAt"}));
}

TEST_F(RoleSchemasTest, TheAdminListIsTheUnprunedOneWithoutThePassword) {
    const array& admin = tools_->ListingFor(As("admin"));
    EXPECT_EQ(boost::json::serialize(admin), boost::json::serialize(tools_->listing()));
    const auto* members = FindTool(admin, "list_members");
    ASSERT_NE(members, nullptr);
    EXPECT_EQ(FilterFields(*members).count("password"), 0u);
    EXPECT_EQ(FilterFields(*members).count("nick"), 1u);
    EXPECT_EQ(SortFields(*members).count("password"), 0u);
    EXPECT_EQ(SortFields(*members).count("notes"), 0u);  // JSON: no sort
}

TEST_F(RoleSchemasTest, ViewsOfferOnlyReadableEntitiesAndEmbeddableFields) {
    const auto* members = FindTool(tools_->ListingFor(As("viewer")), "list_members");
    ASSERT_NE(members, nullptr);
    // Team's secret is hidden and its budget a forbidden filter: neither may be embedded.
    EXPECT_EQ(ViewFields(*members), (std::map<std::string, std::set<std::string>>{
                                        {"team", {"id", "name", "createdAt", "updatedAt"}}}));
    const auto* badges = FindTool(tools_->ListingFor(As("viewer")), "get_badge");
    ASSERT_NE(badges, nullptr);
    // Badge.teamId is a forbidden filter, so no `team` view; the member's hidden nick and
    // write-only password are not embeddable.
    EXPECT_EQ(
        ViewFields(*badges),
        (std::map<std::string, std::set<std::string>>{
            {"member",
             {"id", "login", "notes", "level", "role", "teamId", "createdAt", "updatedAt"}}}));
    // lonely may read Badges but neither Members nor Teams: no view at all.
    for (const char* name : {"list_badges", "get_badge"}) {
        const auto* tool = FindTool(tools_->ListingFor(As("lonely")), name);
        ASSERT_NE(tool, nullptr) << name;
        EXPECT_EQ(PropertyNames(*tool).count("view"), 0u) << name;
    }
}

TEST_F(RoleSchemasTest, WritableFieldsAreOnlyTheSettableOnes) {
    const array& viewer = tools_->ListingFor(As("viewer"));
    const auto* create = FindTool(viewer, "create_member");
    const auto* update = FindTool(viewer, "update_member");
    ASSERT_NE(create, nullptr);
    ASSERT_NE(update, nullptr);
    // The write-only password stays settable; read-only level and role and hidden nick do not.
    EXPECT_EQ(PropertyNames(*create),
              (std::set<std::string>{"id", "login", "password", "notes", "teamId"}));
    EXPECT_EQ(Strings(create->at("inputSchema").at("required")),
              (std::set<std::string>{"login", "password", "teamId"}));
    EXPECT_EQ(PropertyNames(*update),
              (std::set<std::string>{"id", "login", "password", "notes", "teamId"}));
    EXPECT_EQ(FindTool(viewer, "create_badge"), nullptr);
}

TEST_F(RoleSchemasTest, EachRolesListIsBuiltOnceAndUnknownRolesGetTheAuthToolsOnly) {
    EXPECT_EQ(&tools_->ListingFor(As("viewer")), &tools_->ListingFor(As("viewer")));
    EXPECT_EQ(&tools_->ListingFor(As("viewer")),
              &tools_->ListingFor(Principal{"usr_other", "other", "viewer", "acc_x", true}));
    EXPECT_NE(&tools_->ListingFor(As("viewer")), &tools_->ListingFor(As("admin")));
    for (const Principal& nobody : {As("no_such_role"), Principal{}}) {
        std::set<std::string> names;
        for (const auto& tool : tools_->ListingFor(nobody)) {
            names.emplace(tool.at("name").as_string());
        }
        EXPECT_EQ(names, (std::set<std::string>{"member_auth_login", "member_auth_logout",
                                                "member_auth_refresh"}));
    }
}

// For every role and every listed list tool: each offered filter field, sort key and view field
// is accepted by the service; each field of the entity the filter does not offer is refused with
// the service's denial (the message REST's 403 carries).
void ExpectSchemasAndServiceAgree(
    const ToolRegistry& tools, const std::vector<std::string>& roles,
    const std::function<object(const Principal&, std::string_view, object)>& call) {
    for (const auto& role : roles) {
        const Principal principal = As(role);
        for (const auto& listed : tools.ListingFor(principal)) {
            const object& tool = listed.as_object();
            const std::string name(tool.at("name").as_string());
            if (!name.starts_with("list_")) {
                continue;
            }
            const auto* found = tools.Find(name);
            ASSERT_NE(found, nullptr);
            const schema::Entity& entity = *found->entity;
            const auto filters = FilterFields(tool);
            for (const auto& field : entity.fields()) {
                auto answer =
                    call(principal, name,
                         object{{"filter", object{{field.name, object{{"$exists", true}}}}},
                                {"pageSize", 1}});
                const bool refused = answer.at("isError").as_bool();
                EXPECT_EQ(refused, filters.count(field.name) == 0)
                    << role << " " << name << " filter " << field.name << ": "
                    << boost::json::serialize(answer);
                if (refused && !field.write_only) {
                    // The rbac denial, as REST words it (a password is refused by the parser).
                    EXPECT_NE(boost::json::serialize(answer).find("cannot filter " + entity.name() +
                                                                  " on " + field.name),
                              std::string::npos)
                        << role << " " << name << " " << boost::json::serialize(answer);
                }
            }
            for (const auto& field : SortFields(tool)) {
                auto answer =
                    call(principal, name, object{{"sort", array{object{{"field", field}}}}});
                EXPECT_FALSE(answer.at("isError").as_bool())
                    << role << " " << name << " sort " << field << ": "
                    << boost::json::serialize(answer);
            }
            for (const auto& [reference, fields] : ViewFields(tool)) {
                array all(fields.begin(), fields.end());
                auto answer = call(principal, name, object{{"view", object{{reference, all}}}});
                EXPECT_FALSE(answer.at("isError").as_bool())
                    << role << " " << name << " view " << reference << ": "
                    << boost::json::serialize(answer);
            }
        }
    }
}

TEST_F(RoleSchemasTest, WhatTheSchemasOfferTheServiceAcceptsAndNothingElse) {
    ExpectSchemasAndServiceAgree(*tools_, {"admin", "viewer", "lonely"},
                                 [this](const Principal& p, std::string_view tool, object args) {
                                     return CallAs(p, tool, std::move(args));
                                 });
    // A view field or a writable field the schema leaves out is refused too.
    auto hidden =
        CallAs(As("viewer"), "list_members", object{{"view", object{{"team", array{"secret"}}}}});
    EXPECT_EQ(Text(hidden), "Permission denied: viewer role cannot view Team on secret");
    auto unreadable =
        CallAs(As("lonely"), "list_badges", object{{"view", object{{"member", array{"id"}}}}});
    EXPECT_EQ(Text(unreadable), "Permission denied: lonely role cannot read Member");
}

class DefaultSchemaRolesTest : public McpTest {
protected:
    void SetUp() override { InitializeSession("2025-11-25"); }
};

TEST_F(DefaultSchemaRolesTest, TheAgentsUserToolsOfferOnlyItsFieldsAndTheServiceAgrees) {
    const array& agent = tools_->ListingFor(As("ai_agent"));
    const auto* users = FindTool(agent, "list_users");
    ASSERT_NE(users, nullptr);
    const std::set<std::string> allowed{"username", "email", "gender", "createdAt"};
    EXPECT_EQ(FilterFields(*users), allowed);
    EXPECT_EQ(SortFields(*users), allowed);
    const auto* create = FindTool(agent, "create_user");
    ASSERT_NE(create, nullptr);
    EXPECT_EQ(PropertyNames(*create).count("role"), 0u);
    EXPECT_EQ(PropertyNames(*create).count("password"), 1u);
    // admin's list is the unpruned one; read filters every readable field.
    EXPECT_EQ(boost::json::serialize(tools_->ListingFor(As("admin"))),
              boost::json::serialize(tools_->listing()));
    const auto* read_users = FindTool(tools_->ListingFor(As("read")), "list_users");
    ASSERT_NE(read_users, nullptr);
    EXPECT_EQ(FilterFields(*read_users).count("role"), 1u);
    EXPECT_EQ(FilterFields(*read_users).count("password"), 0u);
    ExpectSchemasAndServiceAgree(*tools_, {"admin", "read", "ai_agent"},
                                 [this](const Principal& p, std::string_view tool, object args) {
                                     const Principal before = connection_.principal;
                                     connection_.principal = p;
                                     auto result = CallTool(tool, std::move(args));
                                     connection_.principal = before;
                                     return result;
                                 });
}

}  // namespace
}  // namespace ea::mcp::testing
