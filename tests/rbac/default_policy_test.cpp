// The three roles the default schema.yaml ships, rule by rule, and default deny.
#include <gtest/gtest.h>

#include "rbac/authorizer.hpp"
#include "rbac/test_principals.hpp"
#include "testing/test_schema.hpp"

namespace ea::rbac {
namespace {

const schema::Entity& E(const char* name) {
    const schema::Entity* entity = testing::DefaultSchema().FindEntity(name);
    EXPECT_NE(entity, nullptr) << name;
    return *entity;
}

using testing::As;

const Action kActions[] = {Action::kRead, Action::kCreate, Action::kUpdate, Action::kDelete};

std::string Granted(const Principal& principal, const char* entity) {
    std::string out;
    EntityAccess access(testing::DefaultSchema(), principal, E(entity));
    for (const Action action : kActions) {
        if (access.Allows(action)) {
            out += ToString(action)[0];
        }
    }
    return out;
}

std::vector<std::string> Names(const std::vector<const schema::Field*>& fields) {
    std::vector<std::string> out;
    for (const auto* field : fields) {
        out.push_back(field->name);
    }
    return out;
}

TEST(DefaultPolicyTest, TheSchemaDeclaresItsPolicy) {
    EXPECT_TRUE(testing::DefaultSchema().access_policy().declared());
    EXPECT_EQ(testing::DefaultSchema().access_policy().roles().size(), 3u);
}

TEST(DefaultPolicyTest, AiAgentOperationsAreThePlans) {
    const Principal agent = As("ai_agent");
    EXPECT_EQ(Granted(agent, "User"), "rc");
    EXPECT_EQ(Granted(agent, "Account"), "r");
    EXPECT_EQ(Granted(agent, "Profile"), "rcu");
    EXPECT_EQ(Granted(agent, "TagAffinity"), "r");
    EXPECT_EQ(Granted(agent, "Event"), "r");
    EXPECT_EQ(Granted(agent, "UserEvent"), "r");
    EXPECT_EQ(Granted(agent, "Url"), "r");
    EXPECT_EQ(Granted(agent, "Crawl"), "");
}

TEST(DefaultPolicyTest, AiAgentDenialsNameRoleOperationAndEntity) {
    const Principal agent = As("ai_agent");
    const auto& schema = testing::DefaultSchema();
    auto update = Authorize(schema, agent, Action::kUpdate, E("User"));
    ASSERT_FALSE(update);
    EXPECT_EQ(update.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(update.error().message, "ai_agent role cannot update User");
    for (const char* entity :
         {"User", "Account", "Profile", "TagAffinity", "Event", "UserEvent", "Url", "Crawl"}) {
        auto denied = Authorize(schema, agent, Action::kDelete, E(entity));
        ASSERT_FALSE(denied) << entity;
        EXPECT_EQ(denied.error().message, std::string("ai_agent role cannot delete ") + entity);
    }
    EXPECT_EQ(Authorize(schema, agent, Action::kRead, E("Crawl")).error().message,
              "ai_agent role cannot read Crawl");
    EXPECT_EQ(Authorize(schema, agent, Action::kCreate, E("Account")).error().message,
              "ai_agent role cannot create Account");
    EXPECT_TRUE(Authorize(schema, agent, Action::kUpdate, E("Profile")));
}

TEST(DefaultPolicyTest, AiAgentUserFieldsPasswordWriteOnlyRoleReadOnly) {
    EntityAccess access(testing::DefaultSchema(), As("ai_agent"), E("User"));
    const schema::Field& password = *E("User").FindField("password");
    const schema::Field& role = *E("User").FindField("role");
    EXPECT_EQ(access.FieldRule(password), schema::FieldAccess::kWriteOnly);
    EXPECT_FALSE(access.CanRead(password));
    EXPECT_TRUE(access.CanWrite(password));
    EXPECT_EQ(access.FieldRule(role), schema::FieldAccess::kReadOnly);
    EXPECT_TRUE(access.CanRead(role));
    EXPECT_FALSE(access.CanWrite(role));
    EXPECT_EQ(Names(access.ReadableFields()),
              (std::vector<std::string>{"id", "username", "email", "firstName", "lastName",
                                        "gender", "dob", "isAccountOwner", "netWorth", "role",
                                        "accountId", "createdAt", "updatedAt"}));
    EXPECT_EQ(Names(access.WritableFields()),
              (std::vector<std::string>{"id", "username", "email", "password", "firstName",
                                        "lastName", "gender", "dob", "isAccountOwner", "netWorth",
                                        "accountId", "createdAt", "updatedAt"}));
}

TEST(DefaultPolicyTest, AiAgentUserFiltersAreLimited) {
    EntityAccess access(testing::DefaultSchema(), As("ai_agent"), E("User"));
    EXPECT_EQ(Names(access.QueryableFields()),
              (std::vector<std::string>{"username", "email", "gender", "createdAt"}));
    EXPECT_FALSE(access.CanEmbed(*E("User").FindField("password")));
    EXPECT_TRUE(access.CanEmbed(*E("User").FindField("firstName")));  // allowed_filters: no
    EXPECT_EQ(access.rule()->forbidden[static_cast<std::size_t>(E("User").FindField("password") -
                                                                E("User").fields().data())],
              true);
}

TEST(DefaultPolicyTest, AiAgentPageSizeIsAtMostOneHundred) {
    for (const char* entity : {"User", "Event", "Profile"}) {
        EntityAccess access(testing::DefaultSchema(), As("ai_agent"), E(entity));
        EXPECT_EQ(access.MaxPageSize(), 100) << entity;
    }
    EXPECT_EQ(EntityAccess(testing::DefaultSchema(), As("admin"), E("Event")).MaxPageSize(),
              query::kMaxPageSize);
}

TEST(DefaultPolicyTest, AiAgentSeesUrlsButNotTheirCrawlerParams) {
    EntityAccess access(testing::DefaultSchema(), As("ai_agent"), E("Url"));
    EXPECT_EQ(Names(access.ReadableFields()),
              (std::vector<std::string>{"id", "url", "createdAt", "updatedAt"}));
    EXPECT_FALSE(access.CanQuery(*E("Url").FindField("params")));
}

TEST(DefaultPolicyTest, AdminIsGrantedEveryOperationTheServiceThenBoundsByOperations) {
    const Principal admin = As("admin");
    for (const auto& entity : testing::DefaultSchema().entities()) {
        EXPECT_EQ(Granted(admin, entity->name().c_str()), "rcud") << entity->name();
    }
}

TEST(DefaultPolicyTest, OffersAreTheRoleBoundedByTheEntitysOperations) {
    const auto& schema = testing::DefaultSchema();
    EntityAccess admin_user(schema, As("admin"), E("User"));
    EXPECT_TRUE(admin_user.Allows(Action::kDelete));
    EXPECT_FALSE(admin_user.Offers(Action::kDelete));  // User is rcu
    EXPECT_TRUE(admin_user.Offers(Action::kUpdate));
    EntityAccess admin_crawl(schema, As("admin"), E("Crawl"));
    EXPECT_FALSE(admin_crawl.Offers(Action::kCreate));  // Crawl is rd
    EXPECT_TRUE(admin_crawl.Offers(Action::kDelete));
    EntityAccess agent_user(schema, As("ai_agent"), E("User"));
    EXPECT_TRUE(agent_user.Offers(Action::kCreate));
    EXPECT_FALSE(agent_user.Offers(Action::kUpdate));
}

TEST(DefaultPolicyTest, PasswordIsWriteOnlyForAdminToo) {
    EntityAccess access(testing::DefaultSchema(), As("admin"), E("User"));
    const schema::Field& password = *E("User").FindField("password");
    EXPECT_EQ(access.FieldRule(password), schema::FieldAccess::kWriteOnly);
    EXPECT_FALSE(access.CanRead(password));
    EXPECT_FALSE(access.CanQuery(password));
    EXPECT_FALSE(access.CanEmbed(password));
    EXPECT_TRUE(access.CanWrite(password));
    const auto readable = Names(access.ReadableFields());
    EXPECT_EQ(std::count(readable.begin(), readable.end(), "password"), 0);
    EXPECT_EQ(readable.size(), E("User").fields().size() - 1);
}

TEST(DefaultPolicyTest, ReadRoleReadsEverythingAndWritesNothing) {
    const Principal reader = As("read");
    for (const auto& entity : testing::DefaultSchema().entities()) {
        EXPECT_EQ(Granted(reader, entity->name().c_str()), "r") << entity->name();
    }
    EXPECT_EQ(
        Authorize(testing::DefaultSchema(), reader, Action::kCreate, E("Event")).error().message,
        "read role cannot create Event");
}

TEST(DefaultPolicyTest, UnknownEmptyAndUnauthenticatedPrincipalsCanDoNothing) {
    const auto& schema = testing::DefaultSchema();
    for (const auto& entity : schema.entities()) {
        EXPECT_EQ(Granted(As("superuser"), entity->name().c_str()), "") << entity->name();
        EXPECT_EQ(Granted(As(""), entity->name().c_str()), "") << entity->name();
        Principal anonymous = As("admin");
        anonymous.authenticated = false;
        EXPECT_EQ(Granted(anonymous, entity->name().c_str()), "") << entity->name();
    }
    EXPECT_EQ(Authorize(schema, As("superuser"), Action::kRead, E("Event")).error().message,
              "superuser role cannot read Event");
    auto empty = Authorize(schema, As(""), Action::kRead, E("Event"));
    EXPECT_EQ(empty.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(empty.error().message, "caller without a role cannot read Event");
    Principal anonymous = As("admin");
    anonymous.authenticated = false;
    auto unauthenticated = Authorize(schema, anonymous, Action::kRead, E("Event"));
    EXPECT_EQ(unauthenticated.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(unauthenticated.error().message, "unauthenticated caller cannot read Event");
    // Roles are exact names: "Admin" is not admin.
    EXPECT_EQ(Granted(As("Admin"), "Event"), "");
    EntityAccess unknown(schema, As("superuser"), E("User"));
    EXPECT_TRUE(unknown.ReadableFields().empty());
    EXPECT_TRUE(unknown.WritableFields().empty());
    EXPECT_TRUE(unknown.QueryableFields().empty());
}

}  // namespace
}  // namespace ea::rbac
