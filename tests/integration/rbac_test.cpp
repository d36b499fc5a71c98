// The rbac policy on the real binary, as an ai_agent user (created by the administrator, logged
// in like anyone else) trying to get around each rule of schema.yaml's `ai_agent` role. Every
// case asserts the denial's message, that no password hash is anywhere in the reply, and that
// nothing changed.
#include <string>

#include <gtest/gtest.h>

#include "integration/agent_suite.hpp"

namespace ea::integration {
namespace {

using ea::testing::UrlEncode;

class RbacTest : public AgentSuite {
protected:
    // A refusal: 403, the error envelope with `message`, and no password hash in the reply.
    static ::testing::AssertionResult Refused(const HttpResponse& response,
                                              const std::string& message,
                                              std::string_view field = "") {
        if (response.body.find("$argon2") != std::string::npos) {
            return ::testing::AssertionFailure()
                   << "a password hash leaked: " << Describe(response);
        }
        return IsError(response, 403, "forbidden", message, field);
    }

    // The query layer's refusal of the password, the same for every role: 400 naming it.
    static ::testing::AssertionResult Invalid(const HttpResponse& response,
                                              const std::string& message) {
        if (response.body.find("$argon2") != std::string::npos) {
            return ::testing::AssertionFailure()
                   << "a password hash leaked: " << Describe(response);
        }
        return IsError(response, 400, "invalid_argument", message, "password");
    }
};

TEST_F(RbacTest, TheAgentReadsUsersWithoutAnyPassword) {
    auto listed = Agent().Get("/api/user?pageSize=5");
    ASSERT_TRUE(IsListEnvelope(listed)) << Describe(listed);
    EXPECT_EQ(RowsOf(listed).size(), 5u);
    EXPECT_EQ(listed.body.find("$argon2"), std::string::npos);
    EXPECT_EQ(listed.body.find("\"password\""), std::string::npos);
    for (const auto& row : RowsOf(listed)) {
        EXPECT_TRUE(row.as_object().contains("role")) << "role is read_only, so it is returned";
    }
}

// The password is never queryable for any role, so the query layer refuses it (400) before the
// role is asked; the agent gets no further than anyone else.
TEST_F(RbacTest, FilteringOnThePasswordIsRefusedInEverySpelling) {
    const std::string message = "field 'password' cannot be used in a filter";
    for (const std::string filter :
         {"password:x", "PASSWORD:x", "Password:x", "password:exists:true", R"({"password": "x"})",
          R"({"$or": [{"username": "a"}, {"password": "x"}]})",
          R"({"$and": [{"username": "a"}, {"$or": [{"password": {"$exists": true}}]}]})"}) {
        EXPECT_TRUE(Invalid(Agent().Get("/api/user?filter=" + UrlEncode(filter)), message))
            << filter;
    }
}

TEST_F(RbacTest, FilteringOnAFieldOutsideTheAllowedFiltersIsRefused) {
    const std::string message = "ai_agent role cannot filter User on firstName";
    for (const std::string filter :
         {"firstName:Casey", "FIRSTNAME:Casey", R"({"firstName": {"$exists": true}})",
          R"({"$or": [{"username": "a"}, {"$and": [{"email": "b"}, {"firstName": "c"}]}]})"}) {
        EXPECT_TRUE(Refused(Agent().Get("/api/user?filter=" + UrlEncode(filter)), message))
            << filter;
    }
    // An allowed filter works.
    auto own = Agent().Get("/api/user?filter=username:" + agent_name_);
    ASSERT_TRUE(IsListEnvelope(own)) << Describe(own);
    EXPECT_EQ(RowsOf(own).size(), 1u);
}

TEST_F(RbacTest, SortingOnAForbiddenFieldIsRefused) {
    EXPECT_TRUE(
        Invalid(Agent().Get("/api/user?sort=password"), "field 'password' cannot be used in sort"));
    EXPECT_TRUE(Invalid(Agent().Get("/api/user?sort=Password:desc"),
                        "field 'password' cannot be used in sort"));
    EXPECT_TRUE(Refused(Agent().Get("/api/user?sort=firstName:asc"),
                        "ai_agent role cannot sort User on firstName"));
}

TEST_F(RbacTest, EmbeddingThePasswordThroughAViewIsRefused) {
    EXPECT_TRUE(Invalid(Agent().Get("/api/profile?view=user(password)"),
                        "field 'password' of User is never returned"));
    EXPECT_TRUE(Invalid(Agent().Get("/api/profile?view=user(username,PASSWORD)"),
                        "field 'password' of User is never returned"));
    // A user embedded: no password comes with it.
    auto whole = Agent().Get("/api/profile?view=user(username,email,role)&pageSize=3");
    ASSERT_TRUE(IsListEnvelope(whole)) << Describe(whole);
    EXPECT_EQ(whole.body.find("$argon2"), std::string::npos);
    EXPECT_EQ(whole.body.find("\"password\""), std::string::npos);
}

TEST_F(RbacTest, CrawlIsNotReadable) {
    auto admin_rows = RowsOf(Admin().Get("/api/crawl?pageSize=1"));
    ASSERT_FALSE(admin_rows.empty());
    const std::string id = Str(admin_rows[0].at("id"));
    EXPECT_TRUE(Refused(Agent().Get("/api/crawl"), "ai_agent role cannot read Crawl"));
    EXPECT_TRUE(Refused(Agent().Get("/api/crawl/" + id), "ai_agent role cannot read Crawl"));
}

TEST_F(RbacTest, SettingTheRoleIsRefusedOnCreateAndUpdate) {
    const std::string username = UniqueId("byagent");
    auto with_role = Agent().Post("/api/user", NewUserBody(username, "admin"));
    EXPECT_TRUE(Refused(with_role, "ai_agent role cannot set User.role", "role"));
    json::object sneaky = NewUserBody(username);
    sneaky["Role"] = "admin";  // the validator resolves body keys ignoring case
    EXPECT_TRUE(
        Refused(Agent().Post("/api/user", sneaky), "ai_agent role cannot set User.role", "role"));
    EXPECT_EQ(UsersNamed(username), 0u) << "a refused create wrote a user";

    // Without a role the create is allowed: the agent may create users, with the default role.
    auto created = Agent().Post("/api/user", NewUserBody(username));
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    EXPECT_EQ(created.body.find("$argon2"), std::string::npos);
    EXPECT_EQ(Str(DataOf(created).at("role")), "read");
    const std::string id = Str(DataOf(created).at("id"));

    EXPECT_TRUE(Refused(Agent().Patch("/api/user/" + id, json::object{{"role", "admin"}}),
                        "ai_agent role cannot update User"));
    auto after = Admin().Get("/api/user/" + id);
    EXPECT_EQ(Str(DataOf(after).at("role")), "read") << "a refused update changed the role";
}

TEST_F(RbacTest, TheAgentDeletesNothing) {
    auto events = RowsOf(Admin().Get("/api/event?pageSize=1"));
    auto profiles = RowsOf(Admin().Get("/api/profile?pageSize=1"));
    ASSERT_FALSE(events.empty());
    ASSERT_FALSE(profiles.empty());
    const std::string event = Str(events[0].at("id"));
    const std::string profile = Str(profiles[0].at("id"));
    EXPECT_TRUE(
        Refused(Agent().Delete("/api/event/" + event), "ai_agent role cannot delete Event"));
    EXPECT_TRUE(
        Refused(Agent().Delete("/api/profile/" + profile), "ai_agent role cannot delete Profile"));
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/" + event)));
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/profile/" + profile)));
}

TEST_F(RbacTest, APageAboveTheRolesMaximumIsClampedAndSaidSo) {
    auto clamped = Agent().Get("/api/event?pageSize=500");
    ASSERT_TRUE(IsListEnvelope(clamped)) << Describe(clamped);
    const json::value body = clamped.Json();
    const auto& pagination = body.at("pagination");
    EXPECT_EQ(pagination.at("pageSize"), 100);
    EXPECT_EQ(pagination.at("pageSizeClampedFrom"), 500);
    EXPECT_EQ(RowsOf(clamped).size(), 100u);

    auto within = Agent().Get("/api/event?pageSize=100");
    ASSERT_TRUE(IsListEnvelope(within)) << Describe(within);
    EXPECT_FALSE(within.Json().at("pagination").as_object().contains("pageSizeClampedFrom"));
    auto admin = Admin().Get("/api/event?pageSize=500");
    ASSERT_TRUE(IsListEnvelope(admin)) << Describe(admin);
    EXPECT_EQ(admin.Json().at("pagination").at("pageSize"), 500) << "admin has no maximum of 100";

    for (const std::string bad : {"0", "-1", "-100", "abc", "5000"}) {
        auto response = Agent().Get("/api/event?pageSize=" + bad);
        EXPECT_TRUE(IsError(response, 400, "invalid_argument", "must be", "pageSize"))
            << bad << ": " << Describe(response);
    }
}

TEST_F(RbacTest, ABatchWithOneForbiddenItemWritesNothing) {
    const std::string first = UniqueId("batch");
    const std::string second = UniqueId("batch");
    json::array users{NewUserBody(first), NewUserBody(second, "admin")};
    // The envelope's field error names the item: "[1].role".
    EXPECT_TRUE(Refused(Agent().Post("/api/user", users), "ai_agent role cannot set User.role",
                        "[1].role"));
    EXPECT_EQ(UsersNamed(first), 0u) << "a refused batch wrote its allowed item";
    EXPECT_EQ(UsersNamed(second), 0u);

    auto events = RowsOf(Admin().Get("/api/event?pageSize=1"));
    ASSERT_FALSE(events.empty());
    const auto total = Admin().Get("/api/event?pageSize=1").Json().at("pagination").at("total");
    EXPECT_TRUE(Refused(Agent().Post("/api/event", json::array{events[0]}),
                        "[0] ai_agent role cannot create Event"));
    EXPECT_EQ(Admin().Get("/api/event?pageSize=1").Json().at("pagination").at("total"), total);
}

// /api/metadata describes what the caller may see: no Crawl for the agent, no Url.params (hidden
// from it); the administrator's view of the same server still has both.
TEST_F(RbacTest, MetadataDescribesOnlyWhatTheRoleMaySee) {
    auto agent = Agent().Get("/api/metadata");
    ASSERT_EQ(agent.status, 200) << Describe(agent);
    const json::value body = agent.Json();
    const auto& entities = body.at("entities").as_object();
    EXPECT_FALSE(entities.contains("Crawl"));
    for (const char* name :
         {"Account", "User", "Profile", "TagAffinity", "Event", "UserEvent", "Url"}) {
        EXPECT_TRUE(entities.contains(name)) << name;
    }
    const std::string url = json::serialize(entities.at("Url"));
    EXPECT_EQ(url.find("\"params\""), std::string::npos) << url;
    EXPECT_NE(url.find("\"url\""), std::string::npos) << url;

    const std::string admin = Admin().Get("/api/metadata").body;
    EXPECT_NE(admin.find("\"Crawl\""), std::string::npos);
    EXPECT_NE(admin.find("\"params\""), std::string::npos);
}

// So does /openapi.json, per caller: the agent's document has no Crawl and no way to set a role;
// without a session only the public routes; the administrator's has Crawl and deletes.
TEST_F(RbacTest, OpenApiDescribesOnlyWhatTheCallerMayDo) {
    const auto agent = Agent().Get("/openapi.json");
    ASSERT_EQ(agent.status, 200) << Describe(agent);
    const json::value doc = agent.Json();
    const auto& paths = doc.at("paths").as_object();
    EXPECT_FALSE(paths.contains("/api/crawl"));
    EXPECT_TRUE(paths.contains("/api/user"));
    EXPECT_FALSE(paths.at("/api/profile/{id}").as_object().contains("delete"));
    const auto& input = doc.at("components").at("schemas").at("UserInput").at("properties");
    EXPECT_FALSE(input.as_object().contains("role"));
    EXPECT_NE(agent.Header("Vary").find("Authorization"), std::string::npos);

    const json::value anonymous = Anonymous().Get("/openapi.json").Json();
    EXPECT_FALSE(anonymous.at("paths").as_object().contains("/api/user"));
    EXPECT_TRUE(anonymous.at("paths").as_object().contains("/api/user/auth/login"));

    const json::value admin = Admin().Get("/openapi.json").Json();
    EXPECT_TRUE(admin.at("paths").as_object().contains("/api/crawl"));
    EXPECT_TRUE(admin.at("paths").at("/api/profile/{id}").as_object().contains("delete"));
}

// Selecting a field the role may not read is refused like filtering on it, never dropped.
TEST_F(RbacTest, SelectingAHiddenFieldIsRefused) {
    EXPECT_TRUE(Refused(Agent().Get("/api/url?fields=url,params"),
                        "ai_agent role cannot read Url on params"));
    auto listed = Admin().Get("/api/url?pageSize=1");
    ASSERT_EQ(RowsOf(listed).size(), 1u) << Describe(listed);
    const std::string id(RowsOf(listed)[0].at("id").as_string());
    EXPECT_TRUE(Refused(Agent().Get("/api/url/" + id + "?fields=PARAMS"),
                        "ai_agent role cannot read Url on params"));
    auto allowed = Agent().Get("/api/url/" + id + "?fields=url");
    ASSERT_EQ(allowed.status, 200) << Describe(allowed);
    EXPECT_EQ(allowed.Json().at("data").as_object().size(), 2u) << allowed.body;
}

}  // namespace
}  // namespace ea::integration
