#include "schema/schema.hpp"

namespace ea::schema {

const Field* Entity::FindField(std::string_view name) const {
    const auto it = field_index_.find(name);
    return it == field_index_.end() ? nullptr : &fields_[it->second];
}

const Field* Entity::ResolveField(std::string_view name) const {
    if (const Field* exact = FindField(name)) {
        return exact;
    }
    const auto it = field_index_ignoring_case_.find(name);
    return it == field_index_ignoring_case_.end() ? nullptr : &fields_[it->second];
}

const Entity* Schema::FindEntity(std::string_view name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

Result<const Entity*> Schema::LookupEntity(std::string_view name) const {
    if (const Entity* entity = FindEntity(name)) {
        return entity;
    }
    std::string names;
    for (const auto& entity : entities_) {
        names += names.empty() ? "" : ", ";
        names += entity->name();
    }
    return NotFound("unknown entity '" + std::string(name.substr(0, 64)) + "'; entities: " + names);
}

}  // namespace ea::schema
