#include "schema/field_type.hpp"

#include <gtest/gtest.h>

namespace ea::schema {
namespace {

struct TypeCase {
    const char* text;
    FieldType type;
    FieldType element;
};

constexpr TypeCase kGoodTypes[] = {
    {"String", FieldType::kString, FieldType::kString},
    {"Integer", FieldType::kInteger, FieldType::kString},
    {"Number", FieldType::kNumber, FieldType::kString},
    {"Boolean", FieldType::kBoolean, FieldType::kString},
    {"Currency", FieldType::kCurrency, FieldType::kString},
    {"Date", FieldType::kDate, FieldType::kString},
    {"Datetime", FieldType::kDatetime, FieldType::kString},
    {"ObjectId", FieldType::kObjectId, FieldType::kString},
    {"JSON", FieldType::kJson, FieldType::kString},
    {"Array[String]", FieldType::kArray, FieldType::kString},
    {"Array[Integer]", FieldType::kArray, FieldType::kInteger},
    {"Array[Number]", FieldType::kArray, FieldType::kNumber},
    {"Array[Boolean]", FieldType::kArray, FieldType::kBoolean},
    {"Array[Currency]", FieldType::kArray, FieldType::kCurrency},
    {"Array[Date]", FieldType::kArray, FieldType::kDate},
    {"Array[Datetime]", FieldType::kArray, FieldType::kDatetime},
    {"Array[ObjectId]", FieldType::kArray, FieldType::kObjectId},
};

TEST(FieldTypeTest, ParsesEveryTypeNameAndRoundTripsThroughTypeName) {
    for (const auto& c : kGoodTypes) {
        const auto parsed = ParseFieldType(c.text);
        ASSERT_TRUE(parsed.has_value()) << c.text;
        EXPECT_EQ(parsed->type, c.type) << c.text;
        if (c.type == FieldType::kArray) {
            EXPECT_EQ(parsed->element_type, c.element) << c.text;
        }
        EXPECT_EQ(TypeName(parsed->type, parsed->element_type), c.text);
    }
}

TEST(FieldTypeTest, RejectsUnknownNamesAndNonScalarArrayElements) {
    constexpr const char* kBad[] = {
        "",          "string",      "STRING",      "Int",          "Json",          "Array",
        "Array[]",   "Array[JSON]", "Array[Array[String]]",        "Array[Strin]",  "Array[String",
        " String",   "String ",     "Array [String]", "List[String]", "ObjectID",
    };
    for (const char* text : kBad) {
        EXPECT_FALSE(ParseFieldType(text).has_value()) << "'" << text << "'";
    }
}

TEST(FieldTypeTest, OnlyJsonAndArrayAreNotScalars) {
    EXPECT_TRUE(IsScalar(FieldType::kString));
    EXPECT_TRUE(IsScalar(FieldType::kObjectId));
    EXPECT_TRUE(IsScalar(FieldType::kDatetime));
    EXPECT_FALSE(IsScalar(FieldType::kJson));
    EXPECT_FALSE(IsScalar(FieldType::kArray));
}

}  // namespace
}  // namespace ea::schema
