// A small schema with one field of every type (and the awkward cases: enum spelling, a write_only
// password, references with and without the "Id" suffix), shared by the query tests.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <string>

#include "query/filter.hpp"
#include "schema/schema.hpp"
#include "testing/test_schema.hpp"

namespace ea::query::testing {

inline const schema::Schema& TypesSchema() {
    static const schema::SchemaPtr schema = ea::testing::SchemaFromText(R"(project: query-tests
Other:
  fields:
    label:
      type: String
    code:
      type: Integer
Person:
  services:
    auth:
      login: username
      password: password
  fields:
    username:
      type: String
      required: true
    password:
      type: String
      required: true
Thing:
  fields:
    s:
      type: String
    e:
      type: String
      enum: [Red, green, BLUE]
    i:
      type: Integer
    n:
      type: Number
    b:
      type: Boolean
    c:
      type: Currency
    d:
      type: Date
    dt:
      type: Datetime
    otherId:
      type: ObjectId
    backupOtherId:
      type: ObjectId
      references: Other
    owner:
      type: ObjectId
      references: Other
    personId:
      type: ObjectId
    j:
      type: JSON
    tags:
      type: Array[String]
    nums:
      type: Array[Integer]
    dates:
      type: Array[Date]
)");
    return *schema;
}

inline const schema::Entity& Thing() { return *TypesSchema().FindEntity("Thing"); }
inline const schema::Entity& Person() { return *TypesSchema().FindEntity("Person"); }
inline const schema::Field& ThingField(std::string_view name) {
    return *Thing().FindField(name);
}

inline const schema::Entity& DefaultEntity(std::string_view name) {
    const auto* entity = ea::testing::DefaultSchema().FindEntity(name);
    if (entity == nullptr) std::abort();
    return *entity;
}

inline std::string_view OpText(Op op) {
    switch (op) {
        case Op::kEq: return "$eq";
        case Op::kNe: return "$ne";
        case Op::kGt: return "$gt";
        case Op::kGte: return "$gte";
        case Op::kLt: return "$lt";
        case Op::kLte: return "$lte";
        case Op::kIn: return "$in";
        case Op::kNin: return "$nin";
        case Op::kExists: return "$exists";
    }
    return "?";
}

// A filter tree as compact text, for assertions: (and a $eq 1 (or b $gt 2 ...)).
inline std::string Dump(const FilterNode* node) {
    if (node == nullptr) return "<all>";
    if (node->kind == FilterNode::Kind::kComparison) {
        return node->comparison.field->name + " " + std::string(OpText(node->comparison.op)) + " " +
               boost::json::serialize(node->comparison.value);
    }
    std::string out = node->kind == FilterNode::Kind::kAnd ? "(and" : "(or";
    for (const auto& child : node->children) out += " " + Dump(child.get());
    return out + ")";
}

}  // namespace ea::query::testing
