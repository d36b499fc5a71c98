// Metadata, the admin routes (report, init page, wipe) and the operational endpoints (healthz,
// readyz, metrics, openapi) over real sockets. The wipe runs on a server of its own.
#include <filesystem>
#include <regex>

#include <sqlite3.h>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

// Every entity of the default schema, with the path of its routes.
const std::pair<const char*, const char*> kEntities[] = {
    {"Account", "/api/account"}, {"User", "/api/user"},
    {"Profile", "/api/profile"}, {"TagAffinity", "/api/tagaffinity"},
    {"Event", "/api/event"},     {"UserEvent", "/api/userevent"},
    {"Url", "/api/url"},         {"Crawl", "/api/crawl"},
};

// /api/db/report's entity counts on a fresh demo server: seed-demo --scale 1 (docs/cli.md: 5
// accounts, 20 users, 20 profiles, 60 tag affinities, 1,000 events, 100 user events, 20 URLs, 40
// crawls) plus what every first start adds: the account acc_system and its user admin.
const json::object kDemoServerCounts{
    {"Account", 6},  {"User", 21},       {"Profile", 20}, {"TagAffinity", 60},
    {"Event", 1000}, {"UserEvent", 100}, {"Url", 20},     {"Crawl", 40},
};

class AdminTest : public ServerSuite {
protected:
    // The value of the Prometheus counter line for `route`, `method`, `status`; 0 when absent.
    static long Counter(const std::string& metrics, const std::string& route,
                        const std::string& method, int status) {
        const std::string prefix = "events_api_http_requests_total{route=\"" + route +
                                   "\",method=\"" + method + "\",status=\"" +
                                   std::to_string(status) + "\"} ";
        const auto at = metrics.find(prefix);
        if (at == std::string::npos) {
            return 0;
        }
        return std::stol(metrics.substr(at + prefix.size()));
    }
};

// "entities" is an object {Entity: metadata}: the original's front-ends index it by entity name.
TEST_F(AdminTest, MetadataDescribesEveryEntityByName) {
    auto response = Admin().Get("/api/metadata");
    ASSERT_EQ(response.status, 200) << Describe(response);
    auto body = response.Json();
    ASSERT_TRUE(body.is_object()) << response.body.substr(0, 200);
    EXPECT_EQ(body.at("projectName"), "events-api");
    EXPECT_EQ(body.at("database"), OnPostgres() ? "postgresql" : "sqlite");
    ASSERT_TRUE(body.at("entities").is_object())
        << "entities should be {Entity: metadata}, got: "
        << json::serialize(body.at("entities")).substr(0, 200);
    const auto& entities = body.at("entities").as_object();
    for (const char* name :
         {"Account", "User", "Profile", "TagAffinity", "Event", "UserEvent", "Url", "Crawl"}) {
        EXPECT_TRUE(entities.contains(name)) << name;
    }
    EXPECT_EQ(entities.size(), 8u);
    EXPECT_NE(json::serialize(entities.at("User")).find("username"), std::string::npos);
}

TEST_F(AdminTest, MetadataCarriesTheFieldRules) {
    auto response = Admin().Get("/api/metadata");
    ASSERT_EQ(response.status, 200) << Describe(response);
    // Whatever the container, the User entity's username field carries its rules.
    const std::string text = response.body;
    EXPECT_NE(text.find("\"username\""), std::string::npos);
    EXPECT_NE(text.find("\"required\":true"), std::string::npos);
    EXPECT_NE(text.find("isAccountOwner"), std::string::npos);
    EXPECT_EQ(text.find("$argon2"), std::string::npos);
}

