#include "query/field_selection.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "query/field_lookup.hpp"

namespace ea::query {
namespace {

using detail::QueryError;

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

Status Add(const schema::Entity& entity, std::string_view name,
           std::vector<const schema::Field*>& selected) {
    auto field = detail::LookupField(entity, name, "fields");
    if (!field) {
        Error error = field.error();
        // Every field error of this argument names the argument, as page and sort errors do.
        for (auto& problem : error.fields) {
            problem.field = "fields";
        }
        return error;
    }
    if ((*field)->write_only) {
        return QueryError("fields: " + (*field)->name + " is write-only and never returned",
                          "fields");
    }
    selected.push_back(*field);
    return Ok();
}

}  // namespace

Result<std::vector<const schema::Field*>> ParseFieldSelection(const schema::Entity& entity,
                                                              const boost::json::value& value) {
    std::vector<const schema::Field*> selected;
    if (value.is_null()) {
        return selected;
    }
    if (value.is_string()) {
        const std::string_view text = value.get_string();
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto comma = text.find(',', start);
            const std::string_view name = Trim(text.substr(
                start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (!name.empty()) {
                if (auto added = Add(entity, name, selected); !added) {
                    return added.error();
                }
            }
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
    } else if (const auto* names = value.if_array()) {
        for (const auto& name : *names) {
            if (!name.is_string()) {
                return QueryError("fields: every item must be a field name (a string)", "fields");
            }
            if (auto added = Add(entity, name.get_string(), selected); !added) {
                return added.error();
            }
        }
    } else {
        return QueryError("fields: expected an array of field names", "fields");
    }
    if (selected.empty()) {
        return selected;  // `fields=` or [] select nothing in particular: every field
    }
    selected.push_back(entity.FindField("id"));
    // Entity order (fields() is a vector, so its addresses are ordered), no duplicates.
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    return selected;
}

void SelectFields(Record& record, const std::vector<const schema::Field*>& fields,
                  const std::vector<ViewSpec>& view) {
    if (fields.empty()) {
        return;
    }
    // A new object rather than erase, which moves the last member into the gap: the record
    // keeps its order.
    Record selected(record.storage());
    selected.reserve(fields.size() + view.size());
    for (auto& member : record) {
        const std::string_view key = member.key();
        if (std::any_of(fields.begin(), fields.end(),
                        [&](const schema::Field* field) { return field->name == key; }) ||
            std::any_of(view.begin(), view.end(),
                        [&](const ViewSpec& spec) { return spec.name == key; })) {
            selected.emplace(key, std::move(member.value()));
        }
    }
    record = std::move(selected);
}

}  // namespace ea::query
