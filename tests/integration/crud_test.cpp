// Entity routes over real sockets: list, get, create, replace, patch, delete, their envelopes, and
// the details clients rely on (case-insensitive names and ids, trailing slash, 405 with Allow).
#include <atomic>
#include <thread>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

class CrudTest : public ServerSuite {
protected:
    // A valid Event body with a title unique to the test.
    static json::object EventBody(const std::string& title) {
        return json::object{{"url", "https://example.com/events/1"},
                            {"title", title},
                            {"dateTime", "2025-06-01T18:30:00Z"},
                            {"location", "Austin, TX"},
                            {"cost", 12.5},
                            {"tags", json::array{"music", "free"}}};
    }

    static json::object UserBody(const std::string& username) {
        return json::object{{"username", username},          {"email", username + "@example.org"},
                            {"password", "s3cret-password"}, {"firstName", "Casey"},
                            {"lastName", "Tester"},          {"isAccountOwner", false},
                            {"accountId", "acc_demo_1"}};
    }

    // Creates an Event and returns its record (fails the test when it cannot).
    static json::object CreateEvent(const json::object& body) {
        auto response = Admin().Post("/api/event", body);
        EXPECT_TRUE(IsSuccess(response, 201));
        auto data = DataOf(response);
        return data.is_object() ? data.as_object() : json::object();
    }
};

TEST_F(CrudTest, ListReturnsTheListEnvelopeWithDefaultPaging) {
    auto response = Admin().Get("/api/event");
    ASSERT_TRUE(IsListEnvelope(response));
    auto body = response.Json().as_object();
    const auto& pagination = body.at("pagination").as_object();
    EXPECT_EQ(pagination.at("page").as_int64(), 1);
    EXPECT_EQ(pagination.at("pageSize").as_int64(), 25);
    EXPECT_GE(pagination.at("total").as_int64(), 1000);  // the demo data has 1,000 events
    EXPECT_EQ(RowsOf(response).size(), 25u);
    EXPECT_TRUE(body.at("notifications").is_object());
    // Default order is by id.
    auto ids = IdsOf(response);
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << ::testing::PrintToString(ids);
}

TEST_F(CrudTest, GetByIdReturnsTheRecordEnvelope) {
    auto response = Admin().Get("/api/event/evt_demo_3");
    ASSERT_TRUE(IsSuccess(response));
    auto data = DataOf(response).as_object();
    EXPECT_EQ(data.at("id"), "evt_demo_3");
    EXPECT_TRUE(data.at("title").is_string());
    EXPECT_TRUE(data.at("url").is_string());
    EXPECT_TRUE(data.at("dateTime").is_string());
    EXPECT_TRUE(data.contains("createdAt"));
    EXPECT_TRUE(data.contains("updatedAt"));
    EXPECT_FALSE(response.Json().as_object().contains("pagination"));
}

TEST_F(CrudTest, EntityNamesAreCaseInsensitive) {
    auto lower = Admin().Get("/api/user?pageSize=1");
    auto mixed = Admin().Get("/api/User?pageSize=1");
    auto upper = Admin().Get("/api/USER?pageSize=1");
    ASSERT_TRUE(IsListEnvelope(lower));
    ASSERT_TRUE(IsListEnvelope(mixed));
    ASSERT_TRUE(IsListEnvelope(upper));
    EXPECT_EQ(lower.Json().at("pagination"), mixed.Json().at("pagination"));
    EXPECT_EQ(IdsOf(lower), IdsOf(upper));

    auto affinity = Admin().Get("/api/tagaffinity?pageSize=5");
    ASSERT_TRUE(IsListEnvelope(affinity));
    EXPECT_EQ(affinity.Json().at("pagination").at("total").as_int64(), 60);
    auto affinity_camel = Admin().Get("/api/TagAffinity/tag_demo_0");
    ASSERT_TRUE(IsSuccess(affinity_camel));
    EXPECT_EQ(DataOf(affinity_camel).at("id"), "tag_demo_0");
}

TEST_F(CrudTest, TrailingSlashIsServedLikeThePathWithoutIt) {
    auto plain = Admin().Get("/api/account");
    auto slash = Admin().Get("/api/account/");
    ASSERT_TRUE(IsListEnvelope(plain));
    ASSERT_TRUE(IsListEnvelope(slash));
    EXPECT_EQ(IdsOf(plain), IdsOf(slash));

    auto item = Admin().Get("/api/account/acc_demo_2/");
    ASSERT_TRUE(IsSuccess(item));
    EXPECT_EQ(DataOf(item).at("id"), "acc_demo_2");

    const std::string id = UniqueId("slash");
    auto created = Admin().Post("/api/account/", json::object{{"id", id}});
    ASSERT_TRUE(IsSuccess(created, 201));
    EXPECT_EQ(Str(DataOf(created).at("id")), id);
}

