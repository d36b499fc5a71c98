// Sessions over real sockets: login (cookie and bearer), identical failures, rate limiting,
// logout, refresh, expiry, /me on both path spellings, and which routes need a session or admin.
#include <chrono>
#include <thread>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

class AuthTest : public ServerSuite {
protected:
    static HttpResponse Login(std::string_view path, std::string_view username,
                              std::string_view password) {
        return Anonymous().Post(path, json::object{{"username", username}, {"password", password}});
    }

    // A fresh user (role read) with `password`; returns its username.
    static std::string NewUser(const std::string& password) {
        const std::string username = UniqueId("auth");
        auto created = Admin().Post("/api/user", json::object{{"username", username},
                                                              {"email", username + "@example.org"},
                                                              {"password", password},
                                                              {"firstName", "Casey"},
                                                              {"lastName", "Tester"},
                                                              {"isAccountOwner", false},
                                                              {"accountId", "acc_demo_0"}});
        EXPECT_TRUE(IsSuccess(created, 201));
        return username;
    }

    // The error envelope minus anything that may legitimately differ per request.
    static std::string Canonical(const HttpResponse& response) {
        return std::to_string(response.status) + " " + json::serialize(response.Json());
    }
};

TEST_F(AuthTest, RoutesWithoutASessionAre401) {
    const std::pair<const char*, const char*> routes[] = {
        {"GET", "/api/event"},
        {"GET", "/api/event/evt_demo_1"},
        {"POST", "/api/event"},
        {"PUT", "/api/event/evt_demo_1"},
        {"PATCH", "/api/event/evt_demo_1"},
        {"DELETE", "/api/event/evt_demo_1"},
        {"GET", "/api/metadata"},
        {"GET", "/api/db/report"},
        {"GET", "/api/db/init"},
        {"POST", "/api/db/init/confirmed"},
        {"GET", "/user/auth/me"},
        {"GET", "/api/user/auth/me"},
        {"POST", "/user/auth/logout"},
        {"POST", "/api/user/auth/refresh"},
        {"GET", "/api/nosuchentity"},
    };
    for (const auto& [method, path] : routes) {
        auto response = Anonymous().Send(method, path, "{}");
        EXPECT_TRUE(IsError(response, 401, "unauthenticated")) << method << " " << path;
    }
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1")));  // nothing was deleted
}

