#include "rbac/authorizer.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <string>

#include "rbac/fields_where.hpp"

namespace ea::rbac {
namespace {

using schema::FieldAccess;

std::uint8_t Bit(Action action) {
    switch (action) {
        case Action::kRead:
            return schema::kRead;
        case Action::kCreate:
            return schema::kCreate;
        case Action::kUpdate:
            return schema::kUpdate;
        case Action::kDelete:
            return schema::kDelete;
    }
    return 0;
}

// The field's position in `entity`, or npos when it is not one of its fields (a caller bug:
// answered "no", never read out of bounds).
std::size_t Position(const schema::Entity& entity, const schema::Field& field) {
    const auto& fields = entity.fields();
    if (fields.empty() || std::less<>{}(&field, fields.data()) ||
        !std::less<>{}(&field, fields.data() + fields.size())) {
        assert(false && "a Field of another entity");
        return std::string::npos;
    }
    return static_cast<std::size_t>(&field - fields.data());
}

Error Denied(const EntityAccess& access, std::string_view verb, const schema::Field* field) {
    std::string message =
        access.Subject() + " cannot " + std::string(verb) + " " + access.entity().name();
    if (field != nullptr) {
        message += " on " + field->name;
    }
    return Error{ErrorCode::kForbidden, std::move(message)};
}

}  // namespace

std::string_view ToString(Action action) {
    switch (action) {
        case Action::kRead:
            return "read";
        case Action::kCreate:
            return "create";
        case Action::kUpdate:
            return "update";
        case Action::kDelete:
            return "delete";
    }
    return "?";
}

EntityAccess::EntityAccess(const schema::Schema& schema, const Principal& principal,
                           const schema::Entity& entity)
    : schema_(&schema), principal_(&principal), entity_(&entity) {
    if (!principal.authenticated) {
        return;
    }
    role_ = schema.access_policy().FindRole(principal.role);
    if (role_ != nullptr) {
        rule_ = role_->RuleFor(entity);
    }
}

bool EntityAccess::Allows(Action action) const {
    return rule_ != nullptr && (rule_->operations & Bit(action)) != 0;
}

bool EntityAccess::Offers(Action action) const {
    return Allows(action) && entity_->Allows(static_cast<schema::Operation>(Bit(action)));
}

Status EntityAccess::Authorize(Action action) const {
    if (!Allows(action)) {
        return Denied(*this, ToString(action), nullptr);
    }
    return Ok();
}

FieldAccess EntityAccess::FieldRule(const schema::Field& field) const {
    if (rule_ == nullptr) {
        return FieldAccess::kHidden;
    }
    const std::size_t position = Position(*entity_, field);
    return position < rule_->fields.size() ? rule_->fields[position] : FieldAccess::kHidden;
}

bool EntityAccess::CanRead(const schema::Field& field) const {
    const FieldAccess access = FieldRule(field);
    return access == FieldAccess::kFull || access == FieldAccess::kReadOnly;
}

bool EntityAccess::CanWrite(const schema::Field& field) const {
    const FieldAccess access = FieldRule(field);
    return access == FieldAccess::kFull || access == FieldAccess::kWriteOnly;
}

bool EntityAccess::CanQuery(const schema::Field& field) const {
    if (rule_ == nullptr) {
        return false;
    }
    const std::size_t position = Position(*entity_, field);
    return position < rule_->queryable.size() && rule_->queryable[position];
}

bool EntityAccess::CanEmbed(const schema::Field& field) const {
    if (rule_ == nullptr || !CanRead(field)) {
        return false;
    }
    return !rule_->forbidden[Position(*entity_, field)];  // CanRead: a field of this entity
}

std::vector<const schema::Field*> EntityAccess::ReadableFields() const {
    return detail::FieldsWhere(*entity_, [this](const schema::Field& f) { return CanRead(f); });
}

std::vector<const schema::Field*> EntityAccess::WritableFields() const {
    return detail::FieldsWhere(*entity_, [this](const schema::Field& f) { return CanWrite(f); });
}

std::vector<const schema::Field*> EntityAccess::QueryableFields() const {
    return detail::FieldsWhere(*entity_, [this](const schema::Field& f) { return CanQuery(f); });
}

std::vector<const schema::Field*> EntityAccess::EmbeddableFields() const {
    return detail::FieldsWhere(*entity_, [this](const schema::Field& f) { return CanEmbed(f); });
}

int EntityAccess::MaxPageSize() const {
    int maximum = query::kMaxPageSize;
    if (role_ != nullptr && role_->max_page_size > 0) {
        maximum = std::min(maximum, role_->max_page_size);
    }
    if (rule_ != nullptr && rule_->max_page_size > 0) {
        maximum = std::min(query::kMaxPageSize, rule_->max_page_size);
    }
    return maximum;
}

std::string EntityAccess::Subject() const {
    // Whatever role an unauthenticated principal names, it is not that role.
    if (!principal_->authenticated) {
        return "unauthenticated caller";
    }
    if (principal_->role.empty()) {
        return "caller without a role";
    }
    return principal_->role + " role";
}

Status Authorize(const schema::Schema& schema, const Principal& principal, Action action,
                 const schema::Entity& entity) {
    return EntityAccess(schema, principal, entity).Authorize(action);
}

PageSize ClampPageSize(const EntityAccess& access, int requested) {
    const int maximum = access.MaxPageSize();
    if (requested > maximum) {
        return PageSize{maximum, true, maximum};
    }
    return PageSize{requested, false, maximum};
}

Status CheckFilter(const EntityAccess& access, const query::FilterNode* filter) {
    if (filter == nullptr) {
        return Ok();
    }
    if (filter->kind == query::FilterNode::Kind::kComparison) {
        const schema::Field* field = filter->comparison.field;
        if (field == nullptr || !access.CanQuery(*field)) {
            return Denied(access, "filter", field);
        }
        return Ok();
    }
    for (const auto& child : filter->children) {
        if (auto checked = CheckFilter(access, child.get()); !checked) {
            return checked;
        }
    }
    return Ok();
}

Status CheckQuery(const EntityAccess& access, const query::Query& query) {
    if (auto checked = CheckFilter(access, query.filter.get()); !checked) {
        return checked;
    }
    for (const auto& key : query.sort) {
        if (key.field == nullptr || !access.CanQuery(*key.field)) {
            return Denied(access, "sort", key.field);
        }
    }
    for (const auto& spec : query.view) {
        if (spec.reference == nullptr || spec.reference->target == nullptr) {
            return Denied(access, "view", spec.reference);
        }
        // The reference itself is a value of the listed record: it must be readable there.
        if (!access.CanEmbed(*spec.reference)) {
            return Denied(access, "view", spec.reference);
        }
        const EntityAccess target(access.schema(), access.principal(), *spec.reference->target);
        if (!target.Allows(Action::kRead)) {
            return Denied(target, "read", nullptr);
        }
        for (const schema::Field* field : spec.fields) {
            if (field == nullptr || !target.CanEmbed(*field)) {
                return Denied(target, "view", field);
            }
        }
    }
    for (const schema::Field* field : query.fields) {
        if (field == nullptr || !access.CanRead(*field)) {
            return Denied(access, "read", field);
        }
    }
    return Ok();
}

Status CheckCompletion(const EntityAccess& access, const schema::Field& field) {
    if (!access.Allows(Action::kRead) || !access.CanQuery(field)) {
        return Denied(access, "complete", &field);
    }
    return Ok();
}

}  // namespace ea::rbac