TEST_F(CrudTest, UnknownEntityIs404NamingIt) {
    auto response = Admin().Get("/api/nosuchthing");
    EXPECT_TRUE(IsError(response, 404, "not_found", "nosuchthing"));
    auto item = Admin().Get("/api/nosuchthing/abc");
    EXPECT_TRUE(IsError(item, 404, "not_found", "nosuchthing"));
    auto post = Admin().Post("/api/nosuchthing", json::object{{"a", 1}});
    EXPECT_TRUE(IsError(post, 404, "not_found", "nosuchthing"));
}

TEST_F(CrudTest, MissingIdIs404NamingEntityAndId) {
    auto response = Admin().Get("/api/event/evt_missing_42");
    EXPECT_TRUE(IsError(response, 404, "not_found", "Event"));
    EXPECT_TRUE(IsError(response, 404, "not_found", "evt_missing_42"));
    auto patch = Admin().Patch("/api/event/evt_missing_42", json::object{{"title", "x"}});
    EXPECT_TRUE(IsError(patch, 404, "not_found", "evt_missing_42"));
}

TEST_F(CrudTest, PostReturns201WithTheSavedRecordAndAGeneratedId) {
    const std::string title = "Created " + UniqueId("evt");
    auto response = Admin().Post("/api/event", EventBody(title));
    ASSERT_TRUE(IsSuccess(response, 201));
    auto data = DataOf(response).as_object();
    ASSERT_TRUE(data.at("id").is_string());
    const std::string id(data.at("id").as_string());
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(Str(data.at("title")), title);
    EXPECT_EQ(data.at("location"), "Austin, TX");
    EXPECT_EQ(data.at("tags"), (json::array{"music", "free"}));
    EXPECT_EQ(data.at("dateTime"), "2025-06-01T18:30:00.000Z");  // canonical form
    EXPECT_EQ(data.at("createdAt"), data.at("updatedAt"));

    auto fetched = Admin().Get("/api/event/" + id);
    ASSERT_TRUE(IsSuccess(fetched));
    EXPECT_EQ(DataOf(fetched), DataOf(response));
}

TEST_F(CrudTest, ClientSuppliedIdIsKeptAndLowerCased) {
    const std::string id = UniqueId("MyEvent");
    std::string lower = id;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto body = EventBody("Client id");
    body["id"] = id;
    auto response = Admin().Post("/api/event", body);
    ASSERT_TRUE(IsSuccess(response, 201));
    EXPECT_EQ(Str(DataOf(response).at("id")), lower);

    // Ids match case-insensitively.
    auto by_upper = Admin().Get("/api/event/" + id);
    ASSERT_TRUE(IsSuccess(by_upper));
    EXPECT_EQ(Str(DataOf(by_upper).at("id")), lower);

    // The same id again (any case) is a duplicate.
    auto again = Admin().Post("/api/event", body);
    EXPECT_TRUE(IsError(again, 409, "conflict"));
}

TEST_F(CrudTest, PutReplacesTheWholeRecordAndKeepsCreatedAt) {
    auto created = CreateEvent(EventBody("Before replace"));
    const std::string id(created.at("id").as_string());

    json::object replacement{{"url", "https://example.com/replaced"},
                             {"title", "After replace"},
                             {"dateTime", "2026-01-02T03:04:05Z"},
                             {"createdAt", "1999-01-01T00:00:00.000Z"}};  // ignored
    auto response = Admin().Put("/api/event/" + id, replacement);
    ASSERT_TRUE(IsSuccess(response));
    auto data = DataOf(response).as_object();
    EXPECT_EQ(Str(data.at("id")), id);
    EXPECT_EQ(data.at("title"), "After replace");
    EXPECT_EQ(data.at("url"), "https://example.com/replaced");
    EXPECT_EQ(data.at("createdAt"), created.at("createdAt"));  // fix: kept
    EXPECT_GE(std::string(data.at("updatedAt").as_string()),
              std::string(created.at("updatedAt").as_string()));
    // Full replacement: fields the body leaves out are gone.
    const auto* location = data.if_contains("location");
    EXPECT_TRUE(location == nullptr || location->is_null()) << json::serialize(data);
    const auto* tags = data.if_contains("tags");
    EXPECT_TRUE(tags == nullptr || tags->is_null()) << json::serialize(data);

    auto fetched = Admin().Get("/api/event/" + id);
    EXPECT_EQ(DataOf(fetched), DataOf(response));
}

