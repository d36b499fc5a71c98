// Validate() on a small schema written for the tests: one field per type and rule, so each rule,
// each mode and each canonical form is pinned independently of the shipped schema.yaml.
#include "validate/validator.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/test_schema.hpp"

namespace ea::validate {
namespace {

constexpr const char* kThingSchema = R"yaml(
Parent:
  fields:
    title: String
Thing:
  fields:
    name: {type: String, required: true, min_length: 3, max_length: 10}
    code: {type: String, pattern: {regex: "[A-Z]{3}[0-9]?", message: "Bad code"}}
    kind: {type: String, enum: {values: [small, Large, MEDIUM], message: "Bad kind"}}
    color: {type: String, enum: [red, green]}
    count: {type: Integer, ge: -5, le: 5}
    big: Integer
    ratio: {type: Number, ge: 0.5, le: 1.5}
    flag: Boolean
    price: {type: Currency, ge: 0, le: 1000}
    day: Date
    at: Datetime
    parentId: ObjectId
    meta: JSON
    tags: {type: "Array[String]", max_length: 3}
    scores: {type: "Array[Integer]", min_length: 1}
    days: "Array[Date]"
    status: {type: String, default: draft}
    level: {type: Integer, default: 3}
    seenAt: {type: Datetime, autoUpdate: true}
    note: String
)yaml";

const schema::Entity& Thing() {
    static const schema::SchemaPtr schema = testing::SchemaFromText(kThingSchema);
    const auto* entity = schema->FindEntity("Thing");
    EXPECT_NE(entity, nullptr);
    return *entity;
}

Record Object(std::string_view json) {
    return boost::json::parse(json).as_object();
}

// A valid Thing on create with one member replaced (or removed when json_value is empty).
Record ThingWith(std::string_view field, std::string_view json_value) {
    Record record = Object(R"({"name": "widget"})");
    if (json_value.empty()) {
        record.erase(field);
    } else {
        record[field] = boost::json::parse(json_value);
    }
    return record;
}

std::vector<FieldError> Errors(const Result<Record>& result) {
    if (result) {
        return {};
    }
    EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(result.error().message, "record is invalid");
    return result.error().fields;
}

std::string Describe(const std::vector<FieldError>& errors) {
    std::string out;
    for (const auto& e : errors) {
        out += "{" + e.field + ": " + e.message + "} ";
    }
    return out;
}

// ---- One rejected value, one exact message ---------------------------------------------------

struct RejectCase {
    const char* field;
    const char* json_value;
    const char* error_field;  // usually `field`; "tags[1]" for an element
    const char* message;
};

const RejectCase kRejectCases[] = {
    // String: type, lengths in code points.
    {"name", "42", "name", "must be a string"},
    {"name", "true", "name", "must be a string"},
    {"name", R"(["widget"])", "name", "must be a string"},
    {"name", R"({"v": "widget"})", "name", "must be a string"},
    {"name", R"("ab")", "name", "must be at least 3 characters"},
    {"name", R"("")", "name", "must be at least 3 characters"},
    {"name", R"("abcdefghijk")", "name", "must be at most 10 characters"},
    {"name", R"("ééééééééééé")", "name", "must be at most 10 characters"},
    {"name", "null", "name", "must not be null"},
    // Pattern: RE2 full match, the schema's message.
    {"code", R"("AB1")", "code", "Bad code"},
    {"code", R"("abc")", "code", "Bad code"},
    {"code", R"("ABCD")", "code", "Bad code"},
    {"code", R"("xABC")", "code", "Bad code"},
    {"code", R"("ABC1\n")", "code", "Bad code"},
    {"code", "7", "code", "must be a string"},
    // Enum: the schema's message, or the loader's default listing the values.
    {"kind", R"("tiny")", "kind", "Bad kind"},
    {"kind", R"("smal")", "kind", "Bad kind"},
    {"kind", R"(" small")", "kind", "Bad kind"},
    {"kind", R"("")", "kind", "Bad kind"},
    {"color", R"("blue")", "color", "must be one of: red, green"},
    {"color", "1", "color", "must be a string"},
    // Integer: integral JSON numbers in int64 and within ge/le.
    {"count", "1.5", "count", "must be an integer"},
    {"count", "-0.25", "count", "must be an integer"},
    {"count", R"("3")", "count", "must be an integer"},
    {"count", "true", "count", "must be an integer"},
    {"count", "6", "count", "must be <= 5"},
    {"count", "-6", "count", "must be >= -5"},
    {"count", "5.5", "count", "must be an integer"},
    {"count", "1e300", "count",
     "must be an integer between -9223372036854775808 and 9223372036854775807"},
    {"big", "9223372036854775808", "big",
     "must be an integer between -9223372036854775808 and 9223372036854775807"},
    {"big", "18446744073709551615", "big",
     "must be an integer between -9223372036854775808 and 9223372036854775807"},
    {"big", "1e19", "big",
     "must be an integer between -9223372036854775808 and 9223372036854775807"},
    // Number: bounds with non-integral formatting.
    {"ratio", "0.49", "ratio", "must be >= 0.5"},
    {"ratio", "2", "ratio", "must be <= 1.5"},
    {"ratio", R"("1.0")", "ratio", "must be a number"},
    {"ratio", "false", "ratio", "must be a number"},
    // Boolean: JSON true/false only.
    {"flag", R"("true")", "flag", "must be a boolean"},
    {"flag", R"("false")", "flag", "must be a boolean"},
    {"flag", "1", "flag", "must be a boolean"},
    {"flag", "0", "flag", "must be a boolean"},
    {"flag", R"("yes")", "flag", "must be a boolean"},
    {"flag", "[]", "flag", "must be a boolean"},
    // Currency: a number with at most two decimals, within bounds.
    {"price", "1.005", "price", "must have at most two decimal places"},
    {"price", "0.001", "price", "must have at most two decimal places"},
    {"price", "19.999", "price", "must have at most two decimal places"},
    {"price", "-1", "price", "must be >= 0"},
    {"price", "1000.01", "price", "must be <= 1000"},
    {"price", R"("12.50")", "price", "must be a number"},
    // Date and Datetime.
    {"day", R"("2024-02-30")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", R"("2024-13-01")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", R"("24-01-01")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", R"("2024/01/01")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", R"("2024-01-01T00:00:00Z")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", R"("yesterday")", "day", "must be a date (YYYY-MM-DD)"},
    {"day", "20240101", "day", "must be a date (YYYY-MM-DD)"},
    {"at", R"("2024-01-01T25:00:00Z")", "at",
     "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    {"at", R"("next tuesday")", "at", "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    {"at", "1704067200", "at", "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    {"at", R"("")", "at", "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    // ObjectId: IsValidId.
    {"parentId", R"("")", "parentId", "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"parentId", R"("has space")", "parentId",
     "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"parentId", R"("../etc/passwd")", "parentId",
     "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"parentId", R"("x' OR '1'='1")", "parentId",
     "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"parentId", "12", "parentId", "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"parentId",
     R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")",  // 65
     "parentId", "must be an id (1-64 characters: letters, digits, _ . : -)"},
    // JSON: an object.
    {"meta", "[1, 2]", "meta", "must be a JSON object"},
    {"meta", R"("{}")", "meta", "must be a JSON object"},
    {"meta", "3", "meta", "must be a JSON object"},
    // Arrays: type, element types named by index, counts.
    {"tags", R"("a,b")", "tags", "must be an array"},
    {"tags", R"({"0": "a"})", "tags", "must be an array"},
    {"tags", R"(["a", 2])", "tags[1]", "must be a string"},
    {"tags", R"(["a", null])", "tags[1]", "must not be null"},
    {"tags", R"(["a", "b", "c", "d"])", "tags", "must have at most 3 elements"},
    {"scores", "[]", "scores", "must have at least 1 elements"},
    {"scores", "[1, 2.5]", "scores[1]", "must be an integer"},
    {"scores", R"(["1"])", "scores[0]", "must be an integer"},
    {"days", R"(["2024-01-01", "2024-1-1"])", "days[1]", "must be a date (YYYY-MM-DD)"},
    // Optional fields with a default are still checked when given.
    {"status", "1", "status", "must be a string"},
    {"level", R"("3")", "level", "must be an integer"},
};

class RejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectTest, ReportsExactlyOneErrorWithTheExactMessage) {
    const auto& c = GetParam();
    const auto errors = Errors(Validate(Thing(), ThingWith(c.field, c.json_value), Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u) << c.field << "=" << c.json_value << ": " << Describe(errors);
    EXPECT_EQ(errors[0].field, c.error_field) << c.json_value;
    EXPECT_EQ(errors[0].message, c.message) << c.json_value;
}

TEST_P(RejectTest, PatchModeChecksTheSameRule) {
    const auto& c = GetParam();
    Record patch;
    patch[c.field] = boost::json::parse(c.json_value);
    const auto errors = Errors(Validate(Thing(), patch, Mode::kPatch));
    ASSERT_EQ(errors.size(), 1u) << c.field << "=" << c.json_value << ": " << Describe(errors);
    EXPECT_EQ(errors[0].field, c.error_field);
    EXPECT_EQ(errors[0].message, c.message);
}

std::string CaseName(const ::testing::TestParamInfo<RejectCase>& info) {
    return std::to_string(info.index) + "_" + info.param.field;
}

INSTANTIATE_TEST_SUITE_P(ThingRules, RejectTest, ::testing::ValuesIn(kRejectCases), CaseName);

// ---- Accepted values and their canonical form ------------------------------------------------

struct AcceptCase {
    const char* field;
    const char* json_value;
    const char* canonical_json;  // what Validate returns for the field
};

const AcceptCase kAcceptCases[] = {
    {"name", R"("abc")", R"("abc")"},
    {"name", R"("abcdefghij")", R"("abcdefghij")"},
    {"name", R"("éèê")", R"("éèê")"},                            // 3 code points, 6 bytes
    {"name", R"("日本語の名前です")", R"("日本語の名前です")"},  // 8 code points, 24 bytes
    {"name", R"("😀😀😀")", R"("😀😀😀")"},                            // astral plane: 3 code points
    {"code", R"("ABC")", R"("ABC")"},
    {"code", R"("XYZ9")", R"("XYZ9")"},
    {"code", "null", "null"},
    {"kind", R"("small")", R"("small")"},
    {"kind", R"("SMALL")", R"("small")"},
    {"kind", R"("Small")", R"("small")"},
    {"kind", R"("large")", R"("Large")"},
    {"kind", R"("medium")", R"("MEDIUM")"},
    {"color", R"("GREEN")", R"("green")"},
    {"count", "5", "5"},
    {"count", "-5", "-5"},
    {"count", "0", "0"},
    {"count", "2.0", "2"},
    {"count", "-0.0", "0"},
    {"count", "3e0", "3"},
    {"big", "9223372036854775807", "9223372036854775807"},
    {"big", "-9223372036854775808", "-9223372036854775808"},
    {"big", "1e18", "1000000000000000000"},
    {"ratio", "0.5", "0.5"},
    {"ratio", "1.5", "1.5"},
    {"ratio", "1", "1"},
    {"flag", "true", "true"},
    {"flag", "false", "false"},
    {"price", "0", "0"},
    {"price", "0.29", "0.29"},
    {"price", "19.99", "19.99"},
    {"price", "1000", "1000"},
    {"price", "999.9", "999.9"},
    {"price", "12.10", "12.1"},
    {"day", R"("2024-02-29")", R"("2024-02-29")"},
    {"day", R"("0001-01-01")", R"("0001-01-01")"},
    {"at", R"("2025-01-31T10:00:00Z")", R"("2025-01-31T10:00:00.000Z")"},
    {"at", R"("2025-01-31T10:00:00.123456Z")", R"("2025-01-31T10:00:00.123Z")"},
    {"at", R"("2025-01-31T12:00:00+02:00")", R"("2025-01-31T10:00:00.000Z")"},
    {"at", R"("2025-01-31 10:00")", R"("2025-01-31T10:00:00.000Z")"},
    {"at", R"("2025-01-31")", R"("2025-01-31T00:00:00.000Z")"},
    {"parentId", R"("01HX5ZZKBKACTAV9WEVGEMMVRZ")", R"("01hx5zzkbkactav9wevgemmvrz")"},
    {"parentId", R"("acc_system")", R"("acc_system")"},
    {"parentId", R"("A.b:C-d_9")", R"("a.b:c-d_9")"},
    {"meta", "{}", "{}"},
    {"meta", R"({"a": [1, {"b": null}], "c": "d"})", R"({"a": [1, {"b": null}], "c": "d"})"},
    {"tags", "[]", "[]"},
    {"tags", R"(["a", "b", "c"])", R"(["a", "b", "c"])"},
    {"tags", R"(["", "same", "same"])", R"(["", "same", "same"])"},
    {"scores", "[1, 2.0, -3]", "[1, 2, -3]"},
    {"days", R"(["2024-01-01", "2024-12-31"])", R"(["2024-01-01", "2024-12-31"])"},
    {"note", R"("")", R"("")"},
    {"note", "null", "null"},
    // Injection-looking strings are just values.
    {"note", R"("Robert'); DROP TABLE Thing;--")", R"("Robert'); DROP TABLE Thing;--")"},
    {"note", R"("<script>alert(1)</script>")", R"("<script>alert(1)</script>")"},
    {"note", R"("{\"$gt\": \"\"}")", R"("{\"$gt\": \"\"}")"},
    {"note", R"("../../etc/passwd%00")", R"("../../etc/passwd%00")"},
    {"note", R"("${jndi:ldap://x/a}")", R"("${jndi:ldap://x/a}")"},
    {"note", R"("line1\nline2\ttab\u0000nul")", R"("line1\nline2\ttab\u0000nul")"},
    {"meta", R"({"$where": "1 == 1", "'; DROP": "x"})", R"({"$where": "1 == 1", "'; DROP": "x"})"},
};

class AcceptTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(AcceptTest, ReturnsTheCanonicalValue) {
    const auto& c = GetParam();
    const auto result = Validate(Thing(), ThingWith(c.field, c.json_value), Mode::kCreate);
    ASSERT_TRUE(result) << c.field << "=" << c.json_value << ": " << Describe(Errors(result));
    ASSERT_TRUE(result->contains(c.field));
    EXPECT_EQ(result->at(c.field), boost::json::parse(c.canonical_json)) << c.json_value;
}

TEST_P(AcceptTest, ValidateValueAgrees) {
    const auto& c = GetParam();
    const auto* field = Thing().FindField(c.field);
    ASSERT_NE(field, nullptr);
    const auto result = ValidateValue(*field, boost::json::parse(c.json_value));
    ASSERT_TRUE(result) << c.json_value;
    EXPECT_EQ(*result, boost::json::parse(c.canonical_json));
}

std::string AcceptName(const ::testing::TestParamInfo<AcceptCase>& info) {
    return std::to_string(info.index) + "_" + info.param.field;
}

INSTANTIATE_TEST_SUITE_P(ThingRules, AcceptTest, ::testing::ValuesIn(kAcceptCases), AcceptName);

// ---- Integer canonical form is int64 ---------------------------------------------------------

TEST(ValidatorTest, IntegralDoublesAreStoredAsInt64) {
    const auto result = Validate(Thing(), ThingWith("count", "4.0"), Mode::kCreate);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->at("count").is_int64());
    EXPECT_EQ(result->at("count").get_int64(), 4);
}

// ---- Records as a whole ----------------------------------------------------------------------

TEST(ValidatorTest, ReportsEveryProblemAtOnceInFieldOrder) {
    const Record input = Object(R"({
        "tags": [1],
        "flag": "true",
        "bogus": 1,
        "count": 99,
        "code": "nope",
        "day": "2024-02-30"
    })");
    const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    const std::vector<FieldError> expected = {
        {"name", "is required"},
        {"code", "Bad code"},
        {"count", "must be <= 5"},
        {"flag", "must be a boolean"},
        {"day", "must be a date (YYYY-MM-DD)"},
        {"tags[0]", "must be a string"},
        {"bogus", "is not a field of Thing"},
    };
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, ReportsEveryBadArrayElement) {
    const auto errors =
        Errors(Validate(Thing(), ThingWith("scores", R"([1, "x", 2, 3.5, null])"), Mode::kCreate));
    const std::vector<FieldError> expected = {
        {"scores[1]", "must be an integer"},
        {"scores[3]", "must be an integer"},
        {"scores[4]", "must not be null"},
    };
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, UnknownFieldsAreErrorsNamingEachInInputOrder) {
    Record input = Object(R"({"name": "widget", "zeta": 1, "Name": "x", "alpha": null})");
    const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    const std::vector<FieldError> expected = {
        {"zeta", "is not a field of Thing"},
        {"Name", "is not a field of Thing"},
        {"alpha", "is not a field of Thing"},
    };
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, InjectionLookingFieldNamesAreUnknownFields) {
    const char* names[] = {"name; DROP TABLE Thing",
                           "\"name\"",
                           "name--",
                           "__proto__",
                           "$where",
                           "name OR 1=1",
                           "constructor"};
    for (const char* name : names) {
        Record input = Object(R"({"name": "widget"})");
        input[name] = "x";
        const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u) << name;
        EXPECT_EQ(errors[0].field, name);
        EXPECT_EQ(errors[0].message, "is not a field of Thing");
    }
}

TEST(ValidatorTest, UnknownFieldNamesAreEchoedSafely) {
    Record input = Object(R"({"name": "widget"})");
    input[std::string("bad\xFF\xFEkey")] = 1;
    input[std::string(500, 'k')] = 1;
    const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].field, "bad\xEF\xBF\xBD\xEF\xBF\xBDkey");
    EXPECT_EQ(errors[1].field, std::string(64, 'k') + "\xE2\x80\xA6");
}

