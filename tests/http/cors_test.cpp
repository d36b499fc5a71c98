// The CORS policy as a unit: origin normalization and the wrapper's answers, without sockets
// (the real binary and a real browser are in tests/integration and tests/e2e).
#include "http/cors.hpp"

#include <atomic>

#include <gtest/gtest.h>

namespace ea::http {
namespace {

Request WithOrigin(Method method, std::string_view origin) {
    Request request;
    request.method = method;
    request.method_text = std::string(ToString(method));
    request.path = "/api/event";
    request.headers.Add("Origin", std::string(origin));
    return request;
}

TEST(NormalizeOriginTest, LowerCasesAndDropsDefaultPortsAndATrailingSlash) {
    EXPECT_EQ(NormalizeOrigin("http://localhost:4200").value(), "http://localhost:4200");
    EXPECT_EQ(NormalizeOrigin("HTTP://LocalHost:4200/").value(), "http://localhost:4200");
    EXPECT_EQ(NormalizeOrigin("http://example.com:80").value(), "http://example.com");
    EXPECT_EQ(NormalizeOrigin("https://example.com:443").value(), "https://example.com");
    EXPECT_EQ(NormalizeOrigin("https://example.com:8443").value(), "https://example.com:8443");
    EXPECT_EQ(NormalizeOrigin("http://[::1]:3000").value(), "http://[::1]:3000");
    EXPECT_EQ(NormalizeOrigin("http://[::1]").value(), "http://[::1]");
}

TEST(NormalizeOriginTest, RefusesWhatIsNotOneOrigin) {
    const std::pair<const char*, const char*> cases[] = {
        {"*", "credentials"},
        {"null", "sandboxed"},
        {"localhost:4200", "http:// or https://"},
        {"ftp://example.com", "http:// or https://"},
        {"http://example.com/app", "without a path"},
        {"http://example.com?x=1", "without a path"},
        {"http://user@example.com", "without a path"},
        {"http://example.com:0", "invalid port"},
        {"http://example.com:99999", "invalid port"},
        {"http://example.com:", "invalid port"},
        {"http://", "scheme://host"},
        {"http://:80", "no host"},
    };
    for (const auto& [text, message] : cases) {
        auto result = NormalizeOrigin(text);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << text;
        EXPECT_NE(result.error().message.find(message), std::string::npos)
            << text << ": " << result.error().message;
    }
}

class CorsWrapperTest : public ::testing::Test {
protected:
    Handler Wrapped(std::vector<std::string> origins) {
        return WithCors(CorsOptions{std::move(origins)}, DefaultErrorResponse,
                        [this](const Request&) {
                            ++calls_;
                            Response response = MakeResponse(200, "data", "text/plain");
                            response.headers.Add("Vary", "Accept-Encoding");
                            return response;
                        });
    }
    std::atomic<int> calls_{0};
};

TEST_F(CorsWrapperTest, PreflightIsAnsweredWithoutTheHandler) {
    auto handler = Wrapped({"http://localhost:4200"});
    auto request = WithOrigin(Method::kOptions, "http://localhost:4200");
    request.headers.Add("Access-Control-Request-Method", "DELETE");
    request.headers.Add("Access-Control-Request-Headers", "x-custom, content-type");
    auto response = handler(request);
    EXPECT_EQ(calls_, 0);
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Origin"), "http://localhost:4200");
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Credentials"), "true");
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Methods"),
              "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Headers"), "x-custom, content-type");
    EXPECT_EQ(response.headers.Find("Access-Control-Max-Age"), "3600");
    EXPECT_EQ(response.route, "(cors preflight)");
}

TEST_F(CorsWrapperTest, EveryMethodOfThePolicyAndHeadPassAPreflightAndNoOtherDoes) {
    auto handler = Wrapped({"http://localhost:4200"});
    for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        auto request = WithOrigin(Method::kOptions, "http://localhost:4200");
        request.headers.Add("Access-Control-Request-Method", method);
        EXPECT_EQ(handler(request).status, 204) << method;
    }
    for (const char* method : {"TRACE", "CONNECT", "BREW", "patch"}) {
        auto request = WithOrigin(Method::kOptions, "http://localhost:4200");
        request.headers.Add("Access-Control-Request-Method", method);
        auto response = handler(request);
        EXPECT_EQ(response.status, 403) << method;
        EXPECT_NE(response.body.find("not allowed in cross-origin requests"), std::string::npos)
            << response.body;
    }
    EXPECT_EQ(calls_, 0);
}

TEST_F(CorsWrapperTest, ActualResponsesKeepTheirHeadersAndGainTheOrigin) {
    auto handler = Wrapped({"http://a.example", "http://localhost:4200"});
    auto response = handler(WithOrigin(Method::kGet, "http://localhost:4200"));
    EXPECT_EQ(calls_, 1);
    EXPECT_EQ(response.body, "data");
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Origin"), "http://localhost:4200");
    EXPECT_EQ(response.headers.Find("Access-Control-Allow-Credentials"), "true");
    const auto vary = response.headers.FindAll("Vary");
    ASSERT_EQ(vary.size(), 2u);
    EXPECT_EQ(vary[0], "Accept-Encoding");
    EXPECT_EQ(vary[1], "Origin");
}

TEST_F(CorsWrapperTest, AnOriginOffTheListIsNeverEchoed) {
    auto handler = Wrapped({"http://localhost:4200"});
    auto preflight = WithOrigin(Method::kOptions, "http://localhost:4200.evil.example");
    preflight.headers.Add("Access-Control-Request-Method", "GET");
    auto refused = handler(preflight);
    EXPECT_EQ(refused.status, 403);
    EXPECT_FALSE(refused.headers.Contains("Access-Control-Allow-Origin"));
    EXPECT_EQ(calls_, 0);
    auto actual = handler(WithOrigin(Method::kGet, "http://LOCALHOST:4200"));
    EXPECT_EQ(actual.status, 200);
    EXPECT_FALSE(actual.headers.Contains("Access-Control-Allow-Origin"));
    EXPECT_FALSE(actual.headers.Contains("Access-Control-Allow-Credentials"));
}

TEST_F(CorsWrapperTest, NoOriginsMeansTheHandlerUntouched) {
    auto handler = Wrapped({});
    auto preflight = WithOrigin(Method::kOptions, "http://localhost:4200");
    preflight.headers.Add("Access-Control-Request-Method", "GET");
    auto response = handler(preflight);
    EXPECT_EQ(calls_, 1);
    EXPECT_EQ(response.headers.FindAll("Vary").size(), 1u);
    EXPECT_FALSE(response.headers.Contains("Access-Control-Allow-Origin"));
}

}  // namespace
}  // namespace ea::http