TEST_F(CrudTest, PatchChangesOnlyTheGivenFields) {
    auto created = CreateEvent(EventBody("Before patch"));
    const std::string id(created.at("id").as_string());
    auto response =
        Admin().Patch("/api/event/" + id, json::object{{"title", "After patch"}, {"cost", 0}});
    ASSERT_TRUE(IsSuccess(response));
    auto data = DataOf(response).as_object();
    EXPECT_EQ(data.at("title"), "After patch");
    EXPECT_EQ(data.at("cost").to_number<double>(), 0.0);
    EXPECT_EQ(data.at("location"), "Austin, TX");
    EXPECT_EQ(data.at("url"), created.at("url"));
    EXPECT_EQ(data.at("tags"), created.at("tags"));
    EXPECT_EQ(data.at("createdAt"), created.at("createdAt"));

    // Patch validates what it is given: a bad value is 422 and nothing changes.
    auto bad = Admin().Patch("/api/event/" + id, json::object{{"cost", -1}});
    EXPECT_TRUE(IsError(bad, 422, "validation_failed", "", "cost"));
    EXPECT_EQ(DataOf(Admin().Get("/api/event/" + id)), DataOf(response));
}

TEST_F(CrudTest, DeleteReturnsTheRecordAndIsIdempotent) {
    auto created = CreateEvent(EventBody("To delete"));
    const std::string id(created.at("id").as_string());

    auto deleted = Admin().Delete("/api/event/" + id);
    ASSERT_TRUE(IsSuccess(deleted));
    EXPECT_EQ(Str(DataOf(deleted).at("id")), id);
    EXPECT_EQ(DataOf(deleted).at("title"), "To delete");

    EXPECT_TRUE(IsError(Admin().Get("/api/event/" + id), 404, "not_found", id));

    auto again = Admin().Delete("/api/event/" + id);
    ASSERT_TRUE(IsSuccess(again));
    auto data = DataOf(again);
    EXPECT_TRUE(data.is_null() || (data.is_object() && data.as_object().empty()))
        << Describe(again);

    // DELETE ignores its query string.
    auto with_query = Admin().Delete("/api/event/" + id + "?bogus=1&page=x");
    EXPECT_TRUE(IsSuccess(with_query));
}

TEST_F(CrudTest, DeleteOnUserIs405WithAllow) {
    auto response = Admin().Delete("/api/user/usr_demo_1");
    EXPECT_TRUE(IsError(response, 405, "method_not_allowed"));
    const std::string allow = response.Header("Allow");
    EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
    EXPECT_NE(allow.find("PUT"), std::string::npos) << allow;
    EXPECT_NE(allow.find("PATCH"), std::string::npos) << allow;
    EXPECT_EQ(allow.find("DELETE"), std::string::npos) << allow;
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/user/usr_demo_1")));  // still there

    // Even for an id that does not exist: the method is what is refused.
    auto missing = Admin().Delete("/api/user/usr_nobody");
    EXPECT_TRUE(IsError(missing, 405, "method_not_allowed"));
    EXPECT_FALSE(missing.Header("Allow").empty());
}

