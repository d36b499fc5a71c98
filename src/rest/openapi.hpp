// The OpenAPI 3.1 description of the REST API (GET /openapi.json), generated from the Schema with
// the same constraints the validator enforces. Built once at startup; the docs page (docs_page.hpp)
// reads it in the browser. Describes routes; it does not route or validate anything itself.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/principal.hpp"
#include "schema/schema.hpp"

namespace ea::rest {

struct OpenApiOptions {
    // servers[0].url. Empty: no `servers`, so clients (and the docs page) call the origin the
    // document was fetched from, which is right behind proxies and for 0.0.0.0 binds.
    std::string server_url;
    std::string title = "Events API";
    std::string version = "0.1.0";  // the API document's version (info.version)
    // false (auth.required: false): no global `security` and no 401 responses on entity routes.
    bool auth_required = true;
    // Describe only what this caller may do (schema.yaml's rbac): the entities it may use, the
    // operations its role is offered, the fields it may read, set, filter, sort and embed.
    // Null: everything the schema's operations allow (the whole API, for tools and tests).
    const Principal* principal = nullptr;
};

// The whole document: info, servers, tags (one per entity, then Auth, System), paths and
// components. For every entity only the operations its `operations` allow are listed; routes use
// the entity's lower-case name (/api/user), though the server matches it case-insensitively.
// Component schemas per entity E: E (read: write-only fields omitted, built-ins readOnly),
// EInput (POST/PUT body: write-only fields writeOnly, server-set fields absent), EPatch (EInput
// without `required`), EEnvelope and EListEnvelope. Never fails: a loaded Schema is valid.
boost::json::object OpenApiDocument(const schema::Schema& schema, const OpenApiOptions& options);

// OpenApiDocument serialized; call once at startup and serve the string.
std::string OpenApiJson(const schema::Schema& schema, const OpenApiOptions& options);

// GET /openapi.json describes what its caller may do: one document per role (and one for callers
// without a session, who may only log in), made on the first request for it and kept, since the
// schema and its policy are fixed while serving. Thread-safe.
class OpenApiDocuments {
public:
    // `schema` must outlive this; `options.principal` is ignored (each document sets its own).
    OpenApiDocuments(const schema::Schema& schema, OpenApiOptions options);

    std::shared_ptr<const std::string> For(const Principal& principal);

private:
    const schema::Schema& schema_;
    OpenApiOptions options_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const std::string>, std::less<>> by_role_;
};
}  // namespace ea::rest
