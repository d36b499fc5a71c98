// ParseView / ParseViewText: keys by reference or by entity, field checks, the REST syntax.
#include "query/view.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::Thing;

// "name<-reference[f1,f2];...", then " !" and each warning's message, for assertions.
std::string Describe(const View& view) {
    std::string out;
    for (const auto& spec : view.specs) {
        if (!out.empty()) out += ";";
        out += spec.name + "<-" + spec.reference->name + "[";
        for (std::size_t i = 0; i < spec.fields.size(); ++i) {
            out += (i ? "," : "") + spec.fields[i]->name;
        }
        out += "]";
    }
    for (const auto& warning : view.warnings) {
        EXPECT_EQ(warning.field, "view");
        out += " !" + warning.message;
    }
    return out;
}

struct Case {
    std::string input;
    std::string expected;  // Describe() when it parses, else a substring of the error
    bool ok;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.input; }

class ParseViewJsonTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParseViewJsonTest, ParsesOrExplains) {
    const auto out = ParseView(Thing(), json::parse(GetParam().input));
    if (GetParam().ok) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        EXPECT_EQ(Describe(*out), GetParam().expected);
        return;
    }
    ASSERT_FALSE(out.has_value()) << Describe(*out);
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(GetParam().expected), std::string::npos)
        << out.error().message;
    EXPECT_FALSE(out.error().fields.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseViewJsonTest,
    ::testing::Values(
        Case{"null", "", true}, Case{"{}", "", true},
        Case{R"({"other": ["label"]})", "other<-otherId[id,label]", true},
        Case{R"({"OTHER": ["label"]})", "other<-otherId[id,label]", true},
        Case{R"({"otherId": ["code"]})", "other<-otherId[id,code]", true},
        Case{R"({"backupOther": []})", "backupOther<-backupOtherId[id]", true},
        Case{R"({"owner": ["label", "id", "label"]})", "ownerRef<-owner[id,label]", true},
        Case{R"({"ownerRef": ["label"]})", "ownerRef<-owner[id,label]", true},
        // By entity name: every reference to Other.
        Case{R"({"Other": ["createdAt"]})",
             "other<-otherId[id,createdAt];backupOther<-backupOtherId[id,createdAt];"
             "ownerRef<-owner[id,createdAt]",
             true},
        Case{R"({"person": ["username"]})", "person<-personId[id,username]", true},
        Case{R"({"other": ["label"], "person": ["username"]})",
             "other<-otherId[id,label];person<-personId[id,username]", true},
        // A key naming no reference is served without it, and said; its fields are not checked.
        Case{R"({"nope": ["id", "whatever"]})",
             " !view \"nope\": Thing has no reference \"nope\"; ignored (references of Thing: "
             "other (otherId -> Other), backupOther (backupOtherId -> Other), ownerRef (owner -> "
             "Other), person (personId -> Person))",
             true},
        Case{R"({"Thing": ["id"], "other": ["code"]})",
             "other<-otherId[id,code] !view \"Thing\": Thing has no reference \"Thing\"; "
             "ignored (references of Thing: other (otherId -> Other), backupOther (backupOtherId "
             "-> Other), ownerRef (owner -> Other), person (personId -> Person))",
             true},
        Case{R"({"other": ["nope"]})", "unknown field \"nope\" on Other in view 'other'", false},
        Case{R"({"other": ["labl"]})", "did you mean 'label'?", false},
        Case{R"({"other": ["Label", "CODE"]})", "other<-otherId[id,label,code]", true},
        Case{R"({"person": ["password"]})",
             "view 'person': field 'password' of Person is never returned", false},
        Case{R"({"other": "label"})", "view \"other\" must be an array of field names", false},
        Case{R"({"other": [1]})", "must list field names (strings), got 1", false},
        Case{R"({"other": ["label"], "Other": ["code"]})", "view names reference 'otherId' twice",
             false},
        Case{R"(["other"])", "view must be an object", false},
        Case{R"({"title; DROP TABLE Thing": ["id"]})",
             " !view \"title; DROP TABLE Thing\": Thing has no reference \"title; DROP TABLE "
             "Thing\"; ignored (references of Thing: other (otherId -> Other), backupOther "
             "(backupOtherId -> Other), ownerRef (owner -> Other), person (personId -> Person))",
             true},
        Case{R"({"other": ["label; DROP TABLE Other"]})",
             "unknown field \"label; DROP TABLE Other\"", false}));

class ParseViewTextTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParseViewTextTest, ParsesOrExplains) {
    const auto out = ParseViewText(Thing(), GetParam().input);
    if (GetParam().ok) {
        ASSERT_TRUE(out.has_value()) << out.error().message;
        // A warning's list of references is spelled out in the JSON cases; here its start will do.
        const std::string described = Describe(*out);
        const std::string& expected = GetParam().expected;
        EXPECT_TRUE(described == expected ||
                    (expected.find(" !") != std::string::npos && described.starts_with(expected)))
            << described;
        return;
    }
    ASSERT_FALSE(out.has_value()) << Describe(*out);
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message.find(GetParam().expected), std::string::npos)
        << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseViewTextTest,
    ::testing::Values(
        Case{"", "", true}, Case{"  ", "", true},
        Case{"other(id,label)", "other<-otherId[id,label]", true},
        Case{"other(label),person(username)",
             "other<-otherId[id,label];person<-personId[id,username]", true},
        Case{" other ( label , code ) , person(id) ",
             "other<-otherId[id,label,code];person<-personId[id]", true},
        // Empty field items are skipped; field names resolve ignoring case.
        Case{"other(label,)", "other<-otherId[id,label]", true},
        Case{"other(,label)", "other<-otherId[id,label]", true},
        Case{"other(label,,code)", "other<-otherId[id,label,code]", true},
        Case{"other( LABEL , , Code )", "other<-otherId[id,label,code]", true},
        // A relation with no field at all is an error, whether or not it exists.
        Case{"other()", "\"other\" names no field; list at least one, e.g. \"other(id)\"", false},
        Case{"other( , )", "\"other\" names no field", false},
        Case{"nope()", "\"nope\" names no field", false},
        Case{"nope(id),other(label)",
             "other<-otherId[id,label] !view \"nope\": Thing has no reference \"nope\"; ignored",
             true},
        Case{"Other(id)", "other<-otherId[id];backupOther<-backupOtherId[id];ownerRef<-owner[id]",
             true},
        Case{"other", "missing '(' after \"other\"", false},
        Case{"other(label", "missing ')'", false},
        Case{"other(label))", "unexpected text after ')'", false},
        Case{"other(label)person(username)", "unexpected text after ')'", false},
        Case{"other(label),", "missing '(' after \"\"", false},
        Case{"(label)", "a reference name is missing before '('", false},
        Case{"other(la(bel))", "unexpected '('", false},
        Case{"other,person(username)", "missing '(' after \"other\"", false},
        Case{"nope(id)", " !view \"nope\": Thing has no reference \"nope\"; ignored", true},
        Case{"other(nope)", "unknown field \"nope\" on Other", false},
        Case{"person(password)", "is never returned", false},
        Case{"other(id),other(label)", "view names reference 'otherId' twice", false}));

TEST(ParseViewTest, SpecsPointAtSchemaFields) {
    const auto out = ParseViewText(Thing(), "other(label)");
    ASSERT_TRUE(out.has_value());
    ASSERT_EQ(out->specs.size(), 1u);
    const auto& spec = out->specs[0];
    EXPECT_EQ(spec.reference, Thing().FindField("otherId"));
    const auto* other = testing::TypesSchema().FindEntity("Other");
    ASSERT_EQ(spec.fields.size(), 2u);
    EXPECT_EQ(spec.fields[0], other->FindField("id"));
    EXPECT_EQ(spec.fields[1], other->FindField("label"));
}

TEST(ParseViewTest, WorksOnTheDefaultEventsModel) {
    const auto& user_event = testing::DefaultEntity("UserEvent");
    const auto out = ParseViewText(user_event, "user(username,email),Event(title,dateTime)");
    ASSERT_TRUE(out.has_value()) << out.error().message;
    EXPECT_EQ(Describe(*out), "user<-userId[id,username,email];event<-eventId[id,title,dateTime]");
    const auto by_entity = ParseView(testing::DefaultEntity("User"),
                                     json::parse(R"({"Account": ["id", "createdAt"]})"));
    ASSERT_TRUE(by_entity.has_value()) << by_entity.error().message;
    EXPECT_EQ(Describe(*by_entity), "account<-accountId[id,createdAt]");
    const auto password = ParseViewText(user_event, "user(password)");
    ASSERT_FALSE(password.has_value());
    EXPECT_NE(password.error().message.find("never returned"), std::string::npos);
    const auto none = ParseViewText(testing::DefaultEntity("Account"), "user(id)");
    ASSERT_TRUE(none.has_value()) << none.error().message;
    EXPECT_EQ(Describe(*none),
              " !view \"user\": Account has no reference \"user\"; ignored (Account has no "
              "references)");
    // The issue's example: User has no profileId.
    const auto profile = ParseViewText(testing::DefaultEntity("User"), "profile(name)");
    ASSERT_TRUE(profile.has_value()) << profile.error().message;
    EXPECT_TRUE(profile->specs.empty());
    ASSERT_EQ(profile->warnings.size(), 1u);
    EXPECT_TRUE(profile->warnings[0].message.starts_with(
        "view \"profile\": User has no reference \"profile\"; ignored"))
        << profile->warnings[0].message;
}

TEST(ViewNameTest, DropsTheIdSuffix) {
    EXPECT_EQ(ViewName(*Thing().FindField("otherId")), "other");
    EXPECT_EQ(ViewName(*Thing().FindField("owner")), "ownerRef");
}

}  // namespace
}  // namespace ea::query
