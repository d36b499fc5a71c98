// ParseFieldSelection and SelectFields: the `fields` selection REST (`fields=a,b`) and MCP
// (`fields: ["a","b"]`) share, through BuildListQuery and on its own for get.
#include "query/field_selection.hpp"

#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "query/list_query.hpp"
#include "query_test_schema.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using testing::Person;
using testing::Thing;

std::vector<std::string> Names(const std::vector<const schema::Field*>& fields) {
    std::vector<std::string> names;
    for (const auto* field : fields) {
        names.push_back(field->name);
    }
    return names;
}

TEST(FieldSelectionTest, ArraysAndTextGiveIdFirstThenEntityOrderWithoutDuplicates) {
    const std::vector<std::string> expected{"id", "s", "i", "dt"};
    for (const json::value& given :
         {json::parse(R"(["dt", "i", "s", "I"])"), json::value(" dt, i ,S,,i ")}) {
        auto fields = ParseFieldSelection(Thing(), given);
        ASSERT_TRUE(fields.has_value()) << fields.error().message;
        EXPECT_EQ(Names(*fields), expected) << json::serialize(given);
    }
    auto none = ParseFieldSelection(Thing(), json::value());
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty()) << "absent: every field";
    EXPECT_TRUE(ParseFieldSelection(Thing(), json::array{})->empty());
    EXPECT_EQ(Names(*ParseFieldSelection(Thing(), json::value("id"))),
              std::vector<std::string>{"id"});
}

TEST(FieldSelectionTest, BadSelectionsNameTheArgument) {
    const auto error = [](const json::value& given, const schema::Entity& entity = Thing()) {
        auto fields = ParseFieldSelection(entity, given);
        EXPECT_FALSE(fields.has_value()) << json::serialize(given);
        return fields ? Error{} : fields.error();
    };
    auto unknown = error(json::parse(R"(["s", "dtt"])"));
    EXPECT_EQ(unknown.code, ErrorCode::kInvalidArgument);
    EXPECT_NE(unknown.message.find("unknown field \"dtt\" on Thing in fields"), std::string::npos)
        << unknown.message;
    EXPECT_NE(unknown.message.find("did you mean 'dt'?"), std::string::npos) << unknown.message;
    ASSERT_EQ(unknown.fields.size(), 1u);
    EXPECT_EQ(unknown.fields[0].field, "fields");
    auto password = error(json::parse(R"(["password"])"), Person());
    EXPECT_EQ(password.message, "fields: password is write-only and never returned");
    EXPECT_EQ(error(json::parse(R"(["s", 3])")).message,
              "fields: every item must be a field name (a string)");
    EXPECT_EQ(error(json::parse(R"({"s": true})")).message,
              "fields: expected an array of field names");
}

TEST(FieldSelectionTest, BuildListQueryCarriesTheSelection) {
    ListArguments arguments;
    arguments.fields = json::value("e,b");
    auto query = BuildListQuery(Thing(), arguments, kRestListDefaults);
    ASSERT_TRUE(query.has_value()) << query.error().message;
    EXPECT_EQ(Names(query->fields), (std::vector<std::string>{"id", "e", "b"}));
    arguments.fields = json::parse(R"(["nope"])");
    auto bad = BuildListQuery(Thing(), arguments, kMcpListDefaults);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().fields.at(0).field, "fields");
}

TEST(FieldSelectionTest, SelectFieldsKeepsSelectedFieldsAndViewsInRecordOrder) {
    auto record = json::parse(
                      R"({"id":"t1","s":"x","e":"Red","i":3,"n":null,"dt":"2026-01-01T00:00:00Z",)"
                      R"("other":{"exists":true,"id":"o1"},"createdAt":"2026-01-01T00:00:00Z"})")
                      .as_object();
    auto fields = ParseFieldSelection(Thing(), json::parse(R"(["i", "s", "n"])"));
    ASSERT_TRUE(fields.has_value());
    ViewSpec view;
    view.reference = Thing().FindField("otherId");
    view.name = "other";
    SelectFields(record, *fields, {view});
    EXPECT_EQ(json::serialize(record),
              R"({"id":"t1","s":"x","i":3,"n":null,"other":{"exists":true,"id":"o1"}})");
    auto untouched = json::parse(R"({"id":"t1","s":"x"})").as_object();
    SelectFields(untouched, {}, {});
    EXPECT_EQ(json::serialize(untouched), R"({"id":"t1","s":"x"})") << "no selection: all";
}

}  // namespace
}  // namespace ea::query
