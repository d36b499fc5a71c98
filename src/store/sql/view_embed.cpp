#include "store/sql/view_embed.hpp"

#include <set>

namespace ea::store::sql {

using boost::json::value;

Status CheckView(const schema::Entity& entity, const std::vector<query::ViewSpec>& view) {
    for (const auto& spec : view) {
        if (spec.reference == nullptr || !spec.reference->is_reference() ||
            entity.FindField(spec.reference->name) != spec.reference) {
            return InvalidArgument("view names a field that is not a reference of " +
                                   entity.name());
        }
    }
    return Ok();
}

std::vector<std::string> ReferencedIds(const std::vector<Record>& rows,
                                       const schema::Field& reference) {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const auto& row : rows) {
        const value* v = row.if_contains(reference.name);
        if (v != nullptr && v->is_string() && seen.insert(std::string(v->get_string())).second) {
            ids.emplace_back(v->get_string());
        }
    }
    return ids;
}

void AttachView(const query::ViewSpec& spec, const std::unordered_map<std::string, Record>& found,
                std::vector<Record>& rows, std::vector<Notice>& warnings) {
    const schema::Field& reference = *spec.reference;
    std::set<std::string> warned;
    for (auto& row : rows) {
        const value* v = row.if_contains(reference.name);
        if (v == nullptr || !v->is_string()) {
            row[spec.name] = nullptr;
            continue;
        }
        std::string id(v->get_string());
        if (auto it = found.find(id); it != found.end()) {
            row[spec.name] = it->second;
            continue;
        }
        row[spec.name] = boost::json::object{{"exists", false}, {"id", id}};
        if (warned.insert(id).second) {
            warnings.push_back(Notice{spec.name, reference.target->name() + " " + id +
                                                     " (referenced by " + reference.name +
                                                     ") no longer exists"});
        }
    }
}

}  // namespace ea::store::sql