TEST_F(AdminTest, DbReportCountsEveryEntityForAdmins) {
    auto response = Admin().Get("/api/db/report");
    ASSERT_EQ(response.status, 200) << Describe(response);
    auto body = response.Json();
    EXPECT_EQ(body.at("database"), OnPostgres() ? "postgresql" : "sqlite");
    EXPECT_EQ(body.at("report").at("entities"), kDemoServerCounts);
    EXPECT_EQ(body.at("report").at("totalRecords"), 1267);  // the sum of kDemoServerCounts
    EXPECT_TRUE(body.at("schemaVersion").is_string());
    EXPECT_EQ(Str(body.at("schemaVersion")).size(), 16u) << Describe(response);
    // The SQLite file holds 1,267 records, so it is not empty; the WAL may be. A server store
    // has no file of its own to measure: no sizes.
    const auto& sizes = body.at("report").at("sizes").as_object();
    if (OnPostgres()) {
        EXPECT_TRUE(sizes.empty()) << Describe(response);
        return;
    }
    ASSERT_TRUE(sizes.at("databaseBytes").is_int64()) << Describe(response);
    EXPECT_GT(sizes.at("databaseBytes").as_int64(), 100'000);
    ASSERT_TRUE(sizes.at("walBytes").is_int64()) << Describe(response);
    EXPECT_GE(sizes.at("walBytes").as_int64(), 0);
    EXPECT_EQ(sizes.size(), 2u);

    // The counts are live: one more URL is one more in the report, and gone again after a delete.
    const std::string id = UniqueId("url_report");
    ASSERT_TRUE(IsSuccess(
        Admin().Post("/api/url", json::object{{"id", id}, {"url", "https://example.com/report"}}),
        201));
    auto after = Admin().Get("/api/db/report").Json();
    json::object expected = kDemoServerCounts;
    expected["Url"] = 21;
    EXPECT_EQ(after.at("report").at("entities"), expected);
    EXPECT_EQ(after.at("report").at("totalRecords"), 1268);
    ASSERT_TRUE(IsSuccess(Admin().Delete("/api/url/" + id)));
    EXPECT_EQ(Admin().Get("/api/db/report").Json().at("report").at("entities"), kDemoServerCounts);
}

// The administrator `serve` creates on its first start has the documented names (docs/cli.md),
// which the default schema requires.
TEST_F(AdminTest, FirstRunAdministratorIsSystemAdministrator) {
    auto response = Admin().Get("/api/user?filter_matching=exact&filter=username:admin");
    ASSERT_TRUE(IsListEnvelope(response)) << Describe(response);
    const auto rows = RowsOf(response);
    ASSERT_EQ(rows.size(), 1u) << Describe(response);
    const auto& admin = rows[0].as_object();
    EXPECT_EQ(admin.at("firstName"), "System");
    EXPECT_EQ(admin.at("lastName"), "Administrator");
    EXPECT_EQ(admin.at("email"), "admin@system.internal");
    EXPECT_EQ(admin.at("role"), "admin");
    EXPECT_EQ(admin.at("isAccountOwner"), false);
    EXPECT_EQ(admin.at("accountId"), "acc_system");
}

TEST_F(AdminTest, DbInitReturnsAnHtmlConfirmationPage) {
    auto response = Admin().Get("/api/db/init");
    ASSERT_EQ(response.status, 200) << Describe(response);
    EXPECT_NE(response.Header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(response.body.find("<form"), std::string::npos);
    EXPECT_NE(response.body.find("/api/db/init/confirmed"), std::string::npos);
    EXPECT_NE(response.body.find("DELETE ALL DATA"), std::string::npos);
}

TEST_F(AdminTest, DbInitConfirmedNeedsTheExactConfirmation) {
    for (const auto& body :
         {json::object{}, json::object{{"confirm", "yes"}},
          json::object{{"confirm", "delete all data"}}, json::object{{"confirm", true}}}) {
        auto response = Admin().Post("/api/db/init/confirmed", body);
        EXPECT_TRUE(IsError(response, 400, "invalid_argument", "DELETE ALL DATA"))
            << json::serialize(body);
    }
    auto form = Admin().Send("POST", "/api/db/init/confirmed", "confirm=nope",
                             "application/x-www-form-urlencoded");
    EXPECT_TRUE(IsError(form, 400, "invalid_argument"));
    auto report = Admin().Get("/api/db/report");
    EXPECT_GE(report.Json().at("report").at("entities").at("Event").as_int64(), 1000);
}

TEST_F(AdminTest, HealthAndReadiness) {
    auto health = Anonymous().Get("/healthz");
    ASSERT_EQ(health.status, 200);
    EXPECT_EQ(health.Json().at("status"), "ok");
    auto ready = Anonymous().Get("/readyz");
    ASSERT_EQ(ready.status, 200) << Describe(ready);
    EXPECT_EQ(ready.Json().at("status"), "ready");
    EXPECT_EQ(ready.Json().at("store"), "ok");
    EXPECT_EQ(ready.Json().at("sessions"), "ok");
}

TEST_F(AdminTest, MetricsCountRequestsByRouteAndStatus) {
    const auto before = Anonymous().Get("/metrics");
    ASSERT_EQ(before.status, 200);
    EXPECT_NE(before.Header("Content-Type").find("text/plain"), std::string::npos);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_" + std::to_string(i))));
    }
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(Admin().Get("/api/event/evt_nope_" + std::to_string(i)).status, 404);
    }
    ASSERT_EQ(Anonymous().Get("/api/event").status, 401);
    // No wait needed: the server counts a request before it writes the response (it used to count
    // after, and this read could miss the 401). BoundedMetricsTest pins that ordering.
    const auto after = Anonymous().Get("/metrics");
    ASSERT_EQ(after.status, 200);
    const std::string route = "/api/{entity}/{id}";
    EXPECT_EQ(Counter(after.body, route, "GET", 200) - Counter(before.body, route, "GET", 200), 3)
        << after.body;
    EXPECT_EQ(Counter(after.body, route, "GET", 404) - Counter(before.body, route, "GET", 404), 2);
    EXPECT_EQ(Counter(after.body, "/api/{entity}", "GET", 401) -
                  Counter(before.body, "/api/{entity}", "GET", 401),
              1);
    EXPECT_NE(after.body.find("events_api_http_request_duration_seconds_bucket"),
              std::string::npos);
    EXPECT_NE(after.body.find("events_api_http_requests_in_flight"), std::string::npos);
    // Never a token or an id in a label.
    EXPECT_EQ(after.body.find("evt_demo_1"), std::string::npos);
    EXPECT_EQ(after.body.find(admin_token()), std::string::npos);
}

