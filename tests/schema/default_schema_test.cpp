// The shipped schema.yaml: the eight Events entities with the rules and relations issue 2 lists,
// and its email/URL patterns checked against tables of good and bad values.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "schema/schema.hpp"
#include "testing/test_schema.hpp"

namespace ea::schema {
namespace {

using ea::testing::DefaultSchema;

const Entity& E(const char* name) {
    const Entity* entity = DefaultSchema().FindEntity(name);
    EXPECT_NE(entity, nullptr) << name;
    return *entity;
}

const Field& F(const char* entity, const char* field) {
    const Field* found = E(entity).FindField(field);
    EXPECT_NE(found, nullptr) << entity << "." << field;
    return *found;
}

std::vector<std::string> DeclaredFieldNames(const Entity& entity) {
    std::vector<std::string> names;
    for (const auto& field : entity.fields()) {
        if (!field.built_in) {
            names.push_back(field.name);
        }
    }
    return names;
}

TEST(DefaultSchemaTest, HasTheEightEntitiesWithTheirFieldsInOrder) {
    const auto& schema = DefaultSchema();
    EXPECT_EQ(schema.project_name(), "events-api");
    std::vector<std::string> names;
    for (const auto& entity : schema.entities()) {
        names.push_back(entity->name());
        EXPECT_FALSE(entity->description().empty()) << entity->name();
        EXPECT_EQ(entity->fields().front().name, "id");
        EXPECT_EQ(entity->fields()[entity->fields().size() - 2].name, "createdAt");
        EXPECT_EQ(entity->fields().back().name, "updatedAt");
        for (const auto& field : entity->fields()) {
            EXPECT_FALSE(field.description.empty()) << entity->name() << "." << field.name;
        }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"Account", "User", "Profile", "TagAffinity", "Event",
                                               "UserEvent", "Url", "Crawl"}));
    using V = std::vector<std::string>;
    EXPECT_EQ(DeclaredFieldNames(E("Account")), V({"expiredAt"}));
    EXPECT_EQ(DeclaredFieldNames(E("User")),
              V({"username", "email", "password", "firstName", "lastName", "gender", "dob",
                 "isAccountOwner", "netWorth", "role", "accountId"}));
    EXPECT_EQ(DeclaredFieldNames(E("Profile")),
              V({"name", "preferences", "radiusMiles", "userId"}));
    EXPECT_EQ(DeclaredFieldNames(E("TagAffinity")), V({"tag", "affinity", "profileId"}));
    EXPECT_EQ(DeclaredFieldNames(E("Event")),
              V({"url", "title", "dateTime", "location", "cost", "numOfExpectedAttendees",
                 "recurrence", "tags"}));
    EXPECT_EQ(DeclaredFieldNames(E("UserEvent")), V({"attended", "rating", "note", "userId",
                                                     "eventId"}));
    EXPECT_EQ(DeclaredFieldNames(E("Url")), V({"url", "params"}));
    EXPECT_EQ(DeclaredFieldNames(E("Crawl")),
              V({"lastParsedDate", "parseStatus", "errorsEncountered", "urlId"}));
}

struct RuleCase {
    const char* entity;
    const char* field;
    FieldType type;
    bool required;
    std::optional<std::int64_t> min_length;
    std::optional<std::int64_t> max_length;
    std::optional<double> ge;
    std::optional<double> le;
};

