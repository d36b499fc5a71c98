// The interactive API documentation page (GET /docs): our HTML and start-up script plus Swagger UI
// (npm swagger-ui-dist, pinned in web/package.json) compiled into the binary by cmake/EaEmbed.cmake,
// so the page works with no internet. It reads GET /openapi.json (openapi.hpp); it routes nothing.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "http/http_types.hpp"

namespace ea::rest {

// One file the docs page serves.
struct DocsAsset {
    std::string_view path;          // "/docs/swagger-ui-bundle.js"
    std::string_view content_type;  // "text/javascript; charset=utf-8"
    std::string_view body;          // static storage: embedded in the binary
    bool immutable;                 // true: cache for a year (the page links it with ?v=<hash>)
};

// Every path DocsResponse answers, "/docs" first. Static; safe from any thread.
std::span<const DocsAsset> DocsAssets();

// The response for a GET/HEAD of `path` (already percent-decoded, no query string), or nullopt
// when `path` is not one of ours so the caller can answer 404. "/docs/" is served like "/docs".
// The HTML page sends no-cache and a Content-Security-Policy that allows only this origin, so the
// page can never reach the internet; the assets are cacheable for a year (their URLs carry a
// content hash). Responses carry X-Content-Type-Options: nosniff. Thread-safe.
std::optional<http::Response> DocsResponse(std::string_view path);

// The swagger-ui-dist version embedded (from its package.json at build time), e.g. "5.32.0".
std::string_view SwaggerUiVersion();

}  // namespace ea::rest
