#include "schema/schema_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

namespace ea::schema {
namespace {

boost::json::array StringArray(const std::vector<std::string>& values) {
    boost::json::array out;
    for (const auto& value : values) {
        out.emplace_back(value);
    }
    return out;
}

boost::json::value Number(double value) {
    // Integral bounds print as integers (0, not 0.0) so the dump reads like the YAML.
    if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
        return static_cast<std::int64_t>(value);
    }
    return value;
}

boost::json::object FieldToJson(const Field& field) {
    boost::json::object out;
    out["name"] = field.name;
    out["type"] = TypeName(field.type);
    if (field.type == FieldType::kArray) {
        out["elementType"] = TypeName(field.element_type);
    }
    out["required"] = field.required;
    out["builtIn"] = field.built_in;
    out["autoGenerate"] = field.auto_generate;
    out["autoUpdate"] = field.auto_update;
    out["writeOnly"] = field.write_only;
    out["description"] = field.description;
    if (field.default_value) {
        out["default"] = *field.default_value;
    }
    if (field.min_length) {
        out["minLength"] = *field.min_length;
    }
    if (field.max_length) {
        out["maxLength"] = *field.max_length;
    }
    if (field.pattern) {
        out["pattern"] = {{"regex", field.pattern->regex}, {"message", field.pattern->message}};
    }
    if (field.ge) {
        out["ge"] = Number(*field.ge);
    }
    if (field.le) {
        out["le"] = Number(*field.le);
    }
    if (field.enum_rule) {
        out["enum"] = {{"values", StringArray(field.enum_rule->values)},
                       {"message", field.enum_rule->message}};
    }
    if (field.is_reference()) {
        out["references"] = field.references;
        out["onDelete"] = OnDeleteName(field.on_delete);
    }
    return out;
}

boost::json::array OperationsToJson(const Entity& entity) {
    boost::json::array out;
    constexpr std::pair<Operation, std::string_view> kNames[] = {
        {kCreate, "create"}, {kRead, "read"}, {kUpdate, "update"}, {kDelete, "delete"}};
    for (const auto& [op, name] : kNames) {
        if (entity.Allows(op)) {
            out.emplace_back(name);
        }
    }
    return out;
}

}  // namespace

std::string_view OnDeleteName(OnDelete on_delete) {
    switch (on_delete) {
        case OnDelete::kRestrict: return "restrict";
        case OnDelete::kCascade: return "cascade";
        case OnDelete::kSetNull: return "set_null";
    }
    return "restrict";
}

boost::json::object EntityToJson(const Entity& entity) {
    boost::json::object out;
    out["name"] = entity.name();
    out["description"] = entity.description();
    out["operations"] = OperationsToJson(entity);
    if (entity.auth()) {
        out["auth"] = {{"login", entity.auth()->login_field},
                       {"password", entity.auth()->password_field}};
    } else {
        out["auth"] = nullptr;
    }
    boost::json::array uniques;
    for (const auto& unique : entity.uniques()) {
        uniques.emplace_back(StringArray(unique));
    }
    out["uniques"] = std::move(uniques);
    boost::json::array fields;
    for (const auto& field : entity.fields()) {
        fields.emplace_back(FieldToJson(field));
    }
    out["fields"] = std::move(fields);
    boost::json::array references;
    for (const auto& relation : entity.references()) {
        references.emplace_back(boost::json::object{
            {"field", relation.field->name},
            {"entity", relation.to->name()},
            {"onDelete", OnDeleteName(relation.field->on_delete)}});
    }
    out["references"] = std::move(references);
    boost::json::array referenced_by;
    for (const auto& relation : entity.referenced_by()) {
        referenced_by.emplace_back(boost::json::object{
            {"entity", relation.from->name()},
            {"field", relation.field->name},
            {"onDelete", OnDeleteName(relation.field->on_delete)}});
    }
    out["referencedBy"] = std::move(referenced_by);
    return out;
}

boost::json::object SchemaToJson(const Schema& schema) {
    boost::json::object out;
    out["project"] = schema.project_name();
    out["version"] = schema.version();
    boost::json::array entities;
    for (const auto& entity : schema.entities()) {
        entities.emplace_back(EntityToJson(*entity));
    }
    out["entities"] = std::move(entities);
    return out;
}

boost::json::object SchemaDescription(const Schema& schema, std::string_view backend) {
    boost::json::object entities;
    for (const auto& entity : schema.entities()) {
        entities[entity->name()] = EntityToJson(*entity);
    }
    return boost::json::object{{"projectName", schema.project_name()},
                               {"database", backend},
                               {"entities", std::move(entities)}};
}

}  // namespace ea::schema
