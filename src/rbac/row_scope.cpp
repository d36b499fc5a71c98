#include "rbac/row_scope.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "common/ids.hpp"

namespace ea::rbac {
namespace {

Error Outside(const EntityAccess& access, Action action, std::string_view why) {
    return Error{ErrorCode::kForbidden, access.Subject() + " cannot " +
                                            std::string(ToString(action)) + " " +
                                            access.entity().name() + " " + std::string(why)};
}

query::FilterPtr Compare(const schema::Field* field, query::Op op, boost::json::value value) {
    auto node = std::make_unique<query::FilterNode>();
    node->kind = query::FilterNode::Kind::kComparison;
    node->comparison = query::Comparison{field, op, std::move(value)};
    return node;
}

// The id a record's field holds, normalized; empty when absent or not an id.
std::string IdValue(const Record& record, const schema::Field& field) {
    const auto* value = record.if_contains(field.name);
    if (value == nullptr || !value->is_string() || !IsValidId(value->get_string())) {
        return {};
    }
    return NormalizeId(value->get_string());
}

}  // namespace

bool IsScoped(const EntityAccess& access) {
    return access.rule() != nullptr && !access.rule()->scope_path.empty();
}

Result<query::FilterPtr> ScopeFilter(const EntityAccess& access, const IdLookup& ids) {
    if (!IsScoped(access)) {
        return query::FilterPtr();
    }
    const std::string& account = access.principal().account_id;
    if (!IsValidId(account)) {
        return Outside(access, Action::kRead, "without an account");
    }
    const auto& path = access.rule()->scope_path;
    // From the far end: the last field holds the account id itself.
    query::FilterPtr filter =
        Compare(path.back(), query::Op::kEq, boost::json::string(NormalizeId(account)));
    for (std::size_t i = path.size() - 1; i > 0; --i) {
        const schema::Field* via = path[i - 1];  // a reference into path[i]'s entity
        auto found = ids(*via->target, std::move(filter));
        if (!found) {
            return found.error();
        }
        if (found->empty()) {
            // Matches nothing: every record has an id.
            return Compare(access.entity().FindField("id"), query::Op::kExists, false);
        }
        boost::json::array list;
        list.reserve(found->size());
        for (auto& id : *found) {
            list.emplace_back(boost::json::string(id));
        }
        filter = Compare(via, query::Op::kIn, std::move(list));
    }
    return filter;
}

query::FilterPtr AndFilters(query::FilterPtr a, query::FilterPtr b) {
    if (a == nullptr) {
        return b;
    }
    if (b == nullptr) {
        return a;
    }
    auto node = std::make_unique<query::FilterNode>();
    node->kind = query::FilterNode::Kind::kAnd;
    node->children.push_back(std::move(a));
    node->children.push_back(std::move(b));
    return node;
}

Status CheckRowScope(const EntityAccess& access, Action action, const Record& record,
                     const RecordLookup& get) {
    if (!IsScoped(access)) {
        return Ok();
    }
    const std::string& account = access.principal().account_id;
    if (!IsValidId(account)) {
        return Outside(access, action, "without an account");
    }
    const auto& path = access.rule()->scope_path;
    std::string id = IdValue(record, *path.front());
    for (std::size_t i = 1; i < path.size() && !id.empty(); ++i) {
        auto next = get(*path[i - 1]->target, id);
        if (!next) {
            if (next.error().code != ErrorCode::kNotFound) {
                return next.error();
            }
            id.clear();
            break;
        }
        id = IdValue(*next, *path[i]);
    }
    if (id.empty() || id != NormalizeId(account)) {
        return Outside(access, action, "outside its account");
    }
    return Ok();
}

Result<ResolvedScope> ResolvedScope::Resolve(const EntityAccess& access, Action action,
                                             const IdLookup& ids) {
    ResolvedScope scope;
    scope.access_ = &access;
    scope.action_ = action;
    if (!IsScoped(access)) {
        return scope;
    }
    const std::string& account = access.principal().account_id;
    if (!IsValidId(account)) {
        return Outside(access, action, "without an account");
    }
    const auto& path = access.rule()->scope_path;
    scope.via_ = path.front();
    if (path.size() == 1) {
        scope.allowed_.push_back(NormalizeId(account));
        return scope;
    }
    // The ids the first reference may hold are those of path[0]->target's records in scope.
    query::FilterPtr filter =
        Compare(path.back(), query::Op::kEq, boost::json::string(NormalizeId(account)));
    for (std::size_t i = path.size() - 1; i > 0; --i) {
        const schema::Field* via = path[i - 1];
        auto found = ids(*via->target, std::move(filter));
        if (!found) {
            return found.error();
        }
        if (i == 1 || found->empty()) {
            for (auto& id : *found) {
                scope.allowed_.push_back(NormalizeId(id));
            }
            std::sort(scope.allowed_.begin(), scope.allowed_.end());
            return scope;
        }
        boost::json::array list;
        list.reserve(found->size());
        for (auto& id : *found) {
            list.emplace_back(boost::json::string(id));
        }
        filter = Compare(via, query::Op::kIn, std::move(list));
    }
    return scope;
}

Status ResolvedScope::Check(const Record& record) const {
    if (via_ == nullptr) {
        return Ok();
    }
    const std::string id = IdValue(record, *via_);
    if (id.empty() || !std::binary_search(allowed_.begin(), allowed_.end(), id)) {
        return Outside(*access_, action_, "outside its account");
    }
    return Ok();
}

}  // namespace ea::rbac
