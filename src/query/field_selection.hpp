// A read's `fields` selection: which of an entity's fields a list or get returns, the one parser
// both faces call (REST `fields=a,b`, MCP `fields: ["a","b"]`), and the projection the service
// applies after masking. `id` is always returned; embedded `view` objects stay.
#pragma once

#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// `value`: null (every field), an array of field names, or comma-separated text ("title,cost").
// Names resolve as in filters (exact, else ignoring case). The result is in entity order, without
// duplicates, with `id` first; empty means every field. Errors: kInvalidArgument with
// fields[0].field "fields": not an array or text, a name that is not a string, an unknown field
// (named, with a suggestion), a write-only field (never returned).
[[nodiscard]] Result<std::vector<const schema::Field*>> ParseFieldSelection(
    const schema::Entity& entity, const boost::json::value& value);

// Drops from `record` every key that is neither a selected field nor the name of a `view`
// embedding. Nothing is done when `fields` is empty.
void SelectFields(Record& record, const std::vector<const schema::Field*>& fields,
                  const std::vector<ViewSpec>& view);

}  // namespace ea::query
