#include "http/router.hpp"

#include <gtest/gtest.h>

namespace ea::http {
namespace {

Request MakeRequest(Method method, std::string path) {
    Request request;
    request.method = method;
    request.method_text = std::string(ToString(method));
    request.path = std::move(path);
    return request;
}

// Each handler answers with its name and the params it saw, so a test can tell who ran.
RouteHandler Named(std::string name) {
    return [name](const Request&, const RouteMatch& match) {
        std::string body = name;
        for (const auto& [key, value] : match.params) {
            body += " " + std::string(key) + "=" + std::string(value);
        }
        return MakeResponse(200, body, "text/plain");
    };
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(router_.Add(Method::kGet, "/api/{entity}", Named("list")));
        ASSERT_TRUE(router_.Add(Method::kPost, "/api/{entity}", Named("create")));
        ASSERT_TRUE(router_.Add(Method::kGet, "/api/{entity}/{id}", Named("get")));
        ASSERT_TRUE(router_.Add(Method::kDelete, "/api/{entity}/{id}", Named("delete")));
        ASSERT_TRUE(router_.Add(Method::kGet, "/api/metadata", Named("metadata")));
        ASSERT_TRUE(router_.Add(Method::kGet, "/", Named("root")));
    }
    Router router_;
};

TEST_F(RouterTest, MatchesParamsAndReportsThePattern) {
    auto response = router_.Route(MakeRequest(Method::kGet, "/api/User/01abc"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "get entity=User id=01abc");
    EXPECT_EQ(response.route, "/api/{entity}/{id}");
}

TEST_F(RouterTest, LiteralSegmentBeatsParamWhateverTheRegistrationOrder) {
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api/metadata")).body, "metadata");
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api/user")).body, "list entity=user");
}

TEST_F(RouterTest, TrailingSlashIsServedLikeThePathWithoutIt) {
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api/user/")).body, "list entity=user");
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/")).body, "root");
    // Repeated trailing slashes too (the original redirected them; a 404 broke its clients).
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api/User//")).body, "list entity=User");
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api/user/01abc///")).body,
              "get entity=user id=01abc");
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "//")).body, "root");
}

TEST_F(RouterTest, UnknownPathIs404) {
    auto response = router_.Route(MakeRequest(Method::kGet, "/nothing/here/at/all"));
    EXPECT_EQ(response.status, 404);
    EXPECT_NE(response.body.find("\"not_found\""), std::string::npos);
    EXPECT_TRUE(response.route.empty());
    EXPECT_EQ(router_.Route(MakeRequest(Method::kGet, "/api//x")).status, 404);  // empty param
}

TEST_F(RouterTest, KnownPathWithWrongMethodIs405WithAllow) {
    auto response = router_.Route(MakeRequest(Method::kPut, "/api/user/1"));
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.headers.Find("Allow").value_or(""), "GET, HEAD, DELETE");
    EXPECT_NE(response.body.find("method_not_allowed"), std::string::npos);

    // Allow is the union over every pattern that matches the path.
    auto metadata = router_.Route(MakeRequest(Method::kDelete, "/api/metadata"));
    EXPECT_EQ(metadata.status, 405);
    EXPECT_EQ(metadata.headers.Find("Allow").value_or(""), "GET, HEAD, POST");
}

TEST_F(RouterTest, ARefusalRunsForItsMethodButIsNeverListedInAllow) {
    ASSERT_TRUE(router_.AddRefusal(Method::kDelete, "/api/{entity}", Named("refuse")));
    auto refused = router_.Route(MakeRequest(Method::kDelete, "/api/user"));
    EXPECT_EQ(refused.body, "refuse entity=user");
    EXPECT_EQ(refused.route, "/api/{entity}");
    // Another method the path lacks gets the router's 405, whose Allow leaves the refusal out.
    auto put = router_.Route(MakeRequest(Method::kPut, "/api/user"));
    EXPECT_EQ(put.status, 405);
    EXPECT_EQ(put.headers.Find("Allow").value_or(""), "GET, HEAD, POST");
    // A more specific pattern matching the path speaks for it: the router's 405, as before.
    auto metadata = router_.Route(MakeRequest(Method::kDelete, "/api/metadata"));
    EXPECT_EQ(metadata.status, 405);
    EXPECT_EQ(metadata.headers.Find("Allow").value_or(""), "GET, HEAD, POST");
    EXPECT_FALSE(router_.AddRefusal(Method::kDelete, "/api/{other}", Named("twice")));
}

TEST_F(RouterTest, MethodMatchOnAParamRouteBeatsALiteralRouteWithoutIt) {
    EXPECT_EQ(router_.Route(MakeRequest(Method::kPost, "/api/metadata")).body,
              "create entity=metadata");
}

TEST_F(RouterTest, HeadUsesTheGetRoute) {
    EXPECT_EQ(router_.Route(MakeRequest(Method::kHead, "/api/user/7")).body,
              "get entity=user id=7");
}

TEST(RouterOptionsTest, CaseInsensitiveLiteralsKeepParamCase) {
    Router sensitive;
    ASSERT_TRUE(sensitive.Add(Method::kGet, "/api/metadata", Named("metadata")));
    EXPECT_EQ(sensitive.Route(MakeRequest(Method::kGet, "/API/Metadata")).status, 404);

    Router insensitive(RouterOptions{.case_insensitive_literals = true});
    ASSERT_TRUE(insensitive.Add(Method::kGet, "/api/metadata", Named("metadata")));
    ASSERT_TRUE(insensitive.Add(Method::kGet, "/api/{entity}/{id}", Named("get")));
    EXPECT_EQ(insensitive.Route(MakeRequest(Method::kGet, "/API/Metadata")).body, "metadata");
    EXPECT_EQ(insensitive.Route(MakeRequest(Method::kGet, "/Api/TagAffinity/AbC")).body,
              "get entity=TagAffinity id=AbC");
}

TEST(RouterOptionsTest, RejectsBadPatternsAndDuplicates) {
    Router router;
    ASSERT_TRUE(router.Add(Method::kGet, "/a/{id}", Named("a")));
    const std::pair<Method, const char*> bad[] = {
        {Method::kGet, "a/b"},        {Method::kGet, "/a/{}"},    {Method::kGet, "/a/{x"},
        {Method::kGet, "/a/x{y}"},    {Method::kGet, "/{x}/{x}"}, {Method::kOther, "/z"},
        {Method::kGet, "/a/{other}"},  // same shape as /a/{id}
    };
    for (const auto& [method, pattern] : bad) {
        auto status = router.Add(method, pattern, Named("x"));
        ASSERT_FALSE(status) << pattern;
        EXPECT_NE(status.error().message.find("route"), std::string::npos) << pattern;
    }
    EXPECT_TRUE(router.Add(Method::kPost, "/a/{other}", Named("b")));  // other method is fine
}

TEST(RouterOptionsTest, CustomErrorRendererShapesErrors) {
    Router router({}, [](int status, std::string code, std::string) {
        return MakeResponse(status, "custom:" + code, "text/plain");
    });
    ASSERT_TRUE(router.Add(Method::kGet, "/x", Named("x")));
    EXPECT_EQ(router.Route(MakeRequest(Method::kGet, "/y")).body, "custom:not_found");
    auto response = router.Route(MakeRequest(Method::kPost, "/x"));
    EXPECT_EQ(response.body, "custom:method_not_allowed");
    EXPECT_EQ(response.headers.Find("Allow").value_or(""), "GET, HEAD");
}

}  // namespace
}  // namespace ea::http
