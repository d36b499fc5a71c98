// JSON Schema (2020-12) for the generated tools' arguments, from the schema's field metadata: the
// same types, formats, lengths, patterns (through schema::EcmaPattern, as the OpenAPI document),
// bounds and enums the validator enforces. Built once per schema load, never per call.
// The schemas describe the canonical field names; the service remains the judge of every value.
// Each builder takes the rbac::InputOffer of the principal the schema is for: only the fields,
// sort keys and embeddings it offers are described (the default offer: no role's rules).
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "rbac/input_offer.hpp"
#include "schema/schema.hpp"

namespace ea::mcp {

// The JSON Schema dialect every generated input and output schema declares (`$schema`).
inline constexpr const char* kJsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema";

// Which tool set tools/list offers (config mcp.tools; ?tools= on /mcp): one set of tools per
// entity, or compact mode's few generic ones taking an entity name (compact_tools.hpp).
enum class ToolsMode { kPerEntity, kCompact };

struct ToolSchemaOptions {
    int max_page_size = 1000;                // pageSize's maximum
    ToolsMode mode = ToolsMode::kPerEntity;  // the default of connections that do not choose
};

// "entity" / "compact" (as config and ?tools= spell them); nullopt for anything else.
std::optional<ToolsMode> ParseToolsMode(std::string_view text);

// Arguments of create_{entity}: every writable field, `required` as the validator requires on
// create (required without a default), plus an optional client-chosen `id`.
boost::json::object CreateInputSchema(const schema::Entity& entity,
                                      const rbac::InputOffer& offer = {});

// Arguments of update_{entity}: a required `id` and every writable field, all optional.
boost::json::object UpdateInputSchema(const schema::Entity& entity,
                                      const rbac::InputOffer& offer = {});

// Arguments of get_{entity}: a required `id` and an optional `view`.
boost::json::object GetInputSchema(const schema::Entity& entity,
                                   const rbac::InputOffer& offer = {});

// Arguments of delete_{entity}: a required `id`.
boost::json::object DeleteInputSchema(const schema::Entity& entity);

// Arguments of list_{entities}: filter (values or operator objects per field, $and/$or),
// filter_matching, sort, page, pageSize, view.
boost::json::object ListInputSchema(const schema::Entity& entity, const ToolSchemaOptions& options,
                                    const rbac::InputOffer& offer = {});

// Whether a field is set by clients on create/update (not id, createdAt, updatedAt).
bool IsWritable(const schema::Field& field);

}  // namespace ea::mcp
