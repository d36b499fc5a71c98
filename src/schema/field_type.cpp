#include "schema/field_type.hpp"

#include <array>
#include <utility>

namespace ea::schema {
namespace {

constexpr std::array<std::pair<std::string_view, FieldType>, 9> kScalarNames = {{
    {"String", FieldType::kString},
    {"Integer", FieldType::kInteger},
    {"Number", FieldType::kNumber},
    {"Boolean", FieldType::kBoolean},
    {"Currency", FieldType::kCurrency},
    {"Date", FieldType::kDate},
    {"Datetime", FieldType::kDatetime},
    {"ObjectId", FieldType::kObjectId},
    {"JSON", FieldType::kJson},
}};

std::optional<FieldType> ParseSimple(std::string_view text) {
    for (const auto& [name, type] : kScalarNames) {
        if (name == text) {
            return type;
        }
    }
    return std::nullopt;
}

std::string_view SimpleName(FieldType type) {
    for (const auto& [name, candidate] : kScalarNames) {
        if (candidate == type) {
            return name;
        }
    }
    return "Array";
}

}  // namespace

std::optional<ParsedType> ParseFieldType(std::string_view text) {
    constexpr std::string_view kArrayOpen = "Array[";
    if (text.starts_with(kArrayOpen) && text.ends_with(']')) {
        const auto inner = text.substr(kArrayOpen.size(), text.size() - kArrayOpen.size() - 1);
        const auto element = ParseSimple(inner);
        if (!element || !IsScalar(*element)) {
            return std::nullopt;
        }
        return ParsedType{FieldType::kArray, *element};
    }
    const auto type = ParseSimple(text);
    if (!type) {
        return std::nullopt;
    }
    return ParsedType{*type, FieldType::kString};
}

std::string TypeName(FieldType type, FieldType element_type) {
    if (type == FieldType::kArray) {
        return "Array[" + std::string(SimpleName(element_type)) + "]";
    }
    return std::string(SimpleName(type));
}

bool IsScalar(FieldType type) { return type != FieldType::kJson && type != FieldType::kArray; }

}  // namespace ea::schema