TEST(DefaultSchemaTest, FieldsCarryTheIssueRules) {
    using T = FieldType;
    const RuleCase kCases[] = {
        {"Account", "expiredAt", T::kDate, false, {}, {}, {}, {}},
        {"User", "username", T::kString, true, 3, 50, {}, {}},
        {"User", "email", T::kString, true, 8, 50, {}, {}},
        {"User", "password", T::kString, true, 8, {}, {}, {}},
        {"User", "firstName", T::kString, true, 3, 100, {}, {}},
        {"User", "lastName", T::kString, true, 3, 100, {}, {}},
        {"User", "gender", T::kString, false, {}, {}, {}, {}},
        {"User", "dob", T::kDate, false, {}, {}, {}, {}},
        {"User", "isAccountOwner", T::kBoolean, true, {}, {}, {}, {}},
        {"User", "netWorth", T::kCurrency, false, {}, {}, 0, 10000000},
        {"User", "role", T::kString, false, {}, {}, {}, {}},
        {"User", "accountId", T::kObjectId, true, {}, {}, {}, {}},
        {"Profile", "name", T::kString, true, {}, 100, {}, {}},
        {"Profile", "preferences", T::kJson, false, {}, {}, {}, {}},
        {"Profile", "radiusMiles", T::kInteger, false, {}, {}, 0, {}},
        {"Profile", "userId", T::kObjectId, true, {}, {}, {}, {}},
        {"TagAffinity", "tag", T::kString, true, {}, 50, {}, {}},
        {"TagAffinity", "affinity", T::kInteger, true, {}, {}, -100, 100},
        {"TagAffinity", "profileId", T::kObjectId, true, {}, {}, {}, {}},
        {"Event", "url", T::kString, true, {}, {}, {}, {}},
        {"Event", "title", T::kString, true, {}, 200, {}, {}},
        {"Event", "dateTime", T::kDatetime, true, {}, {}, {}, {}},
        {"Event", "location", T::kString, false, {}, 200, {}, {}},
        {"Event", "cost", T::kNumber, false, {}, {}, 0, {}},
        {"Event", "numOfExpectedAttendees", T::kInteger, false, {}, {}, 0, {}},
        {"Event", "recurrence", T::kString, false, {}, {}, {}, {}},
        {"Event", "tags", T::kArray, false, {}, {}, {}, {}},
        {"UserEvent", "attended", T::kBoolean, false, {}, {}, {}, {}},
        {"UserEvent", "rating", T::kInteger, false, {}, {}, 1, 5},
        {"UserEvent", "note", T::kString, false, {}, 500, {}, {}},
        {"UserEvent", "userId", T::kObjectId, true, {}, {}, {}, {}},
        {"UserEvent", "eventId", T::kObjectId, true, {}, {}, {}, {}},
        {"Url", "url", T::kString, true, {}, {}, {}, {}},
        {"Url", "params", T::kJson, false, {}, {}, {}, {}},
        {"Crawl", "lastParsedDate", T::kDate, false, {}, {}, {}, {}},
        {"Crawl", "parseStatus", T::kJson, false, {}, {}, {}, {}},
        {"Crawl", "errorsEncountered", T::kArray, false, {}, {}, {}, {}},
        {"Crawl", "urlId", T::kObjectId, true, {}, {}, {}, {}},
    };
    for (const auto& c : kCases) {
        const Field& field = F(c.entity, c.field);
        const std::string where = std::string(c.entity) + "." + c.field;
        EXPECT_EQ(field.type, c.type) << where;
        EXPECT_EQ(field.required, c.required) << where;
        EXPECT_EQ(field.min_length, c.min_length) << where;
        EXPECT_EQ(field.max_length, c.max_length) << where;
        EXPECT_EQ(field.ge, c.ge) << where;
        EXPECT_EQ(field.le, c.le) << where;
        EXPECT_FALSE(field.built_in) << where;
        EXPECT_GT(field.line, 0) << where;
    }
    EXPECT_EQ(F("Event", "tags").element_type, FieldType::kString);
    EXPECT_EQ(F("Crawl", "errorsEncountered").element_type, FieldType::kString);
}

TEST(DefaultSchemaTest, EnumsPatternsAndDefaults) {
    struct EnumCase {
        const char* entity;
        const char* field;
        std::vector<std::string> values;
    };
    const EnumCase kEnums[] = {
        {"User", "gender", {"male", "female", "other"}},
        {"User", "role", {"admin", "read", "ai_agent"}},
        {"Event", "recurrence", {"daily", "weekly", "monthly", "yearly"}},
    };
    for (const auto& c : kEnums) {
        const Field& field = F(c.entity, c.field);
        ASSERT_TRUE(field.enum_rule) << c.field;
        EXPECT_EQ(field.enum_rule->values, c.values) << c.field;
        EXPECT_EQ(field.enum_rule->message.rfind("must be one of: ", 0), 0u) << c.field;
    }
    EXPECT_EQ(*F("User", "role").default_value, "read");
    EXPECT_EQ(F("User", "email").pattern->message, "Bad email address format");
    EXPECT_EQ(F("Event", "url").pattern->message, "Bad URL format");
    EXPECT_EQ(F("Url", "url").pattern->message, "Bad URL format");
    EXPECT_TRUE(F("Event", "title").is_free_text());
    EXPECT_FALSE(F("Event", "recurrence").is_free_text());
}

TEST(DefaultSchemaTest, OperationsServicesAndUniques) {
    EXPECT_EQ(E("User").operations(), kRead | kCreate | kUpdate);
    EXPECT_FALSE(E("User").Allows(kDelete));
    EXPECT_EQ(E("Crawl").operations(), kRead | kDelete);
    EXPECT_EQ(E("Event").operations(), kAllOperations);
    ASSERT_TRUE(E("User").auth().has_value());
    EXPECT_EQ(E("User").auth()->login_field, "username");
    EXPECT_EQ(E("User").auth()->password_field, "password");
    EXPECT_TRUE(F("User", "password").write_only);
    EXPECT_TRUE(F("User", "password").is_password);
    for (const auto& entity : DefaultSchema().entities()) {
        if (entity->name() != "User") {
            EXPECT_FALSE(entity->auth().has_value()) << entity->name();
        }
    }
    using U = std::vector<std::vector<std::string>>;
    EXPECT_EQ(E("User").uniques(), U({{"username"}, {"email"}}));
    EXPECT_EQ(E("Profile").uniques(), U({{"name", "userId"}}));
    EXPECT_EQ(E("TagAffinity").uniques(), U({{"profileId", "tag"}}));
    EXPECT_TRUE(E("Event").uniques().empty());
}

