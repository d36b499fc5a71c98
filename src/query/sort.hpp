// Sort orders from a request, checked against an Entity. The store appends id as the final
// tiebreak, so a caller never needs to (and pages never repeat or skip rows).
#pragma once

#include <boost/json/value.hpp>

#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// Accepts
//   [{"field": "title", "direction": "asc"|"desc"}, ...]   direction optional (asc), any case
//   ["title:desc", "dateTime"]                              strings in the text form
//   "title:desc,dateTime"                                  the text form (ParseSortText)
//   null                                                   no sort
// Field names resolve ignoring case when the exact name is not a field ("firstname").
// Errors (kInvalidArgument, naming the piece): an empty string item of an array, unknown field
// (with valid ones), unknown direction, unknown key in a sort object, a field listed twice,
// JSON/Array fields (not orderable) and write_only fields (an order would leak them).
[[nodiscard]] Result<std::vector<SortKey>> ParseSort(const schema::Entity& entity,
                                                     const boost::json::value& sort);

// The REST form: `field[:asc|desc][,field2[:dir]]...`; spaces around items are ignored, empty
// items are skipped ("title,,x", ",title", "title," as the original API did) and the empty
// string means no sort. Field names resolve ignoring case (query/field_lookup.hpp).
[[nodiscard]] Result<std::vector<SortKey>> ParseSortText(const schema::Entity& entity,
                                                         std::string_view text);

}  // namespace ea::query
