// Schema -> JSON: the complete, stable description printed by `schema dump --json` and served as
// /api/metadata. Keys and their order are part of that contract; add keys, never rename them.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "schema/schema.hpp"

namespace ea::schema {

// {"project", "version", "entities": [{"name", "description", "operations": ["create", ...],
//   "auth": {login, password} | null, "uniques": [[...]], "fields": [{...every rule...}],
//   "references": [{field, entity, on_delete}], "referencedBy": [{entity, field, on_delete}]}]}
// Field keys always present: name, type, required, builtIn, autoGenerate, autoUpdate, writeOnly,
// description; the rest (elementType, default, minLength, maxLength, pattern {regex, message},
// ge, le, enum {values, message}, references, onDelete) only when the field has them.
boost::json::object SchemaToJson(const Schema& schema);

// The JSON for one entity (one element of "entities" above).
boost::json::object EntityToJson(const Entity& entity);

// The schema description both faces serve: REST's /api/metadata body and MCP's
// events://schema/{Entity} resources (one element of "entities"). {"projectName", "database":
// `backend`, "entities": {Name: EntityToJson(...)}}, keyed by entity name in schema order.
boost::json::object SchemaDescription(const Schema& schema, std::string_view backend);

// "restrict", "cascade", "set_null": the schema.yaml spelling.
std::string_view OnDeleteName(OnDelete on_delete);

}  // namespace ea::schema
