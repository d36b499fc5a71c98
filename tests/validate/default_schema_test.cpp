// Validate() on the shipped Events schema (schema.yaml): every rule of every User and Event field
// with the exact message a client sees, plus whole-record behaviour on real entities.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/test_schema.hpp"
#include "validate/validator.hpp"

namespace ea::validate {
namespace {

const schema::Entity& Entity(std::string_view name) {
    const auto* entity = testing::DefaultSchema().FindEntity(name);
    EXPECT_NE(entity, nullptr) << name;
    return *entity;
}

Record Object(std::string_view json) {
    return boost::json::parse(json).as_object();
}

constexpr const char* kValidUser = R"({
    "username": "alice_w",
    "email": "alice@example.com",
    "password": "correct-horse-9",
    "firstName": "Alice",
    "lastName": "Walker",
    "gender": "female",
    "dob": "1990-04-12",
    "isAccountOwner": true,
    "netWorth": 1234.56,
    "role": "read",
    "accountId": "01HX5ZZKBKACTAV9WEVGEMMVRZ"
})";

constexpr const char* kValidEvent = R"({
    "url": "https://example.com/events/42?ref=home",
    "title": "Jazz night",
    "dateTime": "2025-06-01T19:30:00Z",
    "location": "Blue Note, NYC",
    "cost": 25.5,
    "numOfExpectedAttendees": 120,
    "recurrence": "weekly",
    "tags": ["music", "jazz"]
})";

std::string Describe(const std::vector<FieldError>& errors) {
    std::string out;
    for (const auto& e : errors) {
        out += "{" + e.field + ": " + e.message + "} ";
    }
    return out;
}

std::vector<FieldError> Errors(const Result<Record>& result) {
    return result ? std::vector<FieldError>{} : result.error().fields;
}

struct Case {
    const char* entity;
    const char* field;
    const char* json_value;  // "" removes the field
    const char* message;
};

Record Base(std::string_view entity) {
    return Object(entity == "User" ? kValidUser : kValidEvent);
}

Record With(std::string_view entity, std::string_view field, std::string_view json_value) {
    Record record = Base(entity);
    if (json_value.empty()) {
        record.erase(field);
    } else {
        record[field] = boost::json::parse(json_value);
    }
    return record;
}

