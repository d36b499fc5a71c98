#include "rbac/field_mask.hpp"

#include <string>

#include <boost/json/object.hpp>

namespace ea::rbac {
namespace {

const query::ViewSpec* FindView(const std::vector<query::ViewSpec>& view, std::string_view key) {
    for (const auto& spec : view) {
        if (spec.name == key) {
            return &spec;
        }
    }
    return nullptr;
}

// Keeps `record`'s keys for which `keep(key, value)` is true, in order. Allocates only when
// something is dropped (admin reads and most rows drop nothing but the password, which a store
// never returns).
template <class Keep>
void KeepOnly(Record& record, Keep keep) {
    bool all_kept = true;
    for (auto& entry : record) {
        if (!keep(entry.key(), entry.value())) {
            all_kept = false;
            break;
        }
    }
    if (all_kept) {
        return;
    }
    Record kept(record.storage());
    kept.reserve(record.size());
    for (auto& entry : record) {
        if (keep(entry.key(), entry.value())) {
            kept.emplace(entry.key(), std::move(entry.value()));
        }
    }
    record = std::move(kept);
}

}  // namespace

void MaskForRead(const EntityAccess& access, Record& record,
                 const std::vector<query::ViewSpec>& view) {
    const schema::Entity& entity = access.entity();
    KeepOnly(record, [&](std::string_view key, boost::json::value& value) {
        if (const schema::Field* field = entity.FindField(key); field != nullptr) {
            if (field->name == key) {
                return access.CanRead(*field);
            }
        }
        const query::ViewSpec* spec = FindView(view, key);
        if (spec == nullptr || spec->reference == nullptr || spec->reference->target == nullptr) {
            return false;
        }
        if (value.is_null()) {
            return true;
        }
        if (!value.is_object()) {
            return false;
        }
        const EntityAccess target(access.schema(), access.principal(), *spec->reference->target);
        if (!target.Allows(Action::kRead)) {
            return false;
        }
        KeepOnly(value.get_object(), [&](std::string_view sub_key, boost::json::value&) {
            // The store's marker of whether the referenced record still exists: not a field.
            if (sub_key == "exists") {
                return true;
            }
            const schema::Field* sub = target.entity().FindField(sub_key);
            return sub != nullptr && sub->name == sub_key && target.CanEmbed(*sub);
        });
        return true;
    });
}

Status CheckWrite(const EntityAccess& access, const Record& body) {
    const schema::Entity& entity = access.entity();
    std::string names;
    std::vector<FieldError> fields;
    for (const auto& entry : body) {
        // Ignoring case, as the validator resolves body keys: "Role" must not slip past.
        const schema::Field* field = entity.ResolveField(entry.key());
        if (field == nullptr || access.CanWrite(*field)) {
            continue;
        }
        names += (names.empty() ? "" : ", ") + entity.name() + "." + field->name;
        const bool hidden = !access.CanRead(*field);
        // The whole sentence per field: REST's error envelope lists the field errors, MCP the
        // message, and both must say the same thing.
        fields.push_back({field->name, access.Subject() + " cannot set " + entity.name() + "." +
                                           field->name + " (" +
                                           (hidden ? "hidden from " : "read_only for ") +
                                           access.principal().role + ")"});
    }
    if (fields.empty()) {
        return Ok();
    }
    return Error{ErrorCode::kForbidden, access.Subject() + " cannot set " + names,
                 std::move(fields)};
}

}  // namespace ea::rbac
