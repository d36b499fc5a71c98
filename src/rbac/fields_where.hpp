// The fields of an entity for which a rule holds, in entity order: what the rbac checks
// (authorizer.hpp, input_offer.hpp) list for a role.
#pragma once

#include <vector>

#include "schema/schema.hpp"

namespace ea::rbac::detail {

template <class Pred>
std::vector<const schema::Field*> FieldsWhere(const schema::Entity& entity, Pred pred) {
    std::vector<const schema::Field*> out;
    for (const auto& field : entity.fields()) {
        if (pred(field)) {
            out.push_back(&field);
        }
    }
    return out;
}

}  // namespace ea::rbac::detail
