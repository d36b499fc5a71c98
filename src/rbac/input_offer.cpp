#include "rbac/input_offer.hpp"

#include "rbac/authorizer.hpp"
#include "rbac/fields_where.hpp"

namespace ea::rbac {
namespace {

// Set by the server, never by a client (id, createdAt, updatedAt).
bool ServerSet(const schema::Field& field) {
    return field.built_in || field.auto_generate || field.auto_update;
}

bool SortableType(const schema::Field& field) {
    return field.type != schema::FieldType::kJson && field.type != schema::FieldType::kArray;
}

}  // namespace

InputOffer::InputOffer(const schema::Schema& schema, const Principal& principal)
    : schema_(&schema), principal_(&principal) {}

bool InputOffer::MayRead(const schema::Entity& entity) const {
    if (!restricted()) {
        return entity.Allows(schema::kRead);
    }
    return EntityAccess(*schema_, *principal_, entity).Offers(Action::kRead);
}

bool InputOffer::MayCreate(const schema::Entity& entity) const {
    if (!restricted()) {
        return entity.Allows(schema::kCreate);
    }
    return EntityAccess(*schema_, *principal_, entity).Offers(Action::kCreate);
}

bool InputOffer::MayUpdate(const schema::Entity& entity) const {
    if (!restricted()) {
        return entity.Allows(schema::kUpdate);
    }
    return EntityAccess(*schema_, *principal_, entity).Offers(Action::kUpdate);
}

bool InputOffer::Filterable(const schema::Entity& entity, const schema::Field& field) const {
    if (field.write_only) {
        return false;  // a filter on a password would be an oracle, whatever the role
    }
    return !restricted() || EntityAccess(*schema_, *principal_, entity).CanQuery(field);
}

bool InputOffer::Sortable(const schema::Entity& entity, const schema::Field& field) const {
    return SortableType(field) && Filterable(entity, field);
}

bool InputOffer::Readable(const schema::Entity& entity, const schema::Field& field) const {
    if (field.write_only) {
        return false;
    }
    return !restricted() || EntityAccess(*schema_, *principal_, entity).CanRead(field);
}

bool InputOffer::Settable(const schema::Entity& entity, const schema::Field& field) const {
    if (ServerSet(field)) {
        return false;
    }
    return !restricted() || EntityAccess(*schema_, *principal_, entity).CanWrite(field);
}

bool InputOffer::Embeddable(const schema::Relation& relation) const {
    if (relation.from == nullptr || relation.field == nullptr || relation.to == nullptr ||
        relation.field->write_only) {
        return false;
    }
    if (!restricted()) {
        return true;
    }
    // As CheckQuery decides a view: the reference embeddable where it is, and the referenced
    // entity readable by the role (its own read rule).
    return EntityAccess(*schema_, *principal_, *relation.from).CanEmbed(*relation.field) &&
           EntityAccess(*schema_, *principal_, *relation.to).Allows(Action::kRead);
}

bool InputOffer::EmbeddableField(const schema::Entity& target, const schema::Field& field) const {
    if (field.write_only) {
        return false;
    }
    return !restricted() || EntityAccess(*schema_, *principal_, target).CanEmbed(field);
}

std::vector<const schema::Field*> InputOffer::FilterableFields(const schema::Entity& entity) const {
    return detail::FieldsWhere(entity,
                               [&](const schema::Field& f) { return Filterable(entity, f); });
}

std::vector<const schema::Field*> InputOffer::SortableFields(const schema::Entity& entity) const {
    return detail::FieldsWhere(entity, [&](const schema::Field& f) { return Sortable(entity, f); });
}

std::vector<const schema::Field*> InputOffer::ReadableFields(const schema::Entity& entity) const {
    return detail::FieldsWhere(entity, [&](const schema::Field& f) { return Readable(entity, f); });
}

std::vector<const schema::Field*> InputOffer::SettableFields(const schema::Entity& entity) const {
    return detail::FieldsWhere(entity, [&](const schema::Field& f) { return Settable(entity, f); });
}

std::vector<const schema::Relation*> InputOffer::EmbeddableRelations(
    const schema::Entity& entity) const {
    std::vector<const schema::Relation*> out;
    for (const auto& relation : entity.references()) {
        if (Embeddable(relation)) {
            out.push_back(&relation);
        }
    }
    return out;
}

std::vector<const schema::Field*> InputOffer::EmbeddableFields(const schema::Entity& target) const {
    return detail::FieldsWhere(target,
                               [&](const schema::Field& f) { return EmbeddableField(target, f); });
}

}  // namespace ea::rbac
