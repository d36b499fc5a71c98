#include "validate/value_schema.hpp"

#include <algorithm>
#include <optional>

#include <boost/json/array.hpp>

#include "schema/ecma_pattern.hpp"
#include "validate/validator.hpp"

namespace ea::validate {
namespace {

using boost::json::array;
using boost::json::object;
using schema::Field;
using schema::FieldType;

array EnumValues(const Field& field) {
    array values;
    for (const auto& v : field.enum_rule->values) {
        values.emplace_back(v);
    }
    return values;
}

// The rules for one scalar of `type`. `for_element`: an Array element, which takes the field's
// pattern, enum and bounds but not its lengths (those count elements).
object ScalarSchema(const Field& field, FieldType type, bool for_element,
                    const ValueSchemaOptions& options) {
    object s = OperandSchema(field, type);
    // `limit`: the validator's own bound beyond the schema's ge/le (Currency only).
    const auto add_bounds = [&](std::optional<double> limit) {
        if (field.ge || limit) {
            s["minimum"] = limit ? std::max(field.ge.value_or(-*limit), -*limit) : *field.ge;
        }
        if (field.le || limit) {
            s["maximum"] = limit ? std::min(field.le.value_or(*limit), *limit) : *field.le;
        }
    };
    switch (type) {
        case FieldType::kString:
            if (!for_element && field.min_length) {
                s["minLength"] = *field.min_length;
            }
            if (!for_element && field.max_length) {
                s["maxLength"] = *field.max_length;
            }
            if (field.pattern) {
                if (auto ecma = schema::EcmaPattern(field.pattern->regex)) {
                    s["pattern"] = *ecma;
                }
                if (options.extensions) {
                    s["x-re2-pattern"] = field.pattern->regex;
                    s["x-pattern-message"] = field.pattern->message;
                }
            }
            if (field.enum_rule && options.extensions) {
                s["x-enum-message"] = field.enum_rule->message;
            }
            break;
        case FieldType::kInteger:
        case FieldType::kNumber:
            add_bounds(std::nullopt);
            break;
        case FieldType::kCurrency:
            s["multipleOf"] = 0.01;
            add_bounds(kMaxCurrencyAmount);
            break;
        case FieldType::kObjectId:
            if (field.target != nullptr && options.extensions) {
                s["x-references"] = field.target->name();
            }
            break;
        default:
            break;
    }
    return s;
}

}  // namespace

object OperandSchema(const Field& field, FieldType type) {
    switch (type) {
        case FieldType::kString: {
            object s{{"type", "string"}};
            if (field.enum_rule) {
                s["enum"] = EnumValues(field);
            }
            return s;
        }
        case FieldType::kInteger:
            return object{{"type", "integer"}};
        case FieldType::kNumber:
        case FieldType::kCurrency:
            return object{{"type", "number"}};
        case FieldType::kBoolean:
            return object{{"type", "boolean"}};
        case FieldType::kDate:
            return object{{"type", "string"}, {"format", "date"}};
        case FieldType::kDatetime:
            return object{{"type", "string"}, {"format", "date-time"}};
        case FieldType::kObjectId:
            return object{{"type", "string"}, {"pattern", kIdPattern}};
        case FieldType::kJson:
            return object{{"type", "object"}};
        case FieldType::kArray:
            // The loader refuses arrays of arrays; an element is always a scalar.
            return object{{"type", "array"}};
    }
    return object{};
}

object ValueSchema(const Field& field, const ValueSchemaOptions& options) {
    object s;
    if (field.type == FieldType::kArray) {
        s["type"] = "array";
        s["items"] = ScalarSchema(field, field.element_type, true, options);
        if (field.min_length) {
            s["minItems"] = *field.min_length;
        }
        s["maxItems"] = std::min<std::int64_t>(
            field.max_length.value_or(static_cast<std::int64_t>(kMaxArrayElements)),
            static_cast<std::int64_t>(kMaxArrayElements));
    } else {
        s = ScalarSchema(field, field.type, false, options);
    }
    if (!field.required && !field.built_in) {
        s["type"] = array{s["type"], "null"};
        if (auto* values = s.if_contains("enum")) {
            values->as_array().emplace_back(nullptr);
        }
    }
    if (field.default_value) {
        s["default"] = *field.default_value;
    }
    return s;
}

}  // namespace ea::validate
