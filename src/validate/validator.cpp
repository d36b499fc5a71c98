#include "validate/validator.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "validate/type_checks.hpp"

namespace ea::validate {
namespace {

using boost::json::value;
using schema::Entity;
using schema::Field;
using schema::FieldType;

constexpr std::string_view kReferenceSuffix = "Id";

// Fields the server sets itself (id, createdAt, updatedAt and any other auto field): a client's
// value for them is ignored so that a record read back can be written back unchanged.
bool IsServerSet(const Field& field) {
    return field.built_in || field.auto_generate || field.auto_update;
}

// True when `key` names the view sub-object of one of `entity`'s references ("account" for
// accountId), as List/Get with a `view` return it. Only objects and null qualify, so a scalar under
// that name is still reported as an unknown field.
bool IsViewKey(const Entity& entity, std::string_view key, const value& v) {
    if (!v.is_object() && !v.is_null()) {
        return false;
    }
    for (const auto& field : entity.fields()) {
        const std::string_view name = field.name;
        if (field.type == FieldType::kObjectId && name.size() > kReferenceSuffix.size() &&
            name.ends_with(kReferenceSuffix) &&
            name.substr(0, name.size() - kReferenceSuffix.size()) == key) {
            return true;
        }
    }
    return false;
}

// Checks an Array[T] value: count limits first, then every element (each bad one reported as
// "name[i]"). Returns the canonical array, or nullopt after appending to `errors`.
std::optional<value> CheckArray(const Field& field, const value& v,
                                std::vector<FieldError>& errors) {
    if (!v.is_array()) {
        errors.push_back({field.name, "must be an array"});
        return std::nullopt;
    }
    const auto& input = v.get_array();
    const auto count = static_cast<std::int64_t>(input.size());
    if (input.size() > kMaxArrayElements) {
        errors.push_back(
            {field.name, "must have at most " + std::to_string(kMaxArrayElements) + " elements"});
        return std::nullopt;
    }
    if (field.min_length && count < *field.min_length) {
        errors.push_back(
            {field.name, "must have at least " + std::to_string(*field.min_length) + " elements"});
        return std::nullopt;
    }
    if (field.max_length && count > *field.max_length) {
        errors.push_back(
            {field.name, "must have at most " + std::to_string(*field.max_length) + " elements"});
        return std::nullopt;
    }
    boost::json::array out;
    out.reserve(input.size());
    bool ok = true;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const std::string name = field.name + "[" + std::to_string(i) + "]";
        if (input[i].is_null()) {
            errors.push_back({name, "must not be null"});
            ok = false;
            continue;
        }
        // The field's pattern, enum and bounds apply to each element; its lengths to the count.
        auto checked = detail::CheckScalar(field, field.element_type, input[i], false);
        if (!checked.ok()) {
            errors.push_back({name, std::move(checked.message)});
            ok = false;
            continue;
        }
        out.push_back(std::move(*checked.value));
    }
    if (!ok) {
        return std::nullopt;
    }
    return value(std::move(out));
}

// Checks one present value of `field`. Returns the canonical value, or nullopt after appending
// the problem(s) to `errors`.
std::optional<value> CheckField(const Field& field, const value& v,
                                std::vector<FieldError>& errors) {
    if (v.is_null()) {
        if (field.required) {
            errors.push_back({field.name, "must not be null"});
            return std::nullopt;
        }
        return value(nullptr);
    }
    if (field.type == FieldType::kArray) {
        return CheckArray(field, v, errors);
    }
    auto checked = detail::CheckScalar(field, field.type, v, true);
    if (!checked.ok()) {
        errors.push_back({field.name, std::move(checked.message)});
        return std::nullopt;
    }
    return std::move(checked.value);
}

}  // namespace

Result<Record> Validate(const Entity& entity, const Record& input, Mode mode) {
    std::vector<FieldError> errors;
    Record out;
    for (const auto& field : entity.fields()) {
        if (IsServerSet(field)) {
            continue;
        }
        const value* given = input.if_contains(field.name);
        if (given == nullptr) {
            if (mode == Mode::kPatch) {
                continue;
            }
            if (mode == Mode::kCreate && field.default_value) {
                // Defaults go through the same check so they are stored canonically too.
                if (auto checked = CheckField(field, *field.default_value, errors)) {
                    out[field.name] = std::move(*checked);
                }
                continue;
            }
            // A client can never read a write-only field back (a password), so a replace that
            // omits one keeps the stored value; the caller copies it over.
            if (field.required && !(mode == Mode::kReplace && field.write_only)) {
                errors.push_back({field.name, "is required"});
            }
            continue;
        }
        if (auto checked = CheckField(field, *given, errors)) {
            out[field.name] = std::move(*checked);
        }
    }
    for (const auto& member : input) {
        const std::string_view key = member.key();
        if (entity.FindField(key) != nullptr || IsViewKey(entity, key, member.value())) {
            continue;
        }
        errors.push_back({detail::DisplayName(key), "is not a field of " + entity.name()});
    }
    if (!errors.empty()) {
        CapFieldErrors(errors);  // a body of a million unknown keys gets 101 entries, not 10^6
        return Error{ErrorCode::kValidationFailed, "record is invalid", std::move(errors)};
    }
    return out;
}

Result<value> ValidateValue(const Field& field, const value& v) {
    std::vector<FieldError> errors;
    auto checked = CheckField(field, v, errors);
    if (!checked) {
        return Error{ErrorCode::kValidationFailed, "value is invalid", std::move(errors)};
    }
    return std::move(*checked);
}

}  // namespace ea::validate
