// Error statuses and the one error envelope over real sockets: 422 with every field error at once,
// 409 naming the unique field, the order of checks (422 before 409, 422 before 404), 415, 400 for
// malformed JSON, 413 for oversized bodies, and no partial write after any of them.
#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

class ErrorsTest : public ServerSuite {
protected:
    static json::object UserBody(const std::string& username) {
        return json::object{{"username", username},        {"email", username + "@example.org"},
                            {"password", "good-password"}, {"firstName", "Casey"},
                            {"lastName", "Tester"},        {"isAccountOwner", false},
                            {"accountId", "acc_demo_2"}};
    }

    static std::int64_t UserTotal() {
        auto response = Admin().Get("/api/user?pageSize=1");
        EXPECT_TRUE(IsListEnvelope(response));
        return response.Json().at("pagination").at("total").as_int64();
    }
};

TEST_F(ErrorsTest, ValidationReportsEveryFieldErrorAtOnce) {
    const auto before = UserTotal();
    json::object body{{"username", "ab"},         // too short
                      {"email", "not-an-email"},  // bad pattern
                      {"password", "secret-pass"}, {"firstName", "Casey"}, {"lastName", "Tester"},
                      {"isAccountOwner", "true"},  // a string, not a boolean
                      {"accountId", "acc_demo_1"}};
    auto response = Admin().Post("/api/user", body);
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "username"));
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "email"));
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "isAccountOwner"));
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "Bad email address format", "email"));
    EXPECT_EQ(response.Json().at("notifications").at("errors").as_array().size(), 3u)
        << ErrorText(response);
    EXPECT_EQ(response.body.find("secret-pass"), std::string::npos) << "never echo a password";
    EXPECT_EQ(UserTotal(), before);
}

TEST_F(ErrorsTest, MissingRequiredFieldsAreNamed) {
    auto response = Admin().Post("/api/event", json::object{{"title", "No url nor date"}});
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "url"));
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "dateTime"));
}

// firstName and lastName are required, as in the original schema: one error for each, no write.
TEST_F(ErrorsTest, UserWithoutFirstAndLastNameIs422NamingBoth) {
    const auto before = UserTotal();
    auto body = UserBody(UniqueId("noname"));
    body.erase("firstName");
    body.erase("lastName");
    auto response = Admin().Post("/api/user", body);
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "is required", "firstName"));
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "is required", "lastName"));
    EXPECT_EQ(response.Json().at("notifications").at("errors").as_array().size(), 2u)
        << ErrorText(response);
    EXPECT_EQ(UserTotal(), before);
}

TEST_F(ErrorsTest, DuplicateIs409NamingTheUniqueField) {
    const std::string username = UniqueId("dupuser");
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/user", UserBody(username)), 201));
    auto body = UserBody(username);
    body["email"] = UniqueId("other") + "@example.org";
    auto response = Admin().Post("/api/user", body);
    EXPECT_TRUE(IsError(response, 409, "conflict", "username"));
    auto listed = Admin().Get("/api/user?filter_matching=exact&filter=username:" + username);
    ASSERT_TRUE(IsListEnvelope(listed));
    EXPECT_EQ(RowsOf(listed).size(), 1u);

    // A compound unique (Profile: name + userId) names both fields.
    const std::string name = UniqueId("Weekend");
    json::object profile{{"name", name}, {"userId", "usr_demo_3"}};
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/profile", profile), 201));
    auto again = Admin().Post("/api/profile", profile);
    EXPECT_TRUE(IsError(again, 409, "conflict", "name"));
    EXPECT_NE(ErrorText(again).find("userId"), std::string::npos) << ErrorText(again);
}

TEST_F(ErrorsTest, MissingReferenceIs422AndBeatsADuplicate) {
    const std::string username = UniqueId("refuser");
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/user", UserBody(username)), 201));
    // Same username (a duplicate) and an account that does not exist: the reference wins.
    auto body = UserBody(username);
    body["accountId"] = "acc_does_not_exist";
    auto response = Admin().Post("/api/user", body);
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "accountId"));
    EXPECT_NE(ErrorText(response).find("acc_does_not_exist"), std::string::npos)
        << ErrorText(response);
}

TEST_F(ErrorsTest, UnknownBodyFieldIs422NamingIt) {
    auto body = UserBody(UniqueId("unknownfield"));
    body["favouriteColour"] = "green";
    auto response = Admin().Post("/api/user", body);
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "favouriteColour"));
}

TEST_F(ErrorsTest, PutWithABadBodyOnAMissingIdIs422Not404) {
    auto response = Admin().Put("/api/event/evt_never_existed", json::object{{"title", 5}});
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "title"));
    auto good = Admin().Put("/api/event/evt_never_existed",
                            json::object{{"url", "https://example.com/x"},
                                         {"title", "ok"},
                                         {"dateTime", "2025-01-01T00:00:00Z"}});
    EXPECT_TRUE(IsError(good, 404, "not_found", "evt_never_existed"));
}

