// The filter language as a checked AST: every node names a schema::Field (never request text), and
// every value is already coerced to the field's type (see filter_parser.hpp). Backends translate it.
#pragma once

#include <boost/json/value.hpp>

#include <memory>
#include <vector>

#include "schema/schema.hpp"

namespace ea::query {

enum class Op { kEq, kNe, kGt, kGte, kLt, kLte, kIn, kNin, kExists };

struct FilterNode;
using FilterPtr = std::unique_ptr<FilterNode>;

// One comparison: `field op value`. For kIn/kNin `value` is an array; for kExists a bool.
// Values are canonical for the field type: Date "YYYY-MM-DD", Datetime "YYYY-MM-DDTHH:MM:SS.mmmZ",
// Currency a double with at most two decimals, ObjectId lower-case, enum values as the schema spells
// them, Boolean a bool. On Array fields, kEq/kNe/kIn/kNin test the elements (any element matches).
struct Comparison {
    const schema::Field* field = nullptr;
    Op op = Op::kEq;
    boost::json::value value;
};

struct FilterNode {
    enum class Kind { kComparison, kAnd, kOr };
    Kind kind = Kind::kAnd;
    Comparison comparison;           // when kind == kComparison
    std::vector<FilterPtr> children;  // when kind is kAnd / kOr
};

}  // namespace ea::query
