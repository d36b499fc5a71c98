// The outputSchema of every generated tool: what its structuredContent holds, built from the
// Schema once per load (never per call) and offered only to revisions with structured output
// (2025-06-18 and later, era_session.hpp). Each schema admits the tool's success result and the
// {"error": {...}} of an isError result (error_result.hpp), because the 1.x TypeScript SDK client
// validates the structuredContent of error results too. Record schemas list every readable
// field (nullable, no value rules: a stored record may predate a rule), require only `id` (a
// `fields` selection and the caller's role may leave any other out) and allow nothing else, so a
// write-only field in a result would fail validation.
#pragma once

#include <boost/json/object.hpp>

#include "mcp/tool_registry.hpp"
#include "rbac/input_offer.hpp"
#include "schema/schema.hpp"

namespace ea::mcp::detail {

// The outputSchema of `tool` (a generated tool: tool.entity is set for the entity tools).
boost::json::object OutputSchema(const Tool& tool);

// One `entity` record as a list or get returns it (views embedded under their names).
boost::json::object RecordOutputSchema(const schema::Entity& entity);

// The `fields` argument of list and get tools: an array of the entity's fields `offer` lets its
// role read (every readable one by default).
boost::json::object FieldSelectionSchema(const schema::Entity& entity,
                                         const rbac::InputOffer& offer = {});

}  // namespace ea::mcp::detail
