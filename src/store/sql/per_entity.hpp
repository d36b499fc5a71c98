// What a SQL store builds once per entity of its schema at open (the statements of every get and
// write), looked up by entity on every call. Passing an entity of another schema is a programming
// error (a REQUIRES of DocumentStore): it aborts, naming the entity.
#pragma once

#include <unordered_map>

#include "schema/schema.hpp"

namespace ea::store::sql {

// Aborts: `entity` is not of the store's schema.
[[noreturn]] void AbortForeignEntity(const schema::Entity& entity);

template <class T>
class PerEntity {
public:
    template <class Build>
    PerEntity(const schema::Schema& schema, Build&& build) {
        for (const auto& entity : schema.entities()) {
            items_.emplace(entity.get(), build(*entity));
        }
    }

    const T& For(const schema::Entity& entity) const {
        auto it = items_.find(&entity);
        if (it == items_.end()) {
            AbortForeignEntity(entity);
        }
        return it->second;
    }

private:
    std::unordered_map<const schema::Entity*, T> items_;
};

}  // namespace ea::store::sql
