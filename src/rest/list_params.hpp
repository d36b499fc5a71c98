// The original Events API's query-string syntax -> query::Query (through query::BuildListQuery,
// with REST's defaults). Parameters, in any case ("pagesize", "Page"): page, pageSize, sort,
// filter, view, filter_matching (and no_consistency, accepted and ignored); any other is an error
// naming the valid ones. The last of duplicate parameters wins, whatever their spelling.
//   filter=field:value | field:op:value [, ...]   ANDed; ops eq ne lt le lte gt ge gte in
//          ("in" takes a|b|c); a value may be quoted ("a, b: c") to hold ',' and ':'; the value
//          of field:op:value is everything after the op, colons included.
//   filter={...}                                  the JSON filter language
//   (query/filter_parser.hpp)
// See docs/rest.md for the full contract.
#pragma once

#include "common/result.hpp"
#include "http/target.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::rest {

// Parses and checks every list parameter against `entity`. Errors: kInvalidArgument naming the
// parameter and the problem.
[[nodiscard]] Result<query::Query> ParseListParams(const schema::Entity& entity,
                                                   const http::QueryParams& params);

// Parses `field:op:value,...` into the JSON filter language ({"$and": [...]}) with string values,
// for ParseFilter(..., CoerceFrom::kText). Exposed for tests.
[[nodiscard]] Result<boost::json::value> FilterTextToJson(std::string_view text);

}  // namespace ea::rest
