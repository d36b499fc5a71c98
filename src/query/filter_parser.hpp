// The JSON filter language (MongoDB-style) parsed and checked against an Entity into the filter.hpp
// AST. REST (`filter={...}` and the `field:op:value` syntax) and MCP both end up here, so every
// channel accepts exactly the same queries with the same errors.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/result.hpp"
#include "query/filter.hpp"
#include "query/value_coercion.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// The language. A filter is a JSON object; every key in one object must hold (they AND together):
//   {"field": value}                       equality ({"field": {"$eq": value}})
//   {"field": {"$op": value, ...}}         operators on one field, ANDed:
//       $eq $ne $gt $gte $lt $lte          one value coerced to the field type (value_coercion.hpp)
//       $in $nin                           a non-empty array of at most kMaxInValues values
//       $exists                            true / false: the field is (not) null
//   {"$and": [filter, ...]}                every filter holds (a non-empty array of objects)
//   {"$or":  [filter, ...]}                at least one holds
// null: {"field": null} and {"$eq": null} mean "field is null" (absent or explicitly null);
// {"$ne": null} means "field is not null". null is refused everywhere else.
// Array fields: $eq/$ne/$in/$nin test the elements (any element matches); ranges are refused.
// Boolean and JSON fields take no ranges; JSON fields take only $exists.
// write_only fields (passwords) cannot be filtered on at all: a filter would be an oracle.
// The empty object {} means "everything" and yields a null FilterPtr; an empty object inside
// $and/$or is refused as almost certainly a mistake.
//
// REST's `field:op:value` maps onto this: eq ne gt gte lt lte -> $eq ... $lte, le -> $lte,
// ge -> $gte, in (a|b|c) -> $in with an array of strings; build the object and pass
// CoerceFrom::kText so the string values are read by field type.
//
// Every error is kInvalidArgument whose message names the offending field, operator or path
// (e.g. "$or[1]") and, for unknown names, lists valid ones. fields[0].field names the field when
// there is one, otherwise "filter".

constexpr std::size_t kMaxInValues = 1000;         // per $in / $nin
constexpr std::size_t kMaxFilterDepth = 16;        // nested $and/$or levels, the top object is 1
constexpr std::size_t kMaxComparisons = 100;       // comparison nodes in the whole filter
constexpr std::size_t kMaxFilterTextBytes = 64 * 1024;

[[nodiscard]] Result<FilterPtr> ParseFilter(const schema::Entity& entity,
                                            const boost::json::value& filter,
                                            CoerceFrom from = CoerceFrom::kJson);

// Parses JSON text (at most kMaxFilterTextBytes, valid UTF-8, nesting bounded) and then
// ParseFilter with CoerceFrom::kJson. Blank text means no filter (null FilterPtr).
[[nodiscard]] Result<FilterPtr> ParseFilterText(const schema::Entity& entity,
                                                std::string_view json_text);

// "$eq", "$in", ... for messages and for backends that log a filter.
std::string_view OpName(Op op);

// The operator for a name such as "$gte"; nullopt when it is not one of ours.
std::optional<Op> OpFromName(std::string_view name);

}  // namespace ea::query
