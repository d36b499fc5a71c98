// schema.yaml -> Schema. Reports *every* problem at once, each as "file:line:col: what".
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "schema/schema.hpp"

namespace ea::schema {

// Loads and checks a schema file. On failure the Error (kInvalidArgument) has a summary message and
// one FieldError per problem: field = "file:line:col", message = what is wrong.
[[nodiscard]] Result<SchemaPtr> LoadSchema(const std::filesystem::path& file);

// The same for YAML text; `file_name` is used in messages.
[[nodiscard]] Result<SchemaPtr> LoadSchemaText(std::string_view yaml, const std::string& file_name);

}  // namespace ea::schema
