// The composition root for everything below the faces: schema, store and services, built from a
// Config and owned together so their lifetimes are right (the store refers to the schema, the
// services to both). Used by every CLI command and by `serve`.
#pragma once

#include <filesystem>
#include <memory>

#include "app/config.hpp"
#include "auth/session_store.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "service/document_service.hpp"
#include "store/document_store.hpp"

namespace ea::app {

struct Core {
    Config config;
    schema::SchemaPtr schema;
    store::DocumentStorePtr store;
    std::unique_ptr<service::DocumentService> documents;
};

// Loads the schema only. Errors carry every schema problem as file:line:col fields.
[[nodiscard]] Result<schema::SchemaPtr> LoadConfiguredSchema(const Config& config);

// The SQLite file of a sqlite:// store URL; "data/sessions.db" for any other URL.
[[nodiscard]] std::filesystem::path SqliteFileOf(const std::string& db_url);

// The session store `config.sessions` names (by default a table in the main SQLite file). Used
// by `serve` and by every command that must end sessions (`user add --update`).
[[nodiscard]] Result<auth::SessionStorePtr> OpenConfiguredSessions(const Config& config);

// Loads the schema, opens (and migrates) the store and builds the services.
[[nodiscard]] Result<std::unique_ptr<Core>> OpenCore(const Config& config);

}  // namespace ea::app
