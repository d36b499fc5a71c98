// RestApi's route registration on real parts (the default schema on an SQLite file, the SQLite
// session store): every route needs a session unless it was added with AddPublic, and the public
// ones are only login, the OpenAPI document and the docs page.
#include "rest/rest_api.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/session_store.hpp"
#include "ratelimit/token_bucket.hpp"
#include "testing/temp_dir.hpp"
#include "testing/test_schema.hpp"

namespace ea::rest {
namespace {

http::Request MakeRequest(http::Method method, std::string path) {
    http::Request request;
    request.method = method;
    request.method_text = std::string(http::ToString(method));
    request.target = path;
    request.path = std::move(path);
    request.remote_address = "192.0.2.1";
    request.request_id = "req-test";
    return request;
}

class RestApiTest : public ::testing::Test {
protected:
    RestApiTest() {
        const auto& schema = ea::testing::DefaultSchema();
        store_ =
            store::OpenStore(store::StoreConfig{"sqlite://" + (dir_ / "t.db").string()}, schema)
                .value();
        sessions_ = auth::OpenSessionStore("", dir_ / "t.db").value();
        user_limiter_ = ratelimit::TokenBucket::Create({5, 0.1, 1000}).value();
        address_limiter_ = ratelimit::TokenBucket::Create({60, 1.0, 1000}).value();
        documents_ = std::make_unique<service::DocumentService>(schema, *store_);
        auth_ = std::make_unique<service::AuthService>(*store_, *sessions_, *user_limiter_,
                                                       *address_limiter_, service::AuthOptions{});
        admin_ = std::make_unique<service::AdminService>(schema, *store_);
        rest_ = std::make_unique<RestApi>(schema, *documents_, *auth_, *admin_, RestOptions{});
        EXPECT_TRUE(rest_->Register(router_));
    }

    int StatusOf(http::Method method, const std::string& path) {
        return router_.Route(MakeRequest(method, path)).status;
    }

    ea::testing::TempDir dir_;
    store::DocumentStorePtr store_;
    auth::SessionStorePtr sessions_;
    std::unique_ptr<ratelimit::TokenBucket> user_limiter_;
    std::unique_ptr<ratelimit::TokenBucket> address_limiter_;
    std::unique_ptr<service::DocumentService> documents_;
    std::unique_ptr<service::AuthService> auth_;
    std::unique_ptr<service::AdminService> admin_;
    std::unique_ptr<RestApi> rest_;
    http::Router router_;
};

TEST_F(RestApiTest, OnlyLoginOpenApiAndTheDocsPageArePublic) {
    const auto& routes = rest_->public_routes();
    ASSERT_FALSE(routes.empty());
    int logins = 0;
    bool openapi = false;
    bool docs = false;
    for (const auto& route : routes) {
        if (route == "POST /user/auth/login" || route == "POST /api/user/auth/login") {
            ++logins;
        } else if (route == "GET /openapi.json") {
            openapi = true;
        } else if (route == "GET /docs" || route.starts_with("GET /docs/")) {
            docs = docs || route == "GET /docs";
        } else {
            ADD_FAILURE() << "unexpected public route: " << route;
        }
    }
    EXPECT_EQ(logins, 2);
    EXPECT_TRUE(openapi);
    EXPECT_TRUE(docs);
    for (const auto& route : routes) {
        const auto space = route.find(' ');
        const auto method = route.starts_with("POST") ? http::Method::kPost : http::Method::kGet;
        EXPECT_NE(StatusOf(method, route.substr(space + 1)), 401) << route;
    }
}

TEST_F(RestApiTest, EveryOtherRouteNeedsASession) {
    using http::Method;
    const std::pair<Method, const char*> routes[] = {
        {Method::kGet, "/api/metadata"},       {Method::kGet, "/api/db/report"},
        {Method::kGet, "/api/db/init"},        {Method::kPost, "/api/db/init/confirmed"},
        {Method::kGet, "/api/event"},          {Method::kPost, "/api/event"},
        {Method::kGet, "/api/event/e1"},       {Method::kPut, "/api/event/e1"},
        {Method::kPatch, "/api/event/e1"},     {Method::kDelete, "/api/event/e1"},
        {Method::kPost, "/user/auth/logout"},  {Method::kPost, "/api/user/auth/logout"},
        {Method::kPost, "/user/auth/refresh"}, {Method::kPost, "/api/user/auth/refresh"},
        {Method::kGet, "/user/auth/me"},       {Method::kGet, "/api/user/auth/me"},
    };
    for (const auto& [method, path] : routes) {
        EXPECT_EQ(StatusOf(method, path), 401) << http::ToString(method) << " " << path;
    }
}

TEST_F(RestApiTest, ANewRouteIsAuthenticatedUnlessAddedAsPublic) {
    ASSERT_TRUE(rest_->Add(
        router_, http::Method::kGet, "/new",
        [](const http::Request&, const http::RouteMatch&, const service::RequestContext& ctx) {
            EXPECT_EQ(ctx.channel, service::Channel::kRest);
            return http::MakeResponse(200, "hello", "text/plain");
        }));
    ASSERT_TRUE(rest_->AddPublic(router_, http::Method::kGet, "/new-public",
                                 [](const http::Request&, const http::RouteMatch&) {
                                     return http::MakeResponse(200, "hello", "text/plain");
                                 }));
    EXPECT_EQ(StatusOf(http::Method::kGet, "/new"), 401);
    EXPECT_EQ(StatusOf(http::Method::kGet, "/new-public"), 200);
    EXPECT_EQ(rest_->public_routes().back(), "GET /new-public");
}

TEST_F(RestApiTest, AThrowingHandlerIsA500WhoseLogDetailSaysWhy) {
    ASSERT_TRUE(
        rest_->AddPublic(router_, http::Method::kGet, "/throws",
                         [](const http::Request&, const http::RouteMatch&) -> http::Response {
                             throw std::runtime_error("disk on fire at /var/secret/path");
                         }));
    const auto response = router_.Route(MakeRequest(http::Method::kGet, "/throws"));
    EXPECT_EQ(response.status, 500);
    EXPECT_NE(response.body.find("req-test"), std::string::npos) << response.body;
    EXPECT_EQ(response.body.find("disk on fire"), std::string::npos) << response.body;
    EXPECT_NE(response.log_detail.find("disk on fire at /var/secret/path"), std::string::npos)
        << response.log_detail;
}

}  // namespace
}  // namespace ea::rest
