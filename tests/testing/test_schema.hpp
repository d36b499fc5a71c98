// The shipped schema.yaml, loaded once per test binary, for tests that need the real Events model.
#pragma once

#include <filesystem>

#include "schema/schema.hpp"

namespace ea::testing {

// Path of the repository's schema.yaml.
std::filesystem::path DefaultSchemaPath();

// The default Events schema (all eight entities). Aborts the test binary if it fails to load.
const schema::Schema& DefaultSchema();

// Loads a schema from YAML text (written to a temp file so errors carry a file name).
// Aborts if it fails; use LoadSchema directly to test failures.
schema::SchemaPtr SchemaFromText(const std::string& yaml);

}  // namespace ea::testing
