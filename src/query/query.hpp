// Query: everything a list call can ask for, checked against the schema. Built by the REST and MCP
// adapters (through ParseFilter/ParseSort/ParseView) and executed by a DocumentStore.
#pragma once

#include <string>
#include <vector>

#include "query/filter.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// How String equality filters on free-text fields match. Enums, ids, numbers and booleans always
// match exactly whatever this says.
enum class Matching {
    kExact,
    kContains,  // case-insensitive substring
    kFuzzy,     // pg_trgm word_similarity(query, value) >= fuzzy_threshold
};

// How a list call's total is obtained (docs/query.md, "Totals"). kAuto counts exactly while the
// count stays within a row budget and estimates past it; kNone counts nothing (the caller learns
// only whether another page exists).
enum class CountMode {
    kAuto,
    kExact,
    kEstimated,
    kNone,
};

struct SortKey {
    const schema::Field* field = nullptr;
    bool descending = false;
};

// One `view` entry: embed `fields` of the record that `reference` points to, as a sub-object named
// after the reference without "Id" (accountId -> "account").
struct ViewSpec {
    const schema::Field* reference = nullptr;  // an ObjectId field of the listed entity
    std::vector<const schema::Field*> fields;  // fields of reference->target; id always included
    std::string name;                          // the embedded object's key
};

// Something a request asked for that was served without it (a view of a relation the entity does
// not have): said back to the caller, never an error. `field` names the parameter ("view").
struct RequestWarning {
    std::string field;
    std::string message;
};

constexpr int kDefaultPageSize = 25;
constexpr int kMaxPageSize = 1000;
constexpr double kDefaultFuzzyThreshold = 0.3;

struct Query {
    FilterPtr filter;  // null: everything
    Matching matching = Matching::kExact;
    double fuzzy_threshold = kDefaultFuzzyThreshold;
    std::vector<SortKey> sort;  // id is always the final tiebreak; see store
    int page = 1;
    int page_size = kDefaultPageSize;
    std::vector<ViewSpec> view;
    CountMode count = CountMode::kAuto;
    // The fields to return (query/field_selection.hpp): entity order, id first; empty: all.
    std::vector<const schema::Field*> fields;
    std::vector<RequestWarning> warnings;  // for the caller; the store ignores them
    // Whether limits.query_timeout_ms bounds this list. Only the server's own start-up reads
    // (e.g. "does an administrator exist?") set it false: a client-facing limit must not keep the
    // server from starting on a cold cache.
    bool time_limited = true;
};

}  // namespace ea::query
