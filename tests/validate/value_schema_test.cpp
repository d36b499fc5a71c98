// ValueSchema on the shipped Events schema: the JSON Schema both faces publish carries the
// validator's own rules (the OpenAPI document and the MCP tool schemas are built from it).
#include "validate/value_schema.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/test_schema.hpp"
#include "validate/validator.hpp"

namespace ea::validate {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

const schema::Field& FieldOf(std::string_view entity, std::string_view field) {
    const auto* found = testing::DefaultSchema().FindEntity(entity)->FindField(field);
    EXPECT_NE(found, nullptr) << entity << "." << field;
    return *found;
}

TEST(ValueSchemaTest, RequiredStringCarriesLengthsAndNoNull) {
    const object s = ValueSchema(FieldOf("User", "username"));
    EXPECT_EQ(s.at("type"), value("string"));
    EXPECT_EQ(s.at("minLength"), value(3));
    EXPECT_EQ(s.at("maxLength"), value(50));
    EXPECT_FALSE(s.contains("x-re2-pattern"));
}

TEST(ValueSchemaTest, OptionalEnumAcceptsNullAsTheValidatorDoes) {
    const object s = ValueSchema(FieldOf("User", "gender"));
    EXPECT_EQ(s.at("type"), value(array{"string", "null"}));
    EXPECT_EQ(s.at("enum"), value(array{"male", "female", "other", nullptr}));
}

TEST(ValueSchemaTest, CurrencyIsCentsWithinTheSchemasBounds) {
    const object s = ValueSchema(FieldOf("User", "netWorth"));
    EXPECT_EQ(s.at("multipleOf").to_number<double>(), 0.01);
    EXPECT_EQ(s.at("minimum").to_number<double>(), 0.0);
    EXPECT_EQ(s.at("maximum").to_number<double>(), 10000000.0);
}

TEST(ValueSchemaTest, ArraysAreCappedAtTheValidatorsElementLimit) {
    const object s = ValueSchema(FieldOf("Event", "tags"));
    EXPECT_EQ(s.at("items").at("type"), value("string"));
    EXPECT_EQ(s.at("maxItems"), value(static_cast<std::int64_t>(kMaxArrayElements)));
}

TEST(ValueSchemaTest, ReferencesUseTheIdAlphabetAndExtensionsAreOptIn) {
    const auto& account = FieldOf("User", "accountId");
    EXPECT_EQ(ValueSchema(account).at("pattern"), value(kIdPattern));
    EXPECT_FALSE(ValueSchema(account).contains("x-references"));
    EXPECT_EQ(ValueSchema(account, {.extensions = true}).at("x-references"), value("Account"));
    const auto& email = FieldOf("User", "email");
    const object annotated = ValueSchema(email, {.extensions = true});
    EXPECT_EQ(annotated.at("x-re2-pattern"), value(email.pattern->regex));
    EXPECT_EQ(annotated.at("x-pattern-message"), value(email.pattern->message));
}

TEST(ValueSchemaTest, OperandsHaveTheTypeButNoValueRules) {
    const auto& username = FieldOf("User", "username");
    EXPECT_EQ(OperandSchema(username, username.type), (object{{"type", "string"}}));
    const auto& dob = FieldOf("User", "dob");
    EXPECT_EQ(OperandSchema(dob, dob.type), (object{{"type", "string"}, {"format", "date"}}));
}

}  // namespace
}  // namespace ea::validate
