#include "query/view.hpp"

#include <algorithm>
#include <string>

#include "query/field_lookup.hpp"
#include "query/value_coercion.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using detail::EqualsIgnoreCase;
using detail::QueryError;
using detail::QuoteName;

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The references a view key selects, first rule that matches wins:
//   1. the exact name of a referenced entity ("Other"): every reference to it;
//   2. a reference's view name or field name, any case ("other", "otherId"): that reference;
//   3. a referenced entity's name in any case ("OTHER"): every reference to it.
// Rule 1 comes first so an entity with two references to Other can embed both by naming Other.
std::vector<const schema::Relation*> SelectReferences(const schema::Entity& entity,
                                                      std::string_view key) {
    std::vector<const schema::Relation*> selected;
    const auto by_entity = [&](bool exact) {
        for (const auto& relation : entity.references()) {
            if (relation.to == nullptr) continue;
            if (exact ? relation.to->name() == key : EqualsIgnoreCase(relation.to->name(), key)) {
                selected.push_back(&relation);
            }
        }
    };
    by_entity(true);
    if (!selected.empty()) return selected;
    for (const auto& relation : entity.references()) {
        if (EqualsIgnoreCase(ViewName(*relation.field), key) ||
            EqualsIgnoreCase(relation.field->name, key)) {
            selected.push_back(&relation);
        }
    }
    if (!selected.empty()) return selected;
    by_entity(false);
    return selected;
}

std::string ListReferences(const schema::Entity& entity) {
    std::vector<std::string> names;
    for (const auto& relation : entity.references()) {
        names.push_back(ViewName(*relation.field) + " (" + relation.field->name + " -> " +
                        (relation.to != nullptr ? relation.to->name() : std::string("?")) + ")");
    }
    if (names.empty()) return entity.name() + " has no references";
    return "references of " + entity.name() + ": " + detail::JoinNames(names, 20);
}

Status AddEntry(const schema::Entity& entity, std::string_view key,
                const std::vector<std::string_view>& field_names, View& out) {
    const auto relations = SelectReferences(entity, key);
    if (relations.empty()) {
        out.warnings.push_back(RequestWarning{
            "view", "view " + QuoteName(key) + ": " + entity.name() + " has no reference " +
                        QuoteName(key) + "; ignored (" + ListReferences(entity) + ")"});
        return Ok();
    }
    for (const auto* relation : relations) {
        const schema::Field& reference = *relation->field;
        for (const auto& existing : out.specs) {
            if (existing.reference == &reference) {
                return QueryError("view names reference '" + reference.name + "' twice",
                                  reference.name);
            }
        }
        const schema::Entity& target = *relation->to;
        ViewSpec spec;
        spec.reference = &reference;
        spec.name = ViewName(reference);
        spec.fields.push_back(target.FindField("id"));
        for (const auto name : field_names) {
            auto lookup = detail::LookupField(target, name, "view '" + spec.name + "'");
            if (!lookup) {
                return lookup.error();
            }
            const schema::Field* field = *lookup;
            if (field->write_only) {
                return QueryError("view '" + spec.name + "': field '" + field->name + "' of " +
                                      target.name() + " is never returned",
                                  field->name);
            }
            if (std::find(spec.fields.begin(), spec.fields.end(), field) == spec.fields.end()) {
                spec.fields.push_back(field);
            }
        }
        out.specs.push_back(std::move(spec));
    }
    return Ok();
}

}  // namespace

std::string ViewName(const schema::Field& reference) {
    const std::string& name = reference.name;
    if (name.size() > 2 && name.compare(name.size() - 2, 2, "Id") == 0) {
        return name.substr(0, name.size() - 2);
    }
    return name + "Ref";
}

Result<View> ParseView(const schema::Entity& entity, const json::value& view) {
    View out;
    if (view.is_null()) return out;
    if (!view.is_object()) {
        return QueryError("view must be an object such as {\"account\": [\"id\", \"createdAt\"]}, "
                          "got " +
                              DescribeValue(view),
                          "view");
    }
    for (const auto& [key_view, value] : view.get_object()) {
        const std::string_view key(key_view.data(), key_view.size());
        if (!value.is_array()) {
            return QueryError("view " + QuoteName(key) + " must be an array of field names, got " +
                                  DescribeValue(value),
                              detail::FieldErrorName(key));
        }
        std::vector<std::string_view> names;
        for (const auto& item : value.get_array()) {
            if (!item.is_string()) {
                return QueryError("view " + QuoteName(key) +
                                      " must list field names (strings), got " +
                                      DescribeValue(item),
                                  detail::FieldErrorName(key));
            }
            names.emplace_back(item.get_string());
        }
        if (auto status = AddEntry(entity, key, names, out); !status) return status.error();
    }
    return out;
}

Result<View> ParseViewText(const schema::Entity& entity, std::string_view text) {
    View out;
    const auto syntax = [&](const std::string& what) {
        return QueryError("view " + QuoteName(text) + ": " + what +
                              "; expected name(field,...)[,name(field,...)]",
                          "view");
    };
    std::size_t pos = 0;
    if (Trim(text).empty()) return out;
    while (true) {
        const auto open = text.find('(', pos);
        if (open == std::string_view::npos) {
            return syntax("missing '(' after " + QuoteName(Trim(text.substr(pos))));
        }
        const std::string_view key = Trim(text.substr(pos, open - pos));
        if (key.empty()) return syntax("a reference name is missing before '('");
        if (key.find_first_of(",)") != std::string_view::npos) {
            return syntax("missing '(' after " + QuoteName(key.substr(0, key.find_first_of(",)"))));
        }
        const auto close = text.find(')', open + 1);
        if (close == std::string_view::npos) return syntax("missing ')'");
        const std::string_view inside = text.substr(open + 1, close - open - 1);
        if (inside.find('(') != std::string_view::npos) return syntax("unexpected '('");
        std::vector<std::string_view> names;
        std::size_t start = 0;
        while (true) {
            const auto comma = inside.find(',', start);
            const std::string_view name = Trim(inside.substr(
                start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (!name.empty()) {
                names.push_back(name);  // "id,,createdAt" is "id,createdAt"
            }
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
        if (names.empty()) {
            return syntax(QuoteName(key) + " names no field; list at least one, e.g. " +
                          QuoteName(std::string(key) + "(id)"));
        }
        if (auto status = AddEntry(entity, key, names, out); !status) return status.error();
        const std::string_view rest = Trim(text.substr(close + 1));
        if (rest.empty()) return out;
        if (rest.front() != ',') return syntax("unexpected text after ')'");
        pos = text.size() - rest.size() + 1;
    }
}

}  // namespace ea::query