TEST_F(AdminTest, OpenApiAndDocsAreServed) {
    auto openapi = Anonymous().Get("/openapi.json");
    ASSERT_EQ(openapi.status, 200);
    auto doc = openapi.Json();
    ASSERT_TRUE(doc.is_object());
    EXPECT_TRUE(std::string(doc.at("openapi").as_string()).starts_with("3.1"));
    EXPECT_TRUE(doc.at("paths").is_object());
    auto docs = Anonymous().Get("/docs");
    ASSERT_EQ(docs.status, 200);
    EXPECT_NE(docs.Header("Content-Type").find("text/html"), std::string::npos);
}

TEST_F(AdminTest, RequestLogIsJsonLinesWithoutSecrets) {
    auto got = Admin().Get("/api/event/evt_demo_9");
    ASSERT_TRUE(IsSuccess(got));
    const std::string request_id = got.Header("X-Request-Id");
    ASSERT_FALSE(request_id.empty());
    // The line is written after the response: wait for this request's.
    std::string log;
    ASSERT_TRUE(WaitFor([&] {
        log = server().StdoutText();
        return log.find("\"request_id\":\"" + request_id + "\"") != std::string::npos;
    })) << log;
    std::size_t lines = 0;
    std::size_t start = 0;
    while (start < log.size()) {
        const auto end = log.find('\n', start);
        const std::string line = log.substr(start, end - start);
        start = end == std::string::npos ? log.size() : end + 1;
        if (line.empty()) {
            continue;
        }
        boost::system::error_code ec;
        auto parsed = json::parse(line, ec);
        ASSERT_FALSE(ec) << "not JSON: " << line;
        if (parsed.as_object().contains("request_id")) {
            ++lines;
            EXPECT_TRUE(parsed.as_object().contains("status")) << line;
            EXPECT_TRUE(parsed.as_object().contains("route")) << line;
        }
    }
    EXPECT_GT(lines, 0u);
    EXPECT_EQ(log.find(admin_token()), std::string::npos) << "a token in the log";
    EXPECT_EQ(log.find(kAdminPassword), std::string::npos) << "a password in the log";
}

