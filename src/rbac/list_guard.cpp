#include "rbac/list_guard.hpp"

#include <utility>

namespace ea::rbac {

Result<PageSize> GuardList(const EntityAccess& access, query::Query& query, const IdLookup& ids) {
    if (auto allowed = access.Authorize(Action::kRead); !allowed) {
        return allowed.error();
    }
    if (auto checked = CheckQuery(access, query); !checked) {
        return checked.error();
    }
    auto scope = ScopeFilter(access, ids);
    if (!scope) {
        return scope.error();
    }
    const PageSize page = ClampPageSize(access, query.page_size);
    query.page_size = page.page_size;
    query.filter = AndFilters(std::move(query.filter), std::move(*scope));
    return page;
}

}  // namespace ea::rbac
