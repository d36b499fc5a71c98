// Field types of schema.yaml and their spelling ("String", "Array[String]", "ObjectId", ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ea::schema {

enum class FieldType {
    kString,
    kInteger,
    kNumber,
    kBoolean,
    kCurrency,  // a money amount: a number with at most two decimal places
    kDate,      // "YYYY-MM-DD"
    kDatetime,  // ISO 8601; stored normalised to UTC "YYYY-MM-DDTHH:MM:SS.mmmZ"
    kObjectId,  // a reference to another record's id (lower-case)
    kJson,      // a JSON object
    kArray,     // a list of scalars; Field::element_type says which
};

// Parses a type name as written in schema.yaml; "Array[String]" yields kArray with element kString.
// Returns nullopt for an unknown name. Element types may be any scalar (not Array or JSON).
struct ParsedType {
    FieldType type;
    FieldType element_type;  // meaningful only when type == kArray
};
std::optional<ParsedType> ParseFieldType(std::string_view text);

// The schema.yaml spelling: "String", "Array[Integer]", ...
std::string TypeName(FieldType type, FieldType element_type = FieldType::kString);

// True for types whose values are scalars (everything but kJson and kArray).
bool IsScalar(FieldType type);

}  // namespace ea::schema