TEST_F(AuthTest, OpenRoutesNeedNoSession) {
    for (const char* path : {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"}) {
        auto response = Anonymous().Get(path);
        EXPECT_EQ(response.status, 200) << path << ": " << Describe(response);
    }
}

TEST_F(AuthTest, InvalidTokenIs401) {
    for (const char* token : {"not-a-real-token", "x", "Bearer"}) {
        auto response = Api(port(), token).Get("/api/event?pageSize=1");
        EXPECT_TRUE(IsError(response, 401, "unauthenticated")) << token;
    }
    auto cookie = Anonymous().Get("/api/event", {{"Cookie", "sessionId=forged"}});
    EXPECT_TRUE(IsError(cookie, 401, "unauthenticated"));
    auto basic = Anonymous().Get("/api/event", {{"Authorization", "Basic YWRtaW46YWRtaW4="}});
    EXPECT_TRUE(IsError(basic, 401, "unauthenticated"));
}

TEST_F(AuthTest, LoginSetsAnHttpOnlyLaxCookieAndReturnsTheToken) {
    auto response = Login("/user/auth/login", "admin", kAdminPassword);
    ASSERT_EQ(response.status, 200) << Describe(response);
    auto body = response.Json();
    EXPECT_EQ(body.at("success"), true);
    EXPECT_EQ(body.at("message"), "Login successful");
    const std::string token(body.at("token").as_string());
    EXPECT_GE(token.size(), 43u);  // 256 random bits, encoded

    const auto cookies = response.HeaderValues("Set-Cookie");
    ASSERT_EQ(cookies.size(), 1u);
    const std::string& cookie = cookies[0];
    EXPECT_TRUE(cookie.starts_with("sessionId=" + token + ";")) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain loopback: " << cookie;

    // The cookie alone authenticates, and so does the bearer header alone.
    auto by_cookie = Anonymous().Get("/api/event?pageSize=1", {{"Cookie", "sessionId=" + token}});
    EXPECT_TRUE(IsListEnvelope(by_cookie));
    auto with_other_cookies = Anonymous().Get(
        "/api/event?pageSize=1", {{"Cookie", "theme=dark; sessionId=" + token + "; lang=en"}});
    EXPECT_TRUE(IsListEnvelope(with_other_cookies));
    EXPECT_TRUE(IsListEnvelope(Api(port(), token).Get("/api/event?pageSize=1")));
    auto lower_bearer =
        Anonymous().Get("/api/event?pageSize=1", {{"Authorization", "bearer " + token}});
    EXPECT_TRUE(IsListEnvelope(lower_bearer));
}

TEST_F(AuthTest, LoginWorksUnderBothPathSpellings) {
    auto old_path = Login("/user/auth/login", "admin", kAdminPassword);
    auto api_path = Login("/api/user/auth/login", "admin", kAdminPassword);
    EXPECT_EQ(old_path.status, 200) << Describe(old_path);
    EXPECT_EQ(api_path.status, 200) << Describe(api_path);
    EXPECT_NE(old_path.Json().at("token"), api_path.Json().at("token"));
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserGiveIdentical401s) {
    const std::string username = NewUser("right-password");
    auto wrong_password = Login("/user/auth/login", username, "wrong-password");
    auto unknown_user = Login("/user/auth/login", UniqueId("nobody"), "wrong-password");
    EXPECT_TRUE(IsError(wrong_password, 401, "unauthenticated"));
    EXPECT_TRUE(IsError(unknown_user, 401, "unauthenticated"));
    EXPECT_EQ(Canonical(wrong_password), Canonical(unknown_user));
    EXPECT_FALSE(wrong_password.HasHeader("Set-Cookie"));
    EXPECT_EQ(wrong_password.body.find(username), std::string::npos);
    EXPECT_EQ(wrong_password.body.find("wrong-password"), std::string::npos);
}

TEST_F(AuthTest, LoginBodyMustNameUsernameAndPassword) {
    EXPECT_TRUE(IsError(Anonymous().Post("/user/auth/login", json::object{{"username", "admin"}}),
                        400, "invalid_argument"));
    EXPECT_TRUE(IsError(
        Anonymous().Post("/user/auth/login", json::object{{"username", 1}, {"password", 2}}), 400,
        "invalid_argument"));
    EXPECT_TRUE(
        IsError(Anonymous().Send("POST", "/user/auth/login", "{oops"), 400, "invalid_argument"));
    EXPECT_TRUE(
        IsError(Anonymous().Send("POST", "/user/auth/login", "username=admin&password=adminpass123",
                                 "application/x-www-form-urlencoded"),
                415));
}

TEST_F(AuthTest, RepeatedFailuresForOneUsernameAre429WithRetryAfter) {
    const std::string username = NewUser("the-right-password");
    int first_limited = -1;
    HttpResponse limited;
    for (int attempt = 0; attempt < 12; ++attempt) {
        auto response = Login("/user/auth/login", username, "bad-guess-" + std::to_string(attempt));
        if (response.status == 429) {
            first_limited = attempt;
            limited = response;
            break;
        }
        EXPECT_TRUE(IsError(response, 401, "unauthenticated")) << "attempt " << attempt;
    }
    ASSERT_GE(first_limited, 3) << "rate limited too early";
    EXPECT_TRUE(IsError(limited, 429, "rate_limited"));
    const std::string retry_after = limited.Header("Retry-After");
    ASSERT_FALSE(retry_after.empty());
    EXPECT_GT(std::stoi(retry_after), 0);
    // While limited, even the right password is refused: guessing gains nothing.
    auto right = Login("/user/auth/login", username, "the-right-password");
    EXPECT_TRUE(IsError(right, 429, "rate_limited"));
    // Another username is not affected.
    EXPECT_EQ(Login("/user/auth/login", "admin", kAdminPassword).status, 200);
}

TEST_F(AuthTest, LogoutRevokesTheToken) {
    const std::string token = LoginToken(port(), "admin", kAdminPassword);
    Api session(port(), token);
    ASSERT_TRUE(IsListEnvelope(session.Get("/api/event?pageSize=1")));
    auto out = session.Send("POST", "/user/auth/logout", "");
    ASSERT_EQ(out.status, 200) << Describe(out);
    EXPECT_EQ(out.Json().at("success"), true);
    const std::string cleared = out.Header("Set-Cookie");
    EXPECT_TRUE(cleared.starts_with("sessionId=;")) << cleared;
    EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;

    EXPECT_TRUE(IsError(session.Get("/api/event?pageSize=1"), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(session.Send("POST", "/user/auth/logout", ""), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(session.Send("POST", "/user/auth/refresh", ""), 401, "unauthenticated"));
    // Other sessions of the same user live on.
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/event?pageSize=1")));
}

TEST_F(AuthTest, LogoutViaTheCookieAndTheApiPath) {
    const std::string token = LoginToken(port(), "admin", kAdminPassword);
    auto out = Anonymous().Send("POST", "/api/user/auth/logout", "", "",
                                {{"Cookie", "sessionId=" + token}});
    ASSERT_EQ(out.status, 200) << Describe(out);
    EXPECT_TRUE(IsError(Api(port(), token).Get("/api/user/auth/me"), 401, "unauthenticated"));
}

TEST_F(AuthTest, LogoutAndRefreshWithoutASessionAre401) {
    for (const char* path : {"/user/auth/logout", "/user/auth/refresh", "/api/user/auth/logout",
                             "/api/user/auth/refresh"}) {
        EXPECT_TRUE(IsError(Anonymous().Send("POST", path, ""), 401, "unauthenticated")) << path;
        EXPECT_TRUE(
            IsError(Api(port(), "bogus-token").Send("POST", path, ""), 401, "unauthenticated"))
            << path;
    }
}

TEST_F(AuthTest, RefreshKeepsTheSessionAndResetsItsCookie) {
    const std::string token = LoginToken(port(), "admin", kAdminPassword);
    Api session(port(), token);
    auto refreshed = session.Send("POST", "/user/auth/refresh", "");
    ASSERT_EQ(refreshed.status, 200) << Describe(refreshed);
    EXPECT_EQ(refreshed.Json().at("success"), true);
    EXPECT_EQ(refreshed.Json().at("expiresIn").as_int64(), 3600);  // the default TTL
    const std::string cookie = refreshed.Header("Set-Cookie");
    EXPECT_TRUE(cookie.starts_with("sessionId=" + token + ";")) << cookie;
    EXPECT_NE(cookie.find("Max-Age=3600"), std::string::npos) << cookie;
    EXPECT_TRUE(IsListEnvelope(session.Get("/api/event?pageSize=1")));
    EXPECT_EQ(session.Send("POST", "/api/user/auth/refresh", "").status, 200);
}

TEST_F(AuthTest, MeReturnsTheUserUnderBothPaths) {
    for (const char* path : {"/user/auth/me", "/api/user/auth/me"}) {
        auto me = Admin().Get(path);
        ASSERT_TRUE(IsSuccess(me)) << path;
        auto data = DataOf(me).as_object();
        EXPECT_EQ(data.at("username"), "admin");
        EXPECT_EQ(data.at("role"), "admin");
        EXPECT_FALSE(data.contains("password")) << me.body;
    }
}

TEST_F(AuthTest, ReadUserIsForbiddenOnAdminRoutes) {
    const std::string username = DemoUsername();
    const std::string token = LoginToken(port(), username, kDemoPassword);
    ASSERT_FALSE(token.empty());
    Api reader(port(), token);
    EXPECT_TRUE(IsListEnvelope(reader.Get("/api/event?pageSize=2")));
    auto me = reader.Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me));
    EXPECT_EQ(DataOf(me).at("role"), "read");

    EXPECT_TRUE(IsError(reader.Get("/api/db/report"), 403, "forbidden"));
    EXPECT_TRUE(IsError(reader.Get("/api/db/init"), 403, "forbidden"));
    auto wipe = reader.Post("/api/db/init/confirmed", json::object{{"confirm", "DELETE ALL DATA"}});
    EXPECT_TRUE(IsError(wipe, 403, "forbidden"));
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1")));  // not wiped
}

// BUG (security): the service applies no role to writes, so a `read` user (every demo user, who
// share a published password) may write any entity, including its own `role`. The role must be
// honoured: a read user's writes are 403 and it cannot promote itself to admin.
TEST_F(AuthTest, ReadUserCannotWriteOrPromoteItself) {
    const std::string username = DemoUsername();
    const std::string token = LoginToken(port(), username, kDemoPassword);
    ASSERT_FALSE(token.empty());
    Api reader(port(), token);
    const std::string my_id(DataOf(reader.Get("/user/auth/me")).at("id").as_string());

    auto promote = reader.Patch("/api/user/" + my_id, json::object{{"role", "admin"}});
    EXPECT_TRUE(IsError(promote, 403, "forbidden")) << "a read user made itself admin";
    auto write = reader.Post("/api/account", json::object{{"id", UniqueId("by_reader")}});
    EXPECT_TRUE(IsError(write, 403, "forbidden"));

    // Whatever happened above, the user must not have become an administrator.
    auto after = Admin().Get("/api/user/" + my_id);
    ASSERT_TRUE(IsSuccess(after));
    EXPECT_EQ(DataOf(after).at("role"), "read");
    if (DataOf(after).at("role") != "read") {  // undo, so other tests see demo data unchanged
        Admin().Patch("/api/user/" + my_id, json::object{{"role", "read"}});
    }
}

// Expiry needs a short TTL, so it has a server of its own.
// ---- sessions follow the user ----

// A fresh user with `role` and `password`; returns its id.
std::string CreateUser(const Api& admin, const std::string& username, const std::string& role,
                       const std::string& password) {
    auto created = admin.Post("/api/user", json::object{{"username", username},
                                                        {"email", username + "@example.org"},
                                                        {"password", password},
                                                        {"role", role},
                                                        {"firstName", "Session"},
                                                        {"lastName", "Follower"},
                                                        {"isAccountOwner", false},
                                                        {"accountId", "acc_demo_0"}});
    EXPECT_TRUE(IsSuccess(created, 201)) << Describe(created);
    return Str(DataOf(created).at("id"));
}

TEST_F(AuthTest, PasswordChangeEndsEverySessionOfThatUser) {
    const std::string username = UniqueId("pwchange");
    const std::string id = CreateUser(Admin(), username, "read", "first-password");
    Api first(port(), LoginToken(port(), username, "first-password"));
    Api second(port(), LoginToken(port(), username, "first-password"));
    ASSERT_TRUE(IsListEnvelope(first.Get("/api/event?pageSize=1")));
    ASSERT_TRUE(IsListEnvelope(second.Get("/api/event?pageSize=1")));

    auto patched = Admin().Patch("/api/user/" + id, json::object{{"password", "second-password"}});
    ASSERT_TRUE(IsSuccess(patched)) << Describe(patched);
    EXPECT_TRUE(IsError(first.Get("/api/event?pageSize=1"), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(second.Get("/user/auth/me"), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(second.Send("POST", "/user/auth/refresh", ""), 401, "unauthenticated"));
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/event?pageSize=1"))) << "other users unaffected";
    EXPECT_FALSE(LoginToken(port(), username, "second-password").empty());
}

TEST_F(AuthTest, DemotedUserCannotKeepOrRefreshIntoTheOldRole) {
    const std::string username = UniqueId("demoted");
    const std::string id = CreateUser(Admin(), username, "admin", "admin-for-now");
    Api was_admin(port(), LoginToken(port(), username, "admin-for-now"));
    ASSERT_TRUE(
        IsSuccess(was_admin.Post("/api/account", json::object{{"id", UniqueId("acc")}}), 201));

    auto demoted = Admin().Patch("/api/user/" + id, json::object{{"role", "read"}});
    ASSERT_TRUE(IsSuccess(demoted)) << Describe(demoted);
    EXPECT_TRUE(IsError(was_admin.Post("/api/account", json::object{{"id", UniqueId("acc")}}), 401,
                        "unauthenticated"));
    EXPECT_TRUE(IsError(was_admin.Send("POST", "/user/auth/refresh", ""), 401, "unauthenticated"));
    // Logging in again gives the stored role.
    Api reader(port(), LoginToken(port(), username, "admin-for-now"));
    EXPECT_TRUE(IsError(reader.Post("/api/account", json::object{{"id", UniqueId("acc")}}), 403,
                        "forbidden"));
    auto me = reader.Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me));
    EXPECT_EQ(Str(DataOf(me).at("role")), "read");
}

TEST_F(AuthTest, OtherChangesToAUserKeepItsSessions) {
    const std::string username = UniqueId("keeps");
    const std::string id = CreateUser(Admin(), username, "read", "keep-password");
    Api user(port(), LoginToken(port(), username, "keep-password"));
    auto patched = Admin().Patch("/api/user/" + id, json::object{{"firstName", "Renamed"}});
    ASSERT_TRUE(IsSuccess(patched)) << Describe(patched);
    EXPECT_TRUE(IsListEnvelope(user.Get("/api/event?pageSize=1")));
}

// Sessions expire TTL after login or the last refresh. The server keeps wall-clock time, so the
// test reads the same clock around each request and asserts only what those readings prove:
// no sleep stands in for a condition.
TEST(AuthExpiryTest, SessionsExpireAndRefreshExtendsThem) {
    using Clock = std::chrono::system_clock;
    using std::chrono::milliseconds;
    constexpr auto kTtl = std::chrono::seconds(2);
    auto options = DemoServerOptions();
    options.env["EVENTS_API_SESSION_TTL"] = "2";
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const auto login_sent = Clock::now();
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    const auto login_done = Clock::now();
    Api session(server->port(), token);
    ASSERT_TRUE(IsListEnvelope(session.Get("/api/account")));

    // Refresh well inside the first TTL.
    while (Clock::now() < login_done + milliseconds(1200)) {
        std::this_thread::sleep_for(milliseconds(20));
    }
    const auto refresh_sent = Clock::now();
    auto refreshed = session.Send("POST", "/user/auth/refresh", "");
    const auto refresh_done = Clock::now();
    ASSERT_EQ(refreshed.status, 200) << Describe(refreshed);
    EXPECT_EQ(refreshed.Json().at("expiresIn").as_int64(), 2);
    ASSERT_LT(refresh_done, login_sent + kTtl) << "the refresh came too late to prove anything";

    // Poll until the session is refused, with a deadline. Each answer must agree with the
    // expiry the server can have set: after refresh_done + TTL it must be gone; before
    // refresh_sent + TTL it must still be alive, which is past the first expiry.
    bool alive_past_first_expiry = false;
    bool expired = false;
    const auto deadline = refresh_done + kTtl + std::chrono::seconds(10);
    while (!expired && Clock::now() < deadline) {
        const auto sent = Clock::now();
        auto response = session.Get("/api/account?pageSize=1");
        const auto received = Clock::now();
        if (response.status == 200) {
            EXPECT_LT(sent, refresh_done + kTtl) << "alive after its expiry";
            alive_past_first_expiry = alive_past_first_expiry || sent > login_done + kTtl;
        } else {
            EXPECT_TRUE(IsError(response, 401, "unauthenticated")) << Describe(response);
            EXPECT_GE(received, refresh_sent + kTtl) << "expired before its time";
            expired = true;
        }
        std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_TRUE(expired) << "the session never expired";
    EXPECT_TRUE(alive_past_first_expiry) << "the refresh did not extend the session";
    EXPECT_TRUE(IsError(session.Send("POST", "/user/auth/refresh", ""), 401, "unauthenticated"));
}

// The per-address limit needs many failed logins, so it has a server of its own. The address
// budget is 60 attempts (server_app.cpp) refilled at 1 per second: one client sending failed
// logins one after another gets exactly 60 plus one per whole second elapsed before the first
// 429, and only 429s after it.
TEST(AuthAddressLimitTest, ManyUsernamesFromOneAddressAreLimitedToTheBudget) {
    constexpr int kBurst = 60;
    constexpr double kRefillPerSecond = 1.0;
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    Api anonymous(server->port(), "");
    const auto start = std::chrono::steady_clock::now();
    int unauthenticated = 0;
    int first_limited_at = -1;
    for (int i = 0; i < 200 && first_limited_at < 0; ++i) {
        // A different username every time: only the address is common.
        auto response = anonymous.Post(
            "/user/auth/login",
            json::object{{"username", "spray" + std::to_string(i)}, {"password", "guess"}});
        if (response.status == 429) {
            EXPECT_FALSE(response.Header("Retry-After").empty());
            first_limited_at = i;
        } else {
            ASSERT_TRUE(IsError(response, 401, "unauthenticated")) << Describe(response);
            ++unauthenticated;
        }
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_GE(first_limited_at, 0) << "no 429 after " << unauthenticated << " failures";
    EXPECT_GE(unauthenticated, kBurst);
    EXPECT_LE(unauthenticated, kBurst + static_cast<int>(elapsed * kRefillPerSecond) + 1)
        << "in " << elapsed << " s";
}

}  // namespace
}  // namespace ea::integration
