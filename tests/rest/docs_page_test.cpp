// DocsResponse: the /docs page and the Swagger UI files embedded at build time, byte for byte,
// with their content types and cache headers. The browser test is tests/e2e/docs_page.test.mjs.
#include "rest/docs_page.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace ea::rest {
namespace {

const std::string kSwaggerDir = std::string(EA_SOURCE_DIR) + "/web/node_modules/swagger-ui-dist/";

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string HeaderOf(const http::Response& response, std::string_view name) {
    return std::string(response.headers.Find(name).value_or(""));
}

TEST(DocsPageTest, PageLoadsTheEmbeddedAssetsAndTheDocument) {
    auto page = DocsResponse("/docs");
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_NE(page->body.find("<script src=\"/docs/swagger-ui-bundle.js?v="), std::string::npos);
    EXPECT_NE(page->body.find("<link rel=\"stylesheet\" href=\"/docs/swagger-ui.css?v="),
              std::string::npos);
    EXPECT_NE(page->body.find("/docs/docs.js?v="), std::string::npos);
    EXPECT_EQ(page->body.find("http://"), std::string::npos) << "nothing from the internet";
    EXPECT_EQ(page->body.find("https://"), std::string::npos) << "nothing from the internet";
    EXPECT_EQ(HeaderOf(*page, "Cache-Control"), "no-cache");
    const std::string csp = HeaderOf(*page, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
    EXPECT_EQ(HeaderOf(*page, "X-Content-Type-Options"), "nosniff");

    auto slash = DocsResponse("/docs/");
    ASSERT_TRUE(slash.has_value());
    EXPECT_EQ(slash->body, page->body);
}

TEST(DocsPageTest, StartScriptReadsOpenApiJsonWithCookies) {
    auto script = DocsResponse("/docs/docs.js");
    ASSERT_TRUE(script.has_value());
    EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
    for (const char* text : {"url: \"/openapi.json\"", "withCredentials: true",
                             "persistAuthorization: true", "tryItOutEnabled: true",
                             "validatorUrl: null"}) {
        EXPECT_NE(script->body.find(text), std::string::npos) << text;
    }
}

TEST(DocsPageTest, AssetsAreTheInstalledFilesByteForByteWithLongCache) {
    struct Case {
        const char* path;
        const char* file;
        const char* content_type;
    };
    const Case cases[] = {
        {"/docs/swagger-ui-bundle.js", "swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
        {"/docs/swagger-ui.css", "swagger-ui.css", "text/css; charset=utf-8"},
        {"/docs/swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt",
         "text/plain; charset=utf-8"},
        {"/docs/LICENSE", "LICENSE", "text/plain; charset=utf-8"},
    };
    for (const auto& c : cases) {
        auto response = DocsResponse(c.path);
        ASSERT_TRUE(response.has_value()) << c.path;
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->content_type, c.content_type) << c.path;
        const std::string expected = ReadFile(kSwaggerDir + c.file);
        ASSERT_GT(expected.size(), 0u) << c.file;
        EXPECT_TRUE(response->body == expected) << c.path << " differs from " << c.file;
        EXPECT_EQ(HeaderOf(*response, "Cache-Control"), "public, max-age=31536000, immutable");
        EXPECT_EQ(HeaderOf(*response, "X-Content-Type-Options"), "nosniff");
    }
}

TEST(DocsPageTest, AssetListMatchesWhatIsServed) {
    ASSERT_FALSE(DocsAssets().empty());
    EXPECT_EQ(DocsAssets().front().path, "/docs");
    for (const auto& asset : DocsAssets()) {
        auto response = DocsResponse(asset.path);
        ASSERT_TRUE(response.has_value()) << asset.path;
        EXPECT_EQ(response->body, asset.body);
    }
}

TEST(DocsPageTest, OtherPathsAreNotOurs) {
    for (const char* path : {"", "/", "/doc", "/docsx", "/docs/x", "/docs/index.html",
                             "/docs//swagger-ui.css", "/docs/../etc/passwd", "/DOCS",
                             "/docs/swagger-ui-bundle.js.map", "/openapi.json"}) {
        EXPECT_FALSE(DocsResponse(path).has_value()) << path;
    }
}

TEST(DocsPageTest, EmbedsThePinnedSwaggerUiVersion) {
    const std::string package = ReadFile(kSwaggerDir + "package.json");
    EXPECT_NE(package.find("\"version\": \"" + std::string(SwaggerUiVersion()) + "\""),
              std::string::npos);
    const std::string pinned = ReadFile(std::string(EA_SOURCE_DIR) + "/web/package.json");
    EXPECT_NE(pinned.find("\"swagger-ui-dist\": \"" + std::string(SwaggerUiVersion()) + "\""),
              std::string::npos);
}

}  // namespace
}  // namespace ea::rest