TEST_F(CrudTest, WritesOnCrawlAre405WithAllow) {
    // Crawl is `rd`: its collection allows reads only, an item reads and DELETE.
    auto post = Admin().Post("/api/crawl", json::object{{"urlId", "url_demo_1"}});
    EXPECT_TRUE(IsError(post, 405, "method_not_allowed"));
    EXPECT_EQ(post.Header("Allow"), "GET, HEAD");
    auto delete_all = Admin().Delete("/api/crawl");
    EXPECT_TRUE(IsError(delete_all, 405, "method_not_allowed")) << Describe(delete_all);
    EXPECT_EQ(delete_all.Header("Allow"), "GET, HEAD");

    auto put = Admin().Put("/api/crawl/crl_demo_1", json::object{{"urlId", "url_demo_1"}});
    EXPECT_TRUE(IsError(put, 405, "method_not_allowed"));
    EXPECT_EQ(put.Header("Allow"), "GET, HEAD, DELETE");
    auto patch = Admin().Patch("/api/crawl/crl_demo_1", json::object{{"urlId", "url_demo_1"}});
    EXPECT_TRUE(IsError(patch, 405, "method_not_allowed"));
    EXPECT_EQ(patch.Header("Allow"), "GET, HEAD, DELETE");
    auto post_item = Admin().Post("/api/crawl/crl_demo_1", json::object{{"urlId", "url_demo_1"}});
    EXPECT_TRUE(IsError(post_item, 405, "method_not_allowed")) << Describe(post_item);
    EXPECT_EQ(post_item.Header("Allow"), "GET, HEAD, DELETE");
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/crawl/crl_demo_1")));  // refused writes changed nothing
    // An unknown entity stays 404, whatever the method.
    EXPECT_TRUE(IsError(Admin().Delete("/api/nosuchthing"), 404, "not_found", "nosuchthing"));

    // Reading and deleting a crawl work (crl_demo_39: no other test uses it).
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/crawl")));
    ASSERT_TRUE(IsSuccess(Admin().Get("/api/crawl/crl_demo_39")));
    auto deleted = Admin().Delete("/api/crawl/crl_demo_39");
    ASSERT_TRUE(IsSuccess(deleted));
    EXPECT_EQ(Str(DataOf(deleted).at("id")), "crl_demo_39");
    EXPECT_TRUE(IsError(Admin().Get("/api/crawl/crl_demo_39"), 404, "not_found"));
}

TEST_F(CrudTest, ListParametersAreCheckedButIgnoredOnGetPostAndPut) {
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1?page=3&sort=title:desc")));
    EXPECT_TRUE(IsError(Admin().Get("/api/event/evt_demo_1?bogus=1"), 400, "invalid_argument",
                        "page, pageSize, sort, filter, view, filter_matching"));
    EXPECT_TRUE(IsError(Admin().Get("/api/event/evt_demo_1?page=0"), 400, "", "", "page"));

    auto created = Admin().Post("/api/event?pageSize=5", EventBody("Params ignored"));
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id(DataOf(created).at("id").as_string());
    auto bad_post = Admin().Post("/api/event?nope=1", EventBody("Params checked"));
    EXPECT_TRUE(IsError(bad_post, 400, "invalid_argument"));
    auto bad_put = Admin().Put("/api/event/" + id + "?sort=nosuchfield", EventBody("x"));
    EXPECT_TRUE(IsError(bad_put, 400, "invalid_argument"));
    EXPECT_EQ(DataOf(Admin().Get("/api/event/" + id)).at("title"), "Params ignored");
}

TEST_F(CrudTest, PasswordIsNeverReturned) {
    const std::string username = UniqueId("pwuser");
    auto created = Admin().Post("/api/user", UserBody(username));
    ASSERT_TRUE(IsSuccess(created, 201));
    EXPECT_EQ(created.body.find("s3cret-password"), std::string::npos);
    EXPECT_FALSE(DataOf(created).as_object().contains("password")) << created.body;
    const std::string id(DataOf(created).at("id").as_string());

    auto fetched = Admin().Get("/api/user/" + id);
    ASSERT_TRUE(IsSuccess(fetched));
    EXPECT_FALSE(DataOf(fetched).as_object().contains("password")) << fetched.body;

    auto list = Admin().Get("/api/user?pageSize=1000");
    ASSERT_TRUE(IsListEnvelope(list));
    EXPECT_EQ(list.body.find("\"password\""), std::string::npos);
    EXPECT_EQ(list.body.find("argon2"), std::string::npos);

    auto patched = Admin().Patch("/api/user/" + id, json::object{{"firstName", "Patched"}});
    ASSERT_TRUE(IsSuccess(patched));
    EXPECT_FALSE(DataOf(patched).as_object().contains("password")) << patched.body;

    // The new user can log in (the password was stored hashed, not lost), and /me hides it too.
    const std::string token = LoginToken(port(), username, "s3cret-password");
    ASSERT_FALSE(token.empty());
    auto me = Api(port(), token).Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me));
    EXPECT_EQ(Str(DataOf(me).at("username")), username);
    EXPECT_FALSE(DataOf(me).as_object().contains("password")) << me.body;
}