const Case kRejectCases[] = {
    // User.username: 3-50 characters, required.
    {"User", "username", R"("al")", "must be at least 3 characters"},
    {"User", "username", R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")",
     "must be at most 50 characters"},  // 51
    {"User", "username", "7", "must be a string"},
    {"User", "username", "", "is required"},
    {"User", "username", "null", "must not be null"},
    // User.email: 8-50 characters and an email address.
    {"User", "email", R"("a@b.io")", "must be at least 8 characters"},
    {"User", "email", R"("not-an-email")", "Bad email address format"},
    {"User", "email", R"("alice@@example.com")", "Bad email address format"},
    {"User", "email", R"("alice@example")", "Bad email address format"},
    {"User", "email", R"("alice example@x.com")", "Bad email address format"},
    {"User", "email", R"("@example.com")", "Bad email address format"},
    {"User", "email", R"("alice@.example.com")", "Bad email address format"},
    {"User", "email", R"("alice@example.com'; DROP TABLE User;--")", "Bad email address format"},
    {"User", "email", R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com")",
     "must be at most 50 characters"},
    {"User", "email", "true", "must be a string"},
    // User.password: at least 8 characters (checked on the plain text).
    {"User", "password", R"("short")", "must be at least 8 characters"},
    {"User", "password", R"("1234567")", "must be at least 8 characters"},
    {"User", "password", "12345678", "must be a string"},
    // User.firstName / lastName: 3-100 characters, required (as in the original schema).
    {"User", "firstName", R"("Al")", "must be at least 3 characters"},
    {"User", "firstName", "", "is required"},
    {"User", "lastName", "", "is required"},
    {"User", "firstName", "null", "must not be null"},
    {"User", "lastName", "null", "must not be null"},
    {"User", "lastName", R"("Wo")", "must be at least 3 characters"},
    {"User", "firstName", "[]", "must be a string"},
    // User.gender: male|female|other.
    {"User", "gender", R"("unknown")", "must be one of: male, female, other"},
    {"User", "gender", R"("f")", "must be one of: male, female, other"},
    {"User", "gender", "1", "must be a string"},
    // User.dob: Date.
    {"User", "dob", R"("1990-02-30")", "must be a date (YYYY-MM-DD)"},
    {"User", "dob", R"("12/04/1990")", "must be a date (YYYY-MM-DD)"},
    {"User", "dob", "19900412", "must be a date (YYYY-MM-DD)"},
    // User.isAccountOwner: strict Boolean, required.
    {"User", "isAccountOwner", R"("true")", "must be a boolean"},
    {"User", "isAccountOwner", R"("false")", "must be a boolean"},
    {"User", "isAccountOwner", "1", "must be a boolean"},
    {"User", "isAccountOwner", "", "is required"},
    {"User", "isAccountOwner", "null", "must not be null"},
    // User.netWorth: Currency 0-10,000,000.
    {"User", "netWorth", "-0.01", "must be >= 0"},
    {"User", "netWorth", "10000000.01", "must be <= 10000000"},
    {"User", "netWorth", "10000001", "must be <= 10000000"},
    {"User", "netWorth", "1.234", "must have at most two decimal places"},
    {"User", "netWorth", R"("100")", "must be a number"},
    // User.role: admin|read|ai_agent.
    {"User", "role", R"("root")", "must be one of: admin, read, ai_agent"},
    {"User", "role", R"("ai-agent")", "must be one of: admin, read, ai_agent"},
    // User.accountId: required reference.
    {"User", "accountId", "", "is required"},
    {"User", "accountId", "null", "must not be null"},
    {"User", "accountId", R"("not an id")",
     "must be an id (1-64 characters: letters, digits, _ . : -)"},
    {"User", "accountId", "42", "must be an id (1-64 characters: letters, digits, _ . : -)"},
    // Event.url: required, an http(s) URL.
    {"Event", "url", "", "is required"},
    {"Event", "url", "null", "must not be null"},
    {"Event", "url", R"("example.com")", "Bad URL format"},
    {"Event", "url", R"("ftp://example.com/file")", "Bad URL format"},
    {"Event", "url", R"j("javascript:alert(1)")j", "Bad URL format"},
    {"Event", "url", R"("https://")", "Bad URL format"},
    {"Event", "url", R"("https://exa mple.com")", "Bad URL format"},
    {"Event", "url", R"("")", "Bad URL format"},
    {"Event", "url", "5", "must be a string"},
    // Event.title: required, at most 200 characters.
    {"Event", "title", "", "is required"},
    {"Event", "title", "null", "must not be null"},
    {"Event", "title", "false", "must be a string"},
    // Event.dateTime: required Datetime.
    {"Event", "dateTime", "", "is required"},
    {"Event", "dateTime", R"("2025-06-31T19:30:00Z")",
     "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    {"Event", "dateTime", R"("tomorrow evening")",
     "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    {"Event", "dateTime", "1748806200000",
     "must be a datetime (ISO 8601, e.g. 2025-01-31T10:00:00Z)"},
    // Event.location: at most 200 characters.
    {"Event", "location", "{}", "must be a string"},
    // Event.cost: Number >= 0.
    {"Event", "cost", "-1", "must be >= 0"},
    {"Event", "cost", "-0.5", "must be >= 0"},
    {"Event", "cost", R"("free")", "must be a number"},
    // Event.numOfExpectedAttendees: Integer >= 0.
    {"Event", "numOfExpectedAttendees", "-1", "must be >= 0"},
    {"Event", "numOfExpectedAttendees", "10.5", "must be an integer"},
    {"Event", "numOfExpectedAttendees", R"("100")", "must be an integer"},
    // Event.recurrence: daily|weekly|monthly|yearly.
    {"Event", "recurrence", R"("hourly")", "must be one of: daily, weekly, monthly, yearly"},
    {"Event", "recurrence", R"("")", "must be one of: daily, weekly, monthly, yearly"},
    // Event.tags: a list of strings.
    {"Event", "tags", R"("music")", "must be an array"},
    {"Event", "tags", R"(["music", 3])", "must be a string"},
};

class DefaultSchemaRejectTest : public ::testing::TestWithParam<Case> {};

TEST_P(DefaultSchemaRejectTest, ReportsTheExactMessageForTheFieldAlone) {
    const auto& c = GetParam();
    const auto errors =
        Errors(Validate(Entity(c.entity), With(c.entity, c.field, c.json_value), Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u) << c.field << "=" << c.json_value << ": " << Describe(errors);
    EXPECT_TRUE(errors[0].field.starts_with(c.field)) << errors[0].field;
    EXPECT_EQ(errors[0].message, c.message) << c.field << "=" << c.json_value;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
    return std::string(info.param.entity) + "_" + info.param.field + "_" +
           std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Events, DefaultSchemaRejectTest, ::testing::ValuesIn(kRejectCases),
                         CaseName);

const Case kAcceptCases[] = {
    {"User", "username", R"("abc")", R"("abc")"},
    {"User", "username", R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")",
     R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")"},  // 50
    {"User", "username", R"("Robert'); DROP TABLE User;--")", R"("Robert'); DROP TABLE User;--")"},
    {"User", "email", R"("a.b+tag@sub.example.co.uk")", R"("a.b+tag@sub.example.co.uk")"},
    {"User", "email", R"("first_last@example.io")", R"("first_last@example.io")"},
    {"User", "password", R"("12345678")", R"("12345678")"},
    {"User", "password", R"("' OR '1'='1")", R"("' OR '1'='1")"},
    {"User", "firstName", R"("Zoë")", R"("Zoë")"},
    {"User", "gender", R"("MALE")", R"("male")"},
    {"User", "gender", R"("Other")", R"("other")"},
    {"User", "gender", "null", "null"},
    {"User", "dob", R"("2000-02-29")", R"("2000-02-29")"},
    {"User", "isAccountOwner", "false", "false"},
    {"User", "netWorth", "0", "0"},
    {"User", "netWorth", "10000000", "10000000"},
    {"User", "netWorth", "10000000.00", "10000000.0"},
    {"User", "netWorth", "0.1", "0.1"},
    {"User", "role", R"("AI_AGENT")", R"("ai_agent")"},
    {"User", "role", R"("admin")", R"("admin")"},
    {"User", "accountId", R"("acc_system")", R"("acc_system")"},
    {"User", "accountId", R"("01HX5ZZKBKACTAV9WEVGEMMVRZ")", R"("01hx5zzkbkactav9wevgemmvrz")"},
    {"Event", "url", R"("http://localhost:8080/x")", R"("http://localhost:8080/x")"},
    {"Event", "url", R"("https://example.com")", R"("https://example.com")"},
    {"Event", "url", R"("https://sub.example.org/a/b?c=d&e=f#frag")",
     R"("https://sub.example.org/a/b?c=d&e=f#frag")"},
    {"Event", "title", R"("<script>alert('x')</script>")", R"("<script>alert('x')</script>")"},
    {"Event", "dateTime", R"("2025-06-01T21:30:00+02:00")", R"("2025-06-01T19:30:00.000Z")"},
    {"Event", "dateTime", R"("2025-06-01")", R"("2025-06-01T00:00:00.000Z")"},
    {"Event", "location", R"("")", R"("")"},
    {"Event", "cost", "0", "0"},
    {"Event", "cost", "12.345", "12.345"},
    {"Event", "numOfExpectedAttendees", "0", "0"},
    {"Event", "numOfExpectedAttendees", "5000.0", "5000"},
    {"Event", "recurrence", R"("Daily")", R"("daily")"},
    {"Event", "tags", "[]", "[]"},
    {"Event", "tags", R"(["a'; DELETE FROM Event;--", "{\"$ne\": null}"])",
     R"(["a'; DELETE FROM Event;--", "{\"$ne\": null}"])"},
};

class DefaultSchemaAcceptTest : public ::testing::TestWithParam<Case> {};

TEST_P(DefaultSchemaAcceptTest, StoresTheCanonicalValue) {
    const auto& c = GetParam();
    const auto result =
        Validate(Entity(c.entity), With(c.entity, c.field, c.json_value), Mode::kCreate);
    ASSERT_TRUE(result) << c.field << "=" << c.json_value << ": " << Describe(Errors(result));
    EXPECT_EQ(result->at(c.field), boost::json::parse(c.message)) << c.json_value;
}

INSTANTIATE_TEST_SUITE_P(Events, DefaultSchemaAcceptTest, ::testing::ValuesIn(kAcceptCases),
                         CaseName);

TEST(DefaultSchemaTest, ValidUserAndEventPassInEveryMode) {
    for (const char* entity : {"User", "Event"}) {
        for (Mode mode : {Mode::kCreate, Mode::kReplace, Mode::kPatch}) {
            const auto result = Validate(Entity(entity), Base(entity), mode);
            EXPECT_TRUE(result) << entity << ": " << Describe(Errors(result));
        }
    }
}

TEST(DefaultSchemaTest, LengthBoundariesOfUserAndEventStrings) {
    struct Bound {
        const char* entity;
        const char* field;
        std::size_t max;
    };
    const Bound bounds[] = {
        {"User", "firstName", 100},
        {"User", "lastName", 100},
        {"Event", "title", 200},
        {"Event", "location", 200},
    };
    for (const auto& b : bounds) {
        Record record = Base(b.entity);
        record[b.field] = std::string(b.max, 'x');
        EXPECT_TRUE(Validate(Entity(b.entity), record, Mode::kCreate)) << b.field;
        record[b.field] = std::string(b.max + 1, 'x');
        const auto errors = Errors(Validate(Entity(b.entity), record, Mode::kCreate));
        ASSERT_EQ(errors.size(), 1u) << b.field;
        EXPECT_EQ(errors[0], (FieldError{b.field, "must be at most " + std::to_string(b.max) +
                                                      " characters"}));
        // Characters, not bytes: max two-byte characters still fit.
        std::string accented;
        for (std::size_t i = 0; i < b.max; ++i) {
            accented += "\xC3\xA9";
        }
        record[b.field] = accented;
        EXPECT_TRUE(Validate(Entity(b.entity), record, Mode::kCreate)) << b.field;
    }
}

TEST(DefaultSchemaTest, ManyUserErrorsAtOnceInFieldOrder) {
    const Record input = Object(R"({
        "role": "superuser",
        "email": "not-an-email",
        "isAccountOwner": "true",
        "netWorth": -5,
        "username": "al",
        "dob": "yesterday",
        "shoeSize": 44
    })");
    const auto errors = Errors(Validate(Entity("User"), input, Mode::kCreate));
    std::vector<std::string> fields;
    for (const auto& e : errors) {
        fields.push_back(e.field);
    }
    // Every problem is reported, declared fields in schema order, unknown fields last.
    const auto& entity = Entity("User");
    std::vector<std::string> expected_order;
    for (const auto& f : entity.fields()) {
        for (const char* name : {"username", "email", "password", "firstName", "lastName", "dob",
                                 "isAccountOwner", "netWorth", "role", "accountId"}) {
            if (f.name == name) {
                expected_order.push_back(name);
            }
        }
    }
    expected_order.push_back("shoeSize");
    EXPECT_EQ(fields, expected_order) << Describe(errors);
    for (const auto& e : errors) {
        if (e.field == "email") {
            EXPECT_EQ(e.message, "Bad email address format");
        } else if (e.field == "isAccountOwner") {
            EXPECT_EQ(e.message, "must be a boolean");
        } else if (e.field == "netWorth") {
            EXPECT_EQ(e.message, "must be >= 0");
        } else if (e.field == "accountId" || e.field == "password" || e.field == "firstName" ||
                   e.field == "lastName") {
            EXPECT_EQ(e.message, "is required");
        } else if (e.field == "shoeSize") {
            EXPECT_EQ(e.message, "is not a field of User");
        }
    }
}

TEST(DefaultSchemaTest, UserWithViewAndBuiltInsValidatesForReplace) {
    Record stored = Base("User");
    stored["id"] = "01hx5zzkbkactav9wevgemmvr0";
    stored["createdAt"] = "2025-01-01T00:00:00.000Z";
    stored["updatedAt"] = "2025-01-02T00:00:00.000Z";
    stored["account"] = Object(R"({"exists": true, "id": "01hx5zzkbkactav9wevgemmvrz",
                                   "expiredAt": "2030-01-01"})");
    const auto result = Validate(Entity("User"), stored, Mode::kReplace);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_FALSE(result->contains("id"));
    EXPECT_FALSE(result->contains("account"));
    EXPECT_EQ(result->at("accountId"), "01hx5zzkbkactav9wevgemmvrz");
}

TEST(DefaultSchemaTest, EventPatchChecksOnlyGivenFields) {
    const auto result =
        Validate(Entity("Event"), Object(R"({"recurrence": "MONTHLY", "cost": 0})"), Mode::kPatch);
    ASSERT_TRUE(result) << Describe(Errors(result));
    EXPECT_EQ(*result, Object(R"({"recurrence": "monthly", "cost": 0})"));

    const auto errors = Errors(
        Validate(Entity("Event"), Object(R"({"title": null, "url": "nope"})"), Mode::kPatch));
    const std::vector<FieldError> expected = {{"url", "Bad URL format"},
                                              {"title", "must not be null"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(DefaultSchemaTest, EmptyEventCreateNamesEveryRequiredField) {
    const auto errors = Errors(Validate(Entity("Event"), Record(), Mode::kCreate));
    const std::vector<FieldError> expected = {
        {"url", "is required"}, {"title", "is required"}, {"dateTime", "is required"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(DefaultSchemaTest, EventTagsReportEachBadElement) {
    const auto errors = Errors(Validate(
        Entity("Event"), With("Event", "tags", R"(["ok", 1, "fine", false])"), Mode::kCreate));
    const std::vector<FieldError> expected = {{"tags[1]", "must be a string"},
                                              {"tags[3]", "must be a string"}};
    EXPECT_EQ(errors, expected) << Describe(errors);
}

TEST(DefaultSchemaTest, PasswordIsValidatedAsPlainTextAndNeverEchoed) {
    const auto errors =
        Errors(Validate(Entity("User"), With("User", "password", R"("hunter2")"), Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0], (FieldError{"password", "must be at least 8 characters"}));
    EXPECT_EQ(errors[0].message.find("hunter2"), std::string::npos);
    const auto* password = Entity("User").FindField("password");
    ASSERT_NE(password, nullptr);
    EXPECT_TRUE(password->is_password);
}

TEST(DefaultSchemaTest, EmailPatternRunsInLinearTimeOnHostileInput) {
    // A classic catastrophic-backtracking shape; RE2 answers at once.
    Record record = Base("User");
    record["email"] = std::string(45, 'a') + "@" + std::string(3, 'a');
    const auto errors = Errors(Validate(Entity("User"), record, Mode::kCreate));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "email");
}

}  // namespace
}  // namespace ea::validate
