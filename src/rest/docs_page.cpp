#include "rest/docs_page.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

// Defined in the .cpp files cmake/EaEmbed.cmake generates from web/node_modules/swagger-ui-dist.
namespace ea::embedded {
extern const unsigned char kSwaggerUiBundleJs[];
extern const std::size_t kSwaggerUiBundleJs_size;
extern const unsigned char kSwaggerUiCss[];
extern const std::size_t kSwaggerUiCss_size;
extern const unsigned char kSwaggerUiBundleLicense[];
extern const std::size_t kSwaggerUiBundleLicense_size;
extern const unsigned char kSwaggerUiLicense[];
extern const std::size_t kSwaggerUiLicense_size;
}  // namespace ea::embedded

#ifndef EA_SWAGGER_UI_VERSION
#error "EA_SWAGGER_UI_VERSION must be defined by the build (see src/rest/docs.cmake)"
#endif

namespace ea::rest {

namespace {

std::string_view Bytes(const unsigned char* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Starts Swagger UI on /openapi.json. A separate file rather than an inline script so the page's
// Content-Security-Policy can forbid inline scripts.
//  - withCredentials: "Try it out" sends the sessionId cookie set by a login made on this page.
//  - persistAuthorization: a bearer token typed into Authorize survives a reload.
//  - validatorUrl null: Swagger UI would otherwise fetch a badge from an outside validator.
//  - responseInterceptor: /openapi.json describes what its caller may do (per role), so after a
//    login made on this page the document is fetched again, now with the session cookie.
constexpr std::string_view kDocsJs = R"JS("use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    tryItOutEnabled: true,
    withCredentials: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    displayOperationId: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    filter: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    responseInterceptor: function (response) {
      var path = new URL(response.url, window.location.href).pathname;
      if (response.ok && /\/auth\/login$/.test(path)) {
        setTimeout(function () { window.ui.specActions.download("/openapi.json"); }, 0);
      }
      return response;
    }
  });
});
)JS";

constexpr std::string_view kCspHeader =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kJsType = "text/javascript; charset=utf-8";
constexpr std::string_view kCssType = "text/css; charset=utf-8";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";

// FNV-1a over the assets: a cache-busting version for their URLs, so they can be cached forever.
std::string AssetsHash(std::span<const DocsAsset> assets) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const auto& asset : assets) {
        for (char c : asset.body) {
            hash ^= static_cast<unsigned char>(c);
            hash *= 1099511628211ULL;
        }
    }
    constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int shift = 60; shift >= 32; shift -= 4) {
        out += kHex[(hash >> shift) & 0xF];
    }
    return out;
}

struct Assets {
    std::array<DocsAsset, 6> list;
    std::string html;
};

const Assets& GetAssets() {
    static const Assets assets = [] {
        Assets a;
        a.list = {{
            {"/docs", kHtmlType, {}, false},
            {"/docs/swagger-ui-bundle.js", kJsType,
             Bytes(embedded::kSwaggerUiBundleJs, embedded::kSwaggerUiBundleJs_size), true},
            {"/docs/swagger-ui.css", kCssType,
             Bytes(embedded::kSwaggerUiCss, embedded::kSwaggerUiCss_size), true},
            {"/docs/docs.js", kJsType, kDocsJs, true},
            // The bundle's header comment points at this file for its third-party licenses.
            {"/docs/swagger-ui-bundle.js.LICENSE.txt", kTextType,
             Bytes(embedded::kSwaggerUiBundleLicense, embedded::kSwaggerUiBundleLicense_size),
             true},
            {"/docs/LICENSE", kTextType,
             Bytes(embedded::kSwaggerUiLicense, embedded::kSwaggerUiLicense_size), true},
        }};
        const std::string v = "?v=" + AssetsHash(std::span(a.list).subspan(1));
        a.html = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API documentation</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css)HTML" +
                 v + R"HTML(">
</head>
<body>
<noscript>This page needs JavaScript. The raw description is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js)HTML" +
                 v + R"HTML(" charset="utf-8"></script>
<script src="/docs/docs.js)HTML" +
                 v + R"HTML(" charset="utf-8"></script>
</body>
</html>
)HTML";
        a.list[0].body = a.html;
        return a;
    }();
    return assets;
}

}  // namespace

std::span<const DocsAsset> DocsAssets() { return GetAssets().list; }

std::optional<http::Response> DocsResponse(std::string_view path) {
    if (path == "/docs/") {
        path = "/docs";
    }
    for (const auto& asset : GetAssets().list) {
        if (asset.path != path) {
            continue;
        }
        http::Response response =
            http::MakeResponse(200, std::string(asset.body), std::string(asset.content_type));
        response.headers.Set("X-Content-Type-Options", "nosniff");
        if (asset.immutable) {
            response.headers.Set("Cache-Control", "public, max-age=31536000, immutable");
        } else {
            response.headers.Set("Cache-Control", "no-cache");
            response.headers.Set("Content-Security-Policy", std::string(kCspHeader));
            response.headers.Set("Referrer-Policy", "no-referrer");
        }
        return response;
    }
    return std::nullopt;
}

std::string_view SwaggerUiVersion() { return EA_SWAGGER_UI_VERSION; }

}  // namespace ea::rest