TEST_F(CrudTest, PutWithoutThePasswordKeepsIt) {
    const std::string username = UniqueId("putuser");
    auto created = Admin().Post("/api/user", UserBody(username));
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id(DataOf(created).at("id").as_string());

    auto body = UserBody(username);
    body.erase("password");
    body["firstName"] = "Replaced";
    auto replaced = Admin().Put("/api/user/" + id, body);
    ASSERT_TRUE(IsSuccess(replaced));
    EXPECT_EQ(DataOf(replaced).at("firstName"), "Replaced");
    EXPECT_FALSE(DataOf(replaced).as_object().contains("password"));
    EXPECT_FALSE(LoginToken(port(), username, "s3cret-password").empty());
}

TEST_F(CrudTest, RoundTrippedRecordIsAcceptedWithServerFieldsIgnored) {
    auto created = CreateEvent(EventBody("Round trip"));
    const std::string id(created.at("id").as_string());
    // What a client got from GET ?view=… goes back unchanged apart from one edit.
    auto viewed = Admin().Get("/api/userevent?filter=id:uev_demo_1&view=user(id,username)");
    ASSERT_TRUE(IsListEnvelope(viewed));
    ASSERT_EQ(RowsOf(viewed).size(), 1u);

    json::object body = created;
    body["title"] = "Round trip edited";
    body["updatedAt"] = "2000-01-01T00:00:00.000Z";
    body["createdAt"] = "2000-01-01T00:00:00.000Z";
    auto put = Admin().Put("/api/event/" + id, body);
    ASSERT_TRUE(IsSuccess(put));
    EXPECT_EQ(DataOf(put).at("title"), "Round trip edited");
    EXPECT_EQ(DataOf(put).at("createdAt"), created.at("createdAt"));
    EXPECT_NE(DataOf(put).at("updatedAt"), "2000-01-01T00:00:00.000Z");

    json::object user_event = RowsOf(viewed)[0].as_object();
    ASSERT_TRUE(user_event.contains("user")) << viewed.body;  // the view sub-object
    user_event["rating"] = 4;
    auto patched = Admin().Patch("/api/userevent/uev_demo_1", user_event);
    ASSERT_TRUE(IsSuccess(patched));
    EXPECT_EQ(DataOf(patched).at("rating").to_number<int>(), 4);
    EXPECT_FALSE(DataOf(patched).as_object().contains("user")) << patched.body;
}

TEST_F(CrudTest, BatchPostCreatesAllOrNothing) {
    const std::string a = UniqueId("batch");
    const std::string b = UniqueId("batch");
    auto response =
        Admin().Post("/api/account", json::array{json::object{{"id", a}}, json::object{{"id", b}}});
    ASSERT_TRUE(IsSuccess(response, 201));
    ASSERT_TRUE(DataOf(response).is_array());
    EXPECT_EQ(DataOf(response).as_array().size(), 2u);

    const std::string c = UniqueId("batch");
    auto bad = Admin().Post("/api/account", json::array{json::object{{"id", c}},
                                                        json::object{{"expiredAt", "not a date"}}});
    EXPECT_TRUE(IsError(bad, 422, "validation_failed"));
    EXPECT_TRUE(IsError(Admin().Get("/api/account/" + c), 404, "not_found"));
}

TEST_F(CrudTest, HeadAnswersLikeGetWithoutABody) {
    auto get = Admin().Get("/api/event/evt_demo_5");
    ASSERT_TRUE(IsSuccess(get));
    ea::testing::HttpConnection connection(port());
    ASSERT_TRUE(connection.Send(ea::testing::FormatRequest(
        "HEAD", "/api/event/evt_demo_5", {{"Authorization", "Bearer " + admin_token()}}, "")));
    auto head = connection.Read(std::chrono::seconds(5), /*head_request=*/true);
    EXPECT_EQ(head.status, 200) << Describe(head);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.Header("Content-Length"), get.Header("Content-Length"));
}

TEST_F(CrudTest, EveryResponseCarriesARequestId) {
    auto ok = Admin().Get("/api/event/evt_demo_1");
    auto missing = Admin().Get("/api/event/evt_nope");
    auto anonymous = Anonymous().Get("/api/event");
    for (const auto* response : {&ok, &missing, &anonymous}) {
        EXPECT_FALSE(response->Header("X-Request-Id").empty()) << Describe(*response);
    }
    EXPECT_NE(ok.Header("X-Request-Id"), missing.Header("X-Request-Id"));
}

