// The schema edits of the reload tests (REST, MCP over HTTP, stdio MCP): a copy of the default
// schema.yaml that the test rewrites under a running server, with an entity added.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ea::integration {

// The default schema (the repository's schema.yaml), which the copies start from.
inline std::filesystem::path DefaultSchemaPath() {
    return std::filesystem::path(EA_SOURCE_DIR) / "schema.yaml";
}

// `schema` with `entity` (YAML ending in a blank line) inserted before its rbac section, which
// the test has checked is there. No rbac rule names the new entity: administrators only.
inline std::string WithEntity(const std::string& schema, std::string_view entity) {
    std::string text = schema;
    text.insert(text.find("\nrbac:") + 1, entity);
    return text;
}

// The entity the MCP reload tests add: five tools (create_widget, list_widgets...) come with it.
inline constexpr const char* kWidgetEntity = R"(Widget:
  description: A thing added by a schema reload.
  fields:
    label:
      type: String
      required: true
      description: What the widget is called.

)";

}  // namespace ea::integration
