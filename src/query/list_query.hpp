// A list call's arguments -> a checked Query: page and pageSize bounds and defaults, the match
// mode, filter, sort and view. The one normalisation both faces call: REST with the original
// API's query-string values (rest/list_params.cpp), MCP list tools with their JSON arguments.
#pragma once

#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "query/query.hpp"
#include "query/value_coercion.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// What a face's list calls get when an argument is absent. REST keeps the original API's
// `contains`; MCP list tools default to `exact` (see docs/query.md).
struct ListDefaults {
    Matching matching = Matching::kExact;
    int page_size = kDefaultPageSize;
    int max_page_size = kMaxPageSize;
};
inline constexpr ListDefaults kRestListDefaults{Matching::kContains, kDefaultPageSize,
                                                kMaxPageSize};
inline constexpr ListDefaults kMcpListDefaults{Matching::kExact, kDefaultPageSize, kMaxPageSize};

// One list call's arguments as an adapter received them; a null member was not given.
struct ListArguments {
    boost::json::value page;       // integer >= 1: a JSON integer or its decimal text
    boost::json::value page_size;  // integer 1..max_page_size, likewise
    // The JSON filter language (filter_parser.hpp): an object, or its JSON text as a string.
    boost::json::value filter;
    CoerceFrom filter_values = CoerceFrom::kJson;  // kText: string values are query-string text
    boost::json::value filter_matching;            // "exact", "contains" or "fuzzy", any case
    boost::json::value sort;                       // any form ParseSort takes
    boost::json::value view;   // an object (ParseView) or the text form (ParseViewText)
    boost::json::value count;  // "auto" (the default), "exact", "estimated" or "none", any case
    boost::json::value
        fields;  // field names: an array or comma-separated text (ParseFieldSelection)
};

// Errors (kInvalidArgument; the message starts with the argument's name and fields[0].field is
// it: "page", "pageSize", "filter_matching", "count"; filter, sort and view errors as their parsers
// give): a page or pageSize that is not an integer or out of bounds, an unknown match or count
// mode. Query::warnings holds what was asked for and ignored (a view of a relation the entity
// lacks).
[[nodiscard]] Result<Query> BuildListQuery(const schema::Entity& entity,
                                           const ListArguments& arguments,
                                           const ListDefaults& defaults);

}  // namespace ea::query