TEST_F(ErrorsTest, WrongContentTypeIs415) {
    const std::string body = json::serialize(UserBody(UniqueId("ctype")));
    for (const char* type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
        auto response = Admin().Send("POST", "/api/user", body, type);
        EXPECT_TRUE(IsError(response, 415, "", "application/json")) << "'" << type << "'";
    }
    auto charset = Admin().Send("POST", "/api/account", R"({"id":")" + UniqueId("cs") + "\"}",
                                "application/json; charset=utf-8");
    EXPECT_TRUE(IsSuccess(charset, 201));
    auto put = Admin().Send("PUT", "/api/event/evt_demo_1", "{}", "text/json");
    EXPECT_TRUE(IsError(put, 415));
}

TEST_F(ErrorsTest, MalformedJsonIs400WithTheSameEnvelope) {
    const auto before = UserTotal();
    for (const char* body : {"{", "{\"username\": }", "not json", "{\"a\":1}}", "\xff\xfe"}) {
        auto response = Admin().Send("POST", "/api/user", body);
        EXPECT_TRUE(IsError(response, 400, "invalid_argument", "JSON")) << body;
    }
    EXPECT_TRUE(IsError(Admin().Send("POST", "/api/user", ""), 400, "invalid_argument"));
    EXPECT_TRUE(IsError(Admin().Send("POST", "/api/user", "[1,2]"), 400, "invalid_argument"));
    EXPECT_TRUE(IsError(Admin().Send("PATCH", "/api/event/evt_demo_1", "\"text\""), 400,
                        "invalid_argument"));
    std::string deep(100, '[');
    deep += std::string(100, ']');
    EXPECT_TRUE(IsError(Admin().Send("POST", "/api/user", deep), 400, "invalid_argument"));
    EXPECT_EQ(UserTotal(), before);
}

TEST_F(ErrorsTest, OversizedBodyIs413) {
    std::string big = R"({"title":")" + std::string(2 * 1024 * 1024, 'x') + "\"}";
    auto response = Admin().Send("POST", "/api/event", big);
    EXPECT_TRUE(IsError(response, 413)) << Describe(response);
    // The server is still fine afterwards.
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1")));
}

TEST_F(ErrorsTest, WrongTypesAreNamedPerField) {
    auto response = Admin().Post("/api/event", json::object{{"url", "https://example.com/t"},
                                                            {"title", "Types"},
                                                            {"dateTime", "yesterday"},
                                                            {"cost", "free"},
                                                            {"numOfExpectedAttendees", 1.5},
                                                            {"tags", "music"},
                                                            {"recurrence", "hourly"}});
    for (const char* field : {"dateTime", "cost", "numOfExpectedAttendees", "tags", "recurrence"}) {
        EXPECT_TRUE(IsError(response, 422, "validation_failed", "", field)) << field;
    }
}

TEST_F(ErrorsTest, InvalidClientIdIs422) {
    auto response = Admin().Post("/api/account", json::object{{"id", "has spaces/and slash"}});
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "id"));
}

TEST_F(ErrorsTest, MethodNotRoutedIs405) {
    auto response = Admin().Send("PUT", "/api/event", "{}");
    EXPECT_EQ(response.status, 405) << Describe(response);
    EXPECT_FALSE(response.Header("Allow").empty());
    EXPECT_TRUE(IsError(response, 405));
}

TEST_F(ErrorsTest, FieldRulesAreCheckedPerType) {
    auto body = UserBody(UniqueId("rules"));
    body["netWorth"] = 12.345;   // Currency: at most two decimals
    body["gender"] = "robot";    // not in the enum
    body["dob"] = "2020-02-30";  // not a calendar date
    body["firstName"] = "Al";    // below min_length
    auto response = Admin().Post("/api/user", body);
    for (const char* field : {"netWorth", "gender", "dob", "firstName"}) {
        EXPECT_TRUE(IsError(response, 422, "validation_failed", "", field)) << field;
    }
    auto tags = Admin().Post("/api/event", json::object{{"url", "https://example.com/t"},
                                                        {"title", "Tags"},
                                                        {"dateTime", "2025-01-01"},
                                                        {"tags", json::array{"ok", 5}}});
    EXPECT_TRUE(IsError(tags, 422, "validation_failed"));
    EXPECT_NE(ErrorText(tags).find("tags"), std::string::npos) << ErrorText(tags);
    auto affinity = Admin().Post(
        "/api/tagaffinity",
        json::object{{"tag", "music"}, {"affinity", 101}, {"profileId", "prf_demo_1"}});
    EXPECT_TRUE(IsError(affinity, 422, "validation_failed", "", "affinity"));
    auto url = Admin().Post("/api/url", json::object{{"url", "javascript:alert(1)"}});
    EXPECT_TRUE(IsError(url, 422, "validation_failed", "Bad URL format", "url"));
}

TEST_F(ErrorsTest, IdsThatCannotExistAre404) {
    EXPECT_TRUE(IsError(Admin().Get("/api/event/" + std::string(200, 'a')), 404, "not_found"));
    EXPECT_TRUE(IsError(Admin().Get("/api/event/a%20b"), 404, "not_found"));
    EXPECT_TRUE(IsError(Admin().Get("/api/event/%27%20OR%201%3D1"), 404, "not_found"));
}

TEST_F(ErrorsTest, NullForARequiredFieldIsAValidationError) {
    auto response = Admin().Post(
        "/api/event",
        json::object{{"url", nullptr}, {"title", "Null url"}, {"dateTime", "2025-01-01"}});
    EXPECT_TRUE(IsError(response, 422, "validation_failed", "", "url"));
}

}  // namespace
}  // namespace ea::integration
