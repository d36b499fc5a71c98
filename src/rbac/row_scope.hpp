// The row scope of a multi-tenant role (`row_scope: Account`): a scoped role sees and writes only
// rows whose reference chain leads to the caller's account. rbac does no I/O: where the chain has
// more than one step, the service passes in how to look ids and records up in its store.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/filter.hpp"
#include "rbac/authorizer.hpp"

namespace ea::rbac {

// Ids of `entity`'s records matching `filter`, all of them (no paging). The filter is handed over
// so it can go straight into a query::Query for the store.
using IdLookup = std::function<Result<std::vector<std::string>>(const schema::Entity& entity,
                                                                query::FilterPtr filter)>;
// The record of `entity` with `id`, or its error (kNotFound when there is none).
using RecordLookup =
    std::function<Result<Record>(const schema::Entity& entity, std::string_view id)>;

// Whether the role's rows of this entity are scoped (the rule has a scope path).
bool IsScoped(const EntityAccess& access);

// The filter to AND into every list query of a scoped role (see AndFilters), or null when the
// entity is not scoped. One step (User.accountId) becomes `accountId = <account>`; a longer chain
// (Profile.userId -> User.accountId) becomes `userId $in [ids]`, the ids found with `ids` from the
// far end inwards; no ids gives a filter matching nothing. A scoped role whose principal has no
// account gets kForbidden "<role> role cannot read <Entity> without an account".
[[nodiscard]] Result<query::FilterPtr> ScopeFilter(const EntityAccess& access, const IdLookup& ids);

// `a AND b`; either may be null (then the other is returned).
query::FilterPtr AndFilters(query::FilterPtr a, query::FilterPtr b);

// Single-record access (get, update, delete: the stored record; create and update: the record as
// it will be written): Ok when the record's chain leads to the caller's account, following
// references with `get`; otherwise kForbidden "tenant role cannot update Profile outside its
// account" (a missing reference or a referenced record that does not exist counts as outside).
// Ok for an entity that is not scoped.
[[nodiscard]] Status CheckRowScope(const EntityAccess& access, Action action, const Record& record,
                                   const RecordLookup& get);

// The row scope resolved before a write transaction, so the check inside it (a store Merge or
// Check callback, which must not call back into the store) needs no look-up: the ids the scoped
// entity's first scope reference may hold. One step (User.accountId): the caller's account. A
// longer chain (Profile.userId -> User.accountId): the ids found with `ids`, as ScopeFilter finds
// them. Unscoped: every record passes.
class ResolvedScope {
public:
    // Errors: kForbidden "<role> role cannot <action> <Entity> without an account"; ids' errors.
    [[nodiscard]] static Result<ResolvedScope> Resolve(const EntityAccess& access, Action action,
                                                       const IdLookup& ids);

    // Ok when `record` is inside the scope; otherwise kForbidden "ai_agent role cannot update
    // Profile outside its account", as CheckRowScope says it.
    [[nodiscard]] Status Check(const Record& record) const;

private:
    const EntityAccess* access_ = nullptr;
    Action action_ = Action::kRead;
    const schema::Field* via_ = nullptr;  // null: not scoped
    std::vector<std::string> allowed_;    // normalized ids, sorted
};

}  // namespace ea::rbac
