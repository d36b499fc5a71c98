#include "query/sort.hpp"

#include <string>

#include "query/field_lookup.hpp"
#include "query/value_coercion.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;
using detail::QueryError;
using detail::QuoteName;
using schema::FieldType;

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

class SortBuilder {
public:
    explicit SortBuilder(const schema::Entity& entity) : entity_(entity) {}

    Status Add(std::string_view field_name, std::string_view direction) {
        auto field = detail::LookupField(entity_, field_name, "sort");
        if (!field) return field.error();
        const schema::Field& f = **field;
        if (f.write_only) {
            return QueryError("field '" + f.name + "' cannot be used in sort", f.name);
        }
        if (f.type == FieldType::kJson || f.type == FieldType::kArray) {
            return QueryError("field '" + f.name + "' (" + schema::TypeName(f.type, f.element_type) +
                                  ") cannot be sorted on",
                              f.name);
        }
        bool descending = false;
        if (direction.empty() || detail::EqualsIgnoreCase(direction, "asc")) {
            descending = false;
        } else if (detail::EqualsIgnoreCase(direction, "desc")) {
            descending = true;
        } else {
            return QueryError("sort on '" + f.name + "': unknown direction " +
                                  QuoteName(direction) + "; use asc or desc",
                              f.name);
        }
        for (const auto& key : keys_) {
            if (key.field == &f) {
                return QueryError("field '" + f.name + "' appears twice in sort", f.name);
            }
        }
        keys_.push_back(SortKey{&f, descending});
        return Ok();
    }

    // One "field[:dir]" item of the text form; an empty one adds nothing ("title," is "title").
    Status AddText(std::string_view item) {
        item = Trim(item);
        if (item.empty()) {
            return Ok();
        }
        const auto colon = item.find(':');
        if (colon == std::string_view::npos) return Add(item, {});
        const std::string_view direction = Trim(item.substr(colon + 1));
        if (direction.empty()) {
            return QueryError("sort item " + QuoteName(item) + " has an empty direction; use asc "
                              "or desc",
                              "sort");
        }
        return Add(Trim(item.substr(0, colon)), direction);
    }

    Status AddAllText(std::string_view text) {
        if (Trim(text).empty()) return Ok();
        std::size_t start = 0;
        while (true) {
            const auto comma = text.find(',', start);
            const auto item = text.substr(start, comma == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : comma - start);
            if (auto status = AddText(item); !status) {
                return status;
            }
            if (comma == std::string_view::npos) return Ok();
            start = comma + 1;
        }
    }

    std::vector<SortKey> Take() { return std::move(keys_); }

private:
    const schema::Entity& entity_;
    std::vector<SortKey> keys_;
};

Status AddObject(SortBuilder& builder, const json::object& object, std::size_t index) {
    const std::string where = "sort[" + std::to_string(index) + "]";
    const json::value* field = nullptr;
    const json::value* direction = nullptr;
    for (const auto& [key, value] : object) {
        if (key == "field") {
            field = &value;
        } else if (key == "direction") {
            direction = &value;
        } else {
            return QueryError(where + ": unknown key " +
                                  QuoteName(std::string_view(key.data(), key.size())) +
                                  "; a sort entry is {\"field\": ..., \"direction\": "
                                  "\"asc\"|\"desc\"}",
                              "sort");
        }
    }
    if (field == nullptr || !field->is_string()) {
        return QueryError(where + ": \"field\" must be a field name (a string)", "sort");
    }
    if (direction != nullptr && !direction->is_null() && !direction->is_string()) {
        return QueryError(where + ": \"direction\" must be \"asc\" or \"desc\", got " +
                              DescribeValue(*direction),
                          "sort");
    }
    std::string_view dir;
    if (direction != nullptr && direction->is_string()) {
        dir = direction->get_string();
        if (dir.empty()) {
            return QueryError(where + ": \"direction\" must be \"asc\" or \"desc\", got \"\"",
                              "sort");
        }
    }
    return builder.Add(field->get_string(), dir);
}

}  // namespace

Result<std::vector<SortKey>> ParseSort(const schema::Entity& entity, const json::value& sort) {
    SortBuilder builder(entity);
    if (sort.is_null()) return builder.Take();
    if (sort.is_string()) {
        if (auto status = builder.AddAllText(sort.get_string()); !status) return status.error();
        return builder.Take();
    }
    if (!sort.is_array()) {
        return QueryError("sort must be an array of {\"field\", \"direction\"} objects or a "
                          "\"field:dir,...\" string, got " +
                              DescribeValue(sort),
                          "sort");
    }
    const json::array& items = sort.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        Status status;
        if (items[i].is_object()) {
            status = AddObject(builder, items[i].get_object(), i);
        } else if (items[i].is_string()) {
            const std::string_view item = items[i].get_string();
            if (Trim(item).empty()) {
                status = QueryError("sort[" + std::to_string(i) +
                                        "] is an empty string; use "
                                        "\"field[:asc|desc]\"",
                                    "sort");
            } else {
                status = builder.AddText(item);
            }
        } else {
            status = QueryError("sort[" + std::to_string(i) +
                                    "] must be an object {\"field\", \"direction\"} or a string, "
                                    "got " +
                                    DescribeValue(items[i]),
                                "sort");
        }
        if (!status) return status.error();
    }
    return builder.Take();
}

Result<std::vector<SortKey>> ParseSortText(const schema::Entity& entity, std::string_view text) {
    SortBuilder builder(entity);
    if (auto status = builder.AddAllText(text); !status) return status.error();
    return builder.Take();
}

}  // namespace ea::query
