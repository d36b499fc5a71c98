#include "rbac/aggregate_guard.hpp"

#include <string>
#include <utility>

namespace ea::rbac {
namespace {

// The form of every read denial (authorizer.cpp): "<subject> cannot <verb> <Entity> on <field>".
Error Denied(const EntityAccess& access, std::string_view verb, const schema::Field& field) {
    return Error{ErrorCode::kForbidden, access.Subject() + " cannot " + std::string(verb) + " " +
                                            access.entity().name() + " on " + field.name};
}

bool MayAggregate(const EntityAccess& access, const schema::Field& field) {
    return access.CanRead(field) && access.CanQuery(field);
}

}  // namespace

Status GuardAggregate(const EntityAccess& access, query::AggregateQuery& query,
                      const IdLookup& ids) {
    if (auto allowed = access.Authorize(Action::kRead); !allowed) {
        return allowed;
    }
    if (auto checked = CheckFilter(access, query.filter.get()); !checked) {
        return checked;
    }
    for (const auto& metric : query.metrics) {
        if (metric.field != nullptr && !MayAggregate(access, *metric.field)) {
            return Denied(access, query::ToString(metric.op), *metric.field);
        }
    }
    for (const auto* field : query.group_by) {
        if (field == nullptr || !MayAggregate(access, *field)) {
            return field == nullptr
                       ? Error{ErrorCode::kForbidden,
                               access.Subject() + " cannot group " + access.entity().name()}
                       : Denied(access, "group", *field);
        }
    }
    auto scope = ScopeFilter(access, ids);
    if (!scope) {
        return scope.error();
    }
    query.filter = AndFilters(std::move(query.filter), std::move(*scope));
    return Ok();
}

}  // namespace ea::rbac
