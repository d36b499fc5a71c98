// What one principal is offered as input: per entity, the fields it may filter on, sort by, read
// (a `fields`-like enum), set on create/update, and the references it may embed through `view`
// with the fields of each. The one rule set everything that describes a caller's inputs prunes by
// (MCP tool input schemas, compact tools' enums), so a schema never offers what the service would
// refuse: the same EntityAccess answers CheckQuery, CheckWrite and MaskForRead use, intersected
// with what the query layer supports (no sort on JSON or array fields). Pure; cheap enough to call
// per field, but meant to be used once per schema load and role, never per call.
#pragma once

#include <vector>

#include "common/principal.hpp"
#include "schema/schema.hpp"

namespace ea::rbac {

class InputOffer {
public:
    // No principal: what the query layer offers anyone, without a role's rules (the generated
    // tool reference, docs/mcp/tools.md). Write-only fields (the password) are still never
    // queryable or readable.
    InputOffer() = default;
    // `principal` as its role may: default deny (an unknown role, or an unauthenticated
    // principal, is offered nothing). `schema` and `principal` must outlive the offer.
    InputOffer(const schema::Schema& schema, const Principal& principal);
    InputOffer(const schema::Schema& schema, Principal&& principal) = delete;

    // Whether a role's rules apply (false for the default-constructed offer).
    bool restricted() const { return principal_ != nullptr; }

    // May read (list, get, aggregate) records of `entity`: the role grants it and the entity's
    // operations allow it.
    bool MayRead(const schema::Entity& entity) const;
    // Likewise for create and update.
    bool MayCreate(const schema::Entity& entity) const;
    bool MayUpdate(const schema::Entity& entity) const;

    // May name `field` of `entity` in a filter (any operator, $exists too); never a write-only one.
    bool Filterable(const schema::Entity& entity, const schema::Field& field) const;
    // Filterable and of a type the sort supports (not JSON, not an array).
    bool Sortable(const schema::Entity& entity, const schema::Field& field) const;
    // Returned in records (what a field selection may name).
    bool Readable(const schema::Entity& entity, const schema::Field& field) const;
    // May be set on create/update: a client-set field (not id, createdAt, updatedAt) the role may
    // write (read-only and hidden ones are not; a write-only password is).
    bool Settable(const schema::Entity& entity, const schema::Field& field) const;
    // May embed `relation.to` through `relation.field` in a `view`: the reference is embeddable in
    // its own entity and the role may read the referenced entity.
    bool Embeddable(const schema::Relation& relation) const;
    // May embed `field` of the referenced entity `target` (readable, not in forbidden_filters).
    bool EmbeddableField(const schema::Entity& target, const schema::Field& field) const;

    // The fields of `entity` in entity order for which the predicate above holds.
    std::vector<const schema::Field*> FilterableFields(const schema::Entity& entity) const;
    std::vector<const schema::Field*> SortableFields(const schema::Entity& entity) const;
    std::vector<const schema::Field*> ReadableFields(const schema::Entity& entity) const;
    std::vector<const schema::Field*> SettableFields(const schema::Entity& entity) const;
    // The references of `entity` that are Embeddable, in schema order.
    std::vector<const schema::Relation*> EmbeddableRelations(const schema::Entity& entity) const;
    std::vector<const schema::Field*> EmbeddableFields(const schema::Entity& target) const;

private:
    const schema::Schema* schema_ = nullptr;
    const Principal* principal_ = nullptr;
};

}  // namespace ea::rbac