TEST(ValidatorTest, BuiltInsAndServerSetFieldsAreIgnored) {
    const Record input = Object(R"({
        "id": "client-id", "createdAt": "garbage", "updatedAt": 12,
        "seenAt": "not a datetime", "name": "widget"
    })");
    for (Mode mode : {Mode::kCreate, Mode::kReplace, Mode::kPatch}) {
        const auto result = Validate(Thing(), input, mode);
        ASSERT_TRUE(result) << Describe(Errors(result));
        EXPECT_FALSE(result->contains("id"));
        EXPECT_FALSE(result->contains("createdAt"));
        EXPECT_FALSE(result->contains("updatedAt"));
        EXPECT_FALSE(result->contains("seenAt"));
        EXPECT_EQ(result->at("name"), "widget");
    }
}

TEST(ValidatorTest, ViewSubObjectsOfReferencesAreIgnored) {
    const Record input = Object(R"({
        "name": "widget", "parentId": "P1",
        "parent": {"exists": true, "id": "p1", "title": "the parent"}
    })");
    const auto result = Validate(Thing(), input, Mode::kReplace);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_FALSE(result->contains("parent"));
    EXPECT_EQ(result->at("parentId"), "p1");

    const auto with_null =
        Validate(Thing(), Object(R"({"name": "widget", "parent": null})"), Mode::kCreate);
    EXPECT_TRUE(with_null) << Describe(Errors(with_null));
}