// Rows of `table` in the server's database (read beside the running server); "" when it fails.
std::string RowCount(const ea::testing::ServerProcess& server, const std::string& table) {
    return StoreValue(server, "SELECT COUNT(*) FROM \"" + table + "\"");
}

// Wiping deletes everything, so each wipe test gets a server of its own. After the wipe, `wiped` is
// stopped and must have left every table empty; a server restarted on its database then reports,
// through the API, only what every first start creates (acc_system and admin), and every entity's
// list works (the tables were re-created, not dropped).
void ExpectWipedThroughTheApi(ea::testing::ServerProcess& wiped) {
    ASSERT_EQ(wiped.Terminate(), 0);
    for (const auto& [entity, path] : kEntities) {
        EXPECT_EQ(RowCount(wiped, entity), "0") << entity;
    }

    auto options = DemoServerOptions();
    UseDataOf(wiped, options);
    auto restarted = StartServer(options);
    ASSERT_TRUE(restarted);
    Api admin(restarted->port(), LoginToken(restarted->port(), "admin", kAdminPassword));
    auto report = admin.Get("/api/db/report");
    ASSERT_EQ(report.status, 200) << Describe(report);
    const json::object expected{
        {"Account", 1}, {"User", 1},      {"Profile", 0}, {"TagAffinity", 0},
        {"Event", 0},   {"UserEvent", 0}, {"Url", 0},     {"Crawl", 0},
    };
    EXPECT_EQ(report.Json().at("report").at("entities"), expected) << Describe(report);
    for (const auto& [entity, path] : kEntities) {
        auto list = admin.Get(path);
        ASSERT_TRUE(IsListEnvelope(list)) << entity << ": " << Describe(list);
        EXPECT_EQ(list.Json().at("pagination").at("total"), expected.at(entity)) << entity;
    }
    const auto users = RowsOf(admin.Get("/api/user"));
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].at("username"), "admin");
    EXPECT_EQ(users[0].at("firstName"), "System");
    EXPECT_EQ(IdsOf(admin.Get("/api/account")), std::vector<std::string>{"acc_system"});
    EXPECT_EQ(restarted->Terminate(), 0);
}

TEST(AdminWipeTest, ConfirmedInitWipesEveryTableAndEndsEverySession) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    Api admin(server->port(), token);
    auto before = admin.Get("/api/db/report");
    ASSERT_EQ(before.status, 200) << Describe(before);
    ASSERT_EQ(before.Json().at("report").at("entities"), kDemoServerCounts);
    auto users = admin.Get("/api/user?pageSize=1&filter=role:read");
    ASSERT_TRUE(IsListEnvelope(users));
    const std::string demo = Str(RowsOf(users).at(0).at("username"));
    Api reader(server->port(), LoginToken(server->port(), demo, kDemoPassword));
    ASSERT_TRUE(IsListEnvelope(reader.Get("/api/event?pageSize=1")));

    auto wiped = admin.Post("/api/db/init/confirmed", json::object{{"confirm", "DELETE ALL DATA"}});
    ASSERT_EQ(wiped.status, 200) << Describe(wiped);
    EXPECT_EQ(wiped.Json().at("success"), true);

    // Every session ended with the users it named: the admin's and the reader's alike.
    EXPECT_TRUE(IsError(admin.Get("/api/db/report"), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(reader.Get("/api/event?pageSize=1"), 401, "unauthenticated"));
    if (!OnPostgres()) {  // on PostgreSQL the sessions are in a SQLite file of their own
        EXPECT_EQ(RowCount(*server, "_sessions"), "0");
    }
    ExpectWipedThroughTheApi(*server);
}

