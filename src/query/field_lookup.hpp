// Internal to query/: finding a field of an entity by the name a request used, with the one
// "unknown field" message filter, sort and view all give. Not for other layers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "schema/schema.hpp"

namespace ea::query::detail {

// The field `name` resolves to (schema::Entity::ResolveField: the exact name, else the one field
// equal to it ignoring case), or kInvalidArgument: `unknown field "x" on Entity in <where>`, the
// closest field name when one is a few edits away ("did you mean 'firstName'?"), and a few valid
// names. `where` is "filter", "sort" or "view".
Result<const schema::Field*> LookupField(const schema::Entity& entity, std::string_view name,
                                         std::string_view where);

// A request-supplied name as a message may show it: quoted, escaped, shortened.
std::string QuoteName(std::string_view name);

// The name to put in FieldError::field: the name itself when it is short, valid UTF-8 text,
// otherwise its quoted, shortened form.
std::string FieldErrorName(std::string_view name);

// "a, b, c, ..." from the first `limit` names.
std::string JoinNames(const std::vector<std::string>& names, std::size_t limit = 12);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

Error QueryError(std::string message, std::string field);

}  // namespace ea::query::detail