TEST(ValidatorTest, AViewNameHoldingAScalarIsStillUnknown) {
    const auto errors =
        Errors(Validate(Thing(), Object(R"({"name": "widget", "parent": "p1"})"), Mode::kCreate));
    const std::vector<FieldError> expected = {{"parent", "is not a field of Thing"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, OnlyReferenceFieldsHaveViews) {
    // "nam" is "name" minus its last two letters but name is no ObjectId ending in "Id".
    const auto errors =
        Errors(Validate(Thing(), Object(R"({"name": "widget", "nam": {}})"), Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "nam");
}

TEST(ValidatorTest, CreateFillsDefaultsAndOmitsAbsentOptionalFields) {
    const auto result = Validate(Thing(), Object(R"({"name": "widget"})"), Mode::kCreate);
    ASSERT_TRUE(result) << Describe(Errors(result));
    const Record expected = Object(R"({"name": "widget", "status": "draft", "level": 3})");
    EXPECT_EQ(*result, expected);
}

TEST(ValidatorTest, GivenValuesAndNullOverrideDefaults) {
    const auto result = Validate(
        Thing(), Object(R"({"name": "widget", "status": "live", "level": null})"), Mode::kCreate);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_EQ(result->at("status"), "live");
    EXPECT_TRUE(result->at("level").is_null());
}

TEST(ValidatorTest, ReplaceRequiresRequiredFieldsButFillsNoDefaults) {
    const auto result = Validate(Thing(), Object(R"({"name": "widget"})"), Mode::kReplace);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_EQ(*result, Object(R"({"name": "widget"})"));

    const auto errors = Errors(Validate(Thing(), Object(R"({"note": "x"})"), Mode::kReplace));
    const std::vector<FieldError> expected = {{"name", "is required"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, RequiredFieldsMayNotBeNullInAnyMode) {
    for (Mode mode : {Mode::kCreate, Mode::kReplace, Mode::kPatch}) {
        const auto errors = Errors(Validate(Thing(), Object(R"({"name": null})"), mode));
        const std::vector<FieldError> expected = {{"name", "must not be null"}};
        EXPECT_EQ(errors, expected) << Describe(errors);
    }
}

TEST(ValidatorTest, PatchChecksAndReturnsOnlyGivenFields) {
    const auto result =
        Validate(Thing(), Object(R"({"count": 2, "kind": "LARGE", "note": null})"), Mode::kPatch);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_EQ(*result, Object(R"({"count": 2, "kind": "Large", "note": null})"));
}

TEST(ValidatorTest, EmptyPatchIsValidAndEmpty) {
    const auto result = Validate(Thing(), Record(), Mode::kPatch);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->empty());
}

TEST(ValidatorTest, EmptyCreateReportsOnlyTheMissingRequiredField) {
    const auto errors = Errors(Validate(Thing(), Record(), Mode::kCreate));
    const std::vector<FieldError> expected = {{"name", "is required"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, PatchStillRejectsUnknownFields) {
    const auto errors = Errors(Validate(Thing(), Object(R"({"colour": "red"})"), Mode::kPatch));
    const std::vector<FieldError> expected = {{"colour", "is not a field of Thing"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, ARecordReadBackValidatesUnchanged) {
    const Record input = Object(R"({
        "name": "widget", "code": "ABC", "kind": "small", "count": 1, "ratio": 1.25,
        "flag": false, "price": 9.99, "day": "2024-01-02", "at": "2024-01-02T03:04:05.006Z",
        "parentId": "p1", "meta": {"k": "v"}, "tags": ["x"], "scores": [1], "days": [],
        "status": "draft", "level": 3, "note": null
    })");
    Record stored = input;
    stored["id"] = "t1";
    stored["createdAt"] = "2024-01-02T03:04:05.006Z";
    stored["updatedAt"] = "2024-01-02T03:04:05.006Z";
    stored["seenAt"] = "2024-01-02T03:04:05.006Z";
    stored["parent"] = Object(R"({"exists": false})");
    const auto result = Validate(Thing(), stored, Mode::kReplace);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_EQ(*result, input);
}

// ---- Hostile sizes and bytes -----------------------------------------------------------------

TEST(ValidatorTest, InvalidUtf8IsRejectedInEveryStringPosition) {
    const std::string bad_sequences[] = {
        "\xFF",                  // never valid
        "abc\x80",               // lone continuation byte
        "\xC3",                  // truncated 2-byte sequence
        "\xC0\xAF",              // overlong '/'
        "\xE0\x80\xAF",          // overlong, 3 bytes
        "\xED\xA0\x80",          // UTF-16 surrogate D800
        "\xF4\x90\x80\x80",      // above U+10FFFF
        "\xF8\x88\x80\x80\x80",  // 5-byte form
        "ok\xE2\x82",            // truncated euro sign
    };
    for (const auto& bad : bad_sequences) {
        Record note = Object(R"({"name": "widget"})");
        note["note"] = bad;
        auto errors = Errors(Validate(Thing(), note, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0], (FieldError{"note", "must be valid UTF-8"}));

        Record tags = Object(R"({"name": "widget"})");
        tags["tags"] = boost::json::array{"fine", bad.c_str()};
        errors = Errors(Validate(Thing(), tags, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0], (FieldError{"tags[1]", "must be valid UTF-8"}));

        Record meta = Object(R"({"name": "widget"})");
        meta["meta"] = boost::json::object{{"k", bad.c_str()}};
        errors = Errors(Validate(Thing(), meta, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0], (FieldError{"meta", "must be valid UTF-8"}));

        Record meta_key = Object(R"({"name": "widget"})");
        meta_key["meta"] = boost::json::object{{bad, 1}};
        errors = Errors(Validate(Thing(), meta_key, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0], (FieldError{"meta", "must be valid UTF-8"}));
    }
}

TEST(ValidatorTest, ValidMultiByteUtf8IsAccepted) {
    Record input = Object(R"({"name": "widget"})");
    input["note"] = "\xC2\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
    EXPECT_TRUE(Validate(Thing(), input, Mode::kCreate));
}

TEST(ValidatorTest, StringsOverOneMebibyteAreRejectedWithoutMaxLength) {
    Record input = Object(R"({"name": "widget"})");
    input["note"] = std::string(kMaxStringBytes + 1, 'a');
    auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], (FieldError{"note", "must be at most 1048576 bytes"}));

    input["note"] = std::string(kMaxStringBytes, 'a');
    EXPECT_TRUE(Validate(Thing(), input, Mode::kCreate));
}

TEST(ValidatorTest, HugeValuesInOtherTypesAreRejectedCheaply) {
    const std::string huge(kMaxStringBytes * 2, '9');
    Record input = Object(R"({"name": "widget"})");
    input["day"] = huge;
    input["at"] = huge;
    input["parentId"] = huge;
    input["code"] = huge;
    input["tags"] = boost::json::array{huge.c_str()};
    const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    const std::vector<FieldError> expected = {
        {"code", "must be at most 1048576 bytes"},
        {"day", "must be a date (YYYY-MM-DD)"},
        {"at", "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
        {"parentId", "must be an id (1-64 characters: letters, digits, _ . : -)"},
        {"tags[0]", "must be at most 1048576 bytes"},
    };
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(ValidatorTest, ArraysOverTheElementLimitAreRejected) {
    boost::json::array many;
    for (std::size_t i = 0; i <= kMaxArrayElements; ++i) {
        many.push_back(static_cast<std::int64_t>(i));
    }
    Record input = Object(R"({"name": "widget"})");
    input["scores"] = many;
    auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], (FieldError{"scores", "must have at most 1000 elements"}));

    many.pop_back();
    input["scores"] = many;
    EXPECT_TRUE(Validate(Thing(), input, Mode::kCreate));
}

TEST(ValidatorTest, JsonFieldsAreBoundedInDepthAndSize) {
    boost::json::value deep = boost::json::object{};
    for (int i = 0; i < kMaxJsonDepth; ++i) {
        deep = boost::json::object{{"a", deep}};
    }
    Record input = Object(R"({"name": "widget"})");
    input["meta"] = deep;
    auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], (FieldError{"meta", "must be nested at most 32 levels deep"}));

    boost::json::object big;
    for (int i = 0; i < 5; ++i) {
        big["k" + std::to_string(i)] = std::string(kMaxJsonBytes / 4, 'x');
    }
    input["meta"] = big;
    errors = Errors(Validate(Thing(), input, Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], (FieldError{"meta", "must be at most 1048576 bytes"}));
}

TEST(ValidatorTest, NonFiniteNumbersAreRejected) {
    for (double bad :
         {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
          std::numeric_limits<double>::quiet_NaN()}) {
        Record input = Object(R"({"name": "widget"})");
        input["ratio"] = bad;
        input["price"] = bad;
        input["count"] = bad;
        const auto errors = Errors(Validate(Thing(), input, Mode::kCreate));
        const std::vector<FieldError> expected = {
            {"count", "must be an integer"},
            {"ratio", "must be a finite number"},
            {"price", "must be a finite number"},
        };
        EXPECT_EQ(errors, expected) << Describe(errors);
    }
}

TEST(ValidatorTest, CurrencyRefusesAmountsBeyondCentPrecision) {
    const auto schema = testing::SchemaFromText("Wallet:\n  fields:\n    balance: Currency\n");
    const auto& wallet = *schema->FindEntity("Wallet");
    auto errors = Errors(Validate(wallet, Object(R"({"balance": 1e14})"), Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message, "must be between -10000000000000 and 10000000000000");
    EXPECT_TRUE(Validate(wallet, Object(R"({"balance": -12345678901.23})"), Mode::kCreate));
}

TEST(ValidatorTest, ValidateValueReportsTheFieldName) {
    const auto* field = Thing().FindField("kind");
    ASSERT_NE(field, nullptr);
    const auto result = ValidateValue(*field, boost::json::value("huge"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(result.error().fields.size(), 1u);
    EXPECT_EQ(result.error().fields[0], (FieldError{"kind", "Bad kind"}));
    EXPECT_TRUE(ValidateValue(*field, boost::json::value(nullptr)));
}

TEST(ValidatorTest, MessagesNeverEchoTheValue) {
    const char* secret = "\"s3cr3t VALUE!\"";
    for (const char* field : {"count", "flag", "day", "at", "parentId", "kind", "code", "price"}) {
        const auto errors = Errors(Validate(Thing(), ThingWith(field, secret), Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u) << field;
        EXPECT_EQ(errors[0].message.find("s3cr3t"), std::string::npos) << errors[0].message;
    }
}

}  // namespace
}  // namespace ea::validate