TEST(AdminWipeTest, FormEncodedConfirmationWorksFromTheServersOwnPage) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_TRUE(server);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    const std::string self = "127.0.0.1:" + std::to_string(server->port());
    // The browser's form post: the session cookie, Host with the port, and our page's Origin.
    const Headers form = {
        {"Host", self}, {"Cookie", "sessionId=" + token}, {"Origin", "http://" + self}};
    auto wiped = Api(server->port(), "")
                     .Send("POST", "/api/db/init/confirmed", "confirm=DELETE+ALL+DATA",
                           "application/x-www-form-urlencoded", form);
    ASSERT_EQ(wiped.status, 200) << Describe(wiped);
    EXPECT_EQ(wiped.Json().at("success"), true);
    ExpectWipedThroughTheApi(*server);
}

class CsrfTest : public ServerSuite {
protected:
    // A form post of a wrong confirmation: it never wipes, and its answer shows which check
    // stopped it (403 for the origin check, 400 for the confirmation after it).
    static HttpResponse FormPost(const Headers& headers, bool bearer = false) {
        return Api(port(), bearer ? admin_token() : "")
            .Send("POST", "/api/db/init/confirmed", "confirm=not+the+phrase",
                  "application/x-www-form-urlencoded", headers);
    }
    static std::string Self() { return "127.0.0.1:" + std::to_string(port()); }
    static std::string Cookie() { return "sessionId=" + admin_token(); }
};

TEST_F(CsrfTest, CookieFormPostWithoutASameOriginHeaderIs403) {
    const Headers refused[] = {
        {{"Host", Self()}, {"Cookie", Cookie()}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Origin", "http://evil.example"}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Origin", "null"}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Origin", "http://127.0.0.1:1"}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Referer", "http://evil.example/api/db/init"}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Origin", "http://" + Self() + ".evil.example"}},
    };
    for (const auto& headers : refused) {
        auto response = FormPost(headers);
        EXPECT_TRUE(IsError(response, 403, "forbidden", "cross-site request refused"))
            << Describe(response);
        EXPECT_NE(ErrorText(response).find("Origin or Referer"), std::string::npos);
    }
    EXPECT_TRUE(IsSuccess(Admin().Get("/api/event/evt_demo_1")));  // nothing was wiped
}

TEST_F(CsrfTest, SameOriginOrBearerPassesOnToTheConfirmationCheck) {
    const Headers passed[] = {
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Origin", "http://" + Self()}},
        {{"Host", Self()}, {"Cookie", Cookie()}, {"Referer", "http://" + Self() + "/api/db/init"}},
    };
    for (const auto& headers : passed) {
        EXPECT_TRUE(IsError(FormPost(headers), 400, "invalid_argument", "", "confirm"));
    }
    // A bearer token is never sent by a browser on its own: no origin needed.
    EXPECT_TRUE(IsError(FormPost({}, true), 400, "invalid_argument", "", "confirm"));
    // JSON cannot be sent cross-site without CORS: the check is for forms.
    auto json = Api(port(), "")
                    .Send("POST", "/api/db/init/confirmed", R"({"confirm":"no"})",
                          "application/json", {{"Cookie", Cookie()}});
    EXPECT_TRUE(IsError(json, 400, "invalid_argument", "", "confirm")) << Describe(json);
}

}  // namespace
}  // namespace ea::integration
