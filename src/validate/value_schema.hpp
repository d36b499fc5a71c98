// The validator's rules for one field's value, as JSON Schema (2020-12, the dialect of OpenAPI 3.1
// and of MCP tool schemas). Both faces publish what this returns, so what a client's schema
// library accepts is what Validate accepts: the rules are written here once, beside the checks.
#pragma once

#include <boost/json/object.hpp>

#include "schema/schema.hpp"

namespace ea::validate {

// ids.hpp's IsValidId as a pattern: what a client may send as an id.
inline constexpr const char* kIdPattern = "^[A-Za-z0-9_.:-]{1,64}$";
// type_checks.cpp's bound on Currency amounts.
inline constexpr double kMaxCurrencyAmount = 1e13;

struct ValueSchemaOptions {
    // OpenAPI vendor extensions beside the rules: x-re2-pattern (the exact pattern when its ECMA
    // form differs or is missing), x-pattern-message, x-enum-message, x-references.
    bool extensions = false;
};

// The schema of a value a client may write into `field`: type, format, lengths, pattern, enum,
// bounds, array element rules and limits; optional (not built-in) fields also accept null, as
// the validator does. No description: each face words its own.
boost::json::object ValueSchema(const schema::Field& field, const ValueSchemaOptions& options = {});

// The JSON type, format and enum of one scalar of `type` with no value constraints: what a filter
// operand on `field` may be (a filter may compare against any value of the type).
boost::json::object OperandSchema(const schema::Field& field, schema::FieldType type);

}  // namespace ea::validate
