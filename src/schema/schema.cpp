#include "schema/schema.hpp"

#include <algorithm>
#include <cctype>

namespace ea::schema {

const Field* Entity::FindField(std::string_view name) const {
    const auto it = field_index_.find(std::string(name));
    return it == field_index_.end() ? nullptr : &fields_[it->second];
}

const Entity* Schema::FindEntity(std::string_view name) const {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto it = by_lower_name_.find(lower);
    return it == by_lower_name_.end() ? nullptr : it->second;
}

}  // namespace ea::schema