TEST_F(CrudTest, UnicodeRoundTripsIntact) {
    const std::string title = "Caf\u00e9 \u65e5\u672c \U0001F3B7 \"quoted\" back\\slash";
    auto created = Admin().Post("/api/event", EventBody(title));
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id(DataOf(created).at("id").as_string());
    EXPECT_EQ(Str(DataOf(Admin().Get("/api/event/" + id)).at("title")), title);
    // Contains-matching finds it by a non-ASCII piece.
    auto found =
        Admin().Get("/api/event?filter=" + ea::testing::UrlEncode("title:\u65e5\u672c \U0001F3B7"));
    ASSERT_TRUE(IsListEnvelope(found));
    EXPECT_EQ(IdsOf(found), std::vector<std::string>{id});
}

TEST_F(CrudTest, PatchingThePasswordReplacesIt) {
    const std::string username = UniqueId("pwchange");
    auto created = Admin().Post("/api/user", UserBody(username));
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id(DataOf(created).at("id").as_string());
    auto patched = Admin().Patch("/api/user/" + id, json::object{{"password", "brand-new-pass"}});
    ASSERT_TRUE(IsSuccess(patched));
    EXPECT_FALSE(DataOf(patched).as_object().contains("password"));
    EXPECT_FALSE(LoginToken(port(), username, "brand-new-pass").empty());
    auto old = Anonymous().Post(
        "/user/auth/login", json::object{{"username", username}, {"password", "s3cret-password"}});
    EXPECT_TRUE(IsError(old, 401, "unauthenticated"));
    auto short_one = Admin().Patch("/api/user/" + id, json::object{{"password", "short"}});
    EXPECT_TRUE(IsError(short_one, 422, "validation_failed", "", "password"));
    EXPECT_EQ(short_one.body.find("short\""), std::string::npos) << "the password was echoed";
}

TEST_F(CrudTest, DeletingAnEventCascadesToItsUserEvents) {
    auto event = CreateEvent(EventBody("Cascade parent"));
    const std::string event_id(event.at("id").as_string());
    auto attendance =
        Admin().Post("/api/userevent",
                     json::object{{"userId", "usr_demo_2"}, {"eventId", event_id}, {"rating", 5}});
    ASSERT_TRUE(IsSuccess(attendance, 201));
    const std::string attendance_id(DataOf(attendance).at("id").as_string());
    ASSERT_TRUE(IsSuccess(Admin().Delete("/api/event/" + event_id)));
    EXPECT_TRUE(IsError(Admin().Get("/api/userevent/" + attendance_id), 404, "not_found"));
}

TEST_F(CrudTest, DeletingAnAccountWithUsersIsRefused) {
    const std::string account = UniqueId("acc_restrict");
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/account", json::object{{"id", account}}), 201));
    auto body = UserBody(UniqueId("restrict"));
    body["accountId"] = account;
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/user", body), 201));
    auto refused = Admin().Delete("/api/account/" + account);
    EXPECT_TRUE(IsError(refused, 409, "conflict", "User")) << Describe(refused);
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/account/" + account)));
}

TEST_F(CrudTest, ConcurrentCreatesOfOneUniqueValueLetExactlyOneWin) {
    const std::string username = UniqueId("race");
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    std::atomic<int> others{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto body = UserBody(username);
            body["email"] = username + "." + std::to_string(i) + "@example.org";
            auto response = Admin().Post("/api/user", body);
            if (response.status == 201) {
                ++created;
            } else if (IsError(response, 409, "conflict", "username")) {
                ++conflicts;
            } else {
                ++others;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), 7);
    EXPECT_EQ(others.load(), 0);
}

TEST_F(CrudTest, WritesFindRecordsByIdInAnyCase) {
    const std::string id = UniqueId("casewrite");
    auto body = EventBody("Case write");
    body["id"] = id;
    ASSERT_TRUE(IsSuccess(Admin().Post("/api/event", body), 201));
    std::string upper = id;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    auto patched = Admin().Patch("/api/event/" + upper, json::object{{"title", "Patched"}});
    ASSERT_TRUE(IsSuccess(patched));
    EXPECT_EQ(Str(DataOf(patched).at("id")), id);
    body["title"] = "Replaced";
    auto replaced = Admin().Put("/api/event/" + upper, body);
    ASSERT_TRUE(IsSuccess(replaced));
    EXPECT_EQ(Str(DataOf(replaced).at("id")), id);
    auto deleted = Admin().Delete("/api/event/" + upper);
    ASSERT_TRUE(IsSuccess(deleted));
    EXPECT_EQ(Str(DataOf(deleted).at("id")), id);
    EXPECT_TRUE(IsError(Admin().Get("/api/event/" + id), 404, "not_found"));
}

}  // namespace
}  // namespace ea::integration