TEST(DefaultSchemaTest, RelationsAndReferencedBy) {
    struct RefCase {
        const char* entity;
        const char* field;
        const char* target;
        OnDelete on_delete;
    };
    const RefCase kRefs[] = {
        {"User", "accountId", "Account", OnDelete::kRestrict},
        {"Profile", "userId", "User", OnDelete::kCascade},
        {"TagAffinity", "profileId", "Profile", OnDelete::kCascade},
        {"UserEvent", "userId", "User", OnDelete::kCascade},
        {"UserEvent", "eventId", "Event", OnDelete::kCascade},
        {"Crawl", "urlId", "Url", OnDelete::kCascade},
    };
    for (const auto& c : kRefs) {
        const Field& field = F(c.entity, c.field);
        EXPECT_EQ(field.target, &E(c.target)) << c.entity << "." << c.field;
        EXPECT_EQ(field.references, c.target);
        EXPECT_EQ(field.on_delete, c.on_delete) << c.entity << "." << c.field;
    }
    auto referrers = [](const char* name) {
        std::vector<std::string> out;
        for (const auto& r : E(name).referenced_by()) {
            EXPECT_EQ(r.to, &E(name));
            out.push_back(r.from->name() + "." + r.field->name);
        }
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(referrers("Account"), V({"User.accountId"}));
    EXPECT_EQ(referrers("User"), V({"Profile.userId", "UserEvent.userId"}));
    EXPECT_EQ(referrers("Profile"), V({"TagAffinity.profileId"}));
    EXPECT_EQ(referrers("Event"), V({"UserEvent.eventId"}));
    EXPECT_EQ(referrers("Url"), V({"Crawl.urlId"}));
    EXPECT_TRUE(referrers("Crawl").empty());
    EXPECT_TRUE(referrers("TagAffinity").empty());
    ASSERT_EQ(E("UserEvent").references().size(), 2u);
    EXPECT_EQ(E("UserEvent").references()[0].field->name, "userId");
    EXPECT_EQ(E("UserEvent").references()[1].field->name, "eventId");
    EXPECT_TRUE(E("Event").references().empty());
}

// Validation uses RE2::FullMatch on Pattern::compiled; check the shipped patterns the same way.
void ExpectPattern(const Field& field, const std::vector<std::string>& good,
                   const std::vector<std::string>& bad) {
    ASSERT_TRUE(field.pattern && field.pattern->compiled) << field.name;
    for (const auto& value : good) {
        EXPECT_TRUE(RE2::FullMatch(value, *field.pattern->compiled)) << "should accept: " << value;
    }
    for (const auto& value : bad) {
        EXPECT_FALSE(RE2::FullMatch(value, *field.pattern->compiled)) << "should reject: " << value;
    }
}

TEST(DefaultSchemaTest, EmailPatternAcceptsRealAddressesOnly) {
    ExpectPattern(F("User", "email"),
                  {"a@b.co", "jane.doe@example.com", "john+tag@mail.example.org",
                   "x_y-z%1@sub-domain.example.io", "UPPER@EXAMPLE.COM", "a1@b2.museum",
                   "mcp@system.internal"},
                  {"", "plain", "a@b", "a@b.c", "@example.com", "jane@", "jane@@example.com",
                   "jane doe@example.com", "jane@exa mple.com", ".jane@example.com",
                   "jane.@example.com", "ja..ne@example.com", "jane@-example.com",
                   "jane@example-.com", "jane@example..com", "jane@example.com.",
                   "jane@example.c0m", "jane@example.com\n", " jane@example.com",
                   "jane@exam_ple.com", "jane<@example.com", "jane@example.com extra"});
}

TEST(DefaultSchemaTest, UrlPatternAcceptsHttpAndHttpsUrlsOnly) {
    const std::vector<std::string> good = {
        "http://example.com",
        "https://example.com/",
        "https://www.example.co.uk/events/2024?city=paris&page=2#top",
        "http://localhost:8080/api",
        "http://127.0.0.1",
        "https://10.0.0.255:443/x",
        "HTTPS://Example.COM/Path",
        "https://sub-domain.example.io/a/b/c.html",
        "https://example.com?q=1",
        "https://example.com#frag",
        "https://example.com/a%20b",
    };
    const std::vector<std::string> bad = {
        "",
        "example.com",
        "ftp://example.com",
        "mailto:jane@example.com",
        "javascript:alert(1)",
        "http://",
        "http:/example.com",
        "https://example",
        "https://exa mple.com",
        "https://example.com/a b",
        "https://-example.com",
        "https://example.com:port",
        "https://256.1.1.1",
        "https://1.2.3",
        "http://example.com\n",
        " https://example.com",
        "https://example.com:123456",
        "https://user@example.com",
    };
    ExpectPattern(F("Event", "url"), good, bad);
    ExpectPattern(F("Url", "url"), good, bad);
}

}  // namespace
}  // namespace ea::schema
