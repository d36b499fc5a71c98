#include "service/schema_description.hpp"

#include <boost/json/array.hpp>

#include "rbac/authorizer.hpp"
#include "schema/schema_json.hpp"

namespace ea::service {

boost::json::object DescribeSchemaFor(const schema::Schema& schema, const Principal& principal,
                                      std::string_view backend) {
    auto described = schema::SchemaDescription(schema, backend);
    boost::json::object visible;
    for (auto& [name, entity_json] : described.at("entities").as_object()) {
        const schema::Entity* entity = schema.FindEntity(name);
        if (entity == nullptr) {
            continue;
        }
        const rbac::EntityAccess access(schema, principal, *entity);
        if (!access.Allows(rbac::Action::kRead)) {
            continue;
        }
        if (auto* fields = entity_json.as_object().if_contains("fields");
            fields != nullptr && fields->is_array()) {
            boost::json::array kept;
            for (auto& field_json : fields->get_array()) {
                const auto* field_name = field_json.as_object().if_contains("name");
                const schema::Field* field = field_name != nullptr && field_name->is_string()
                                                 ? entity->FindField(field_name->get_string())
                                                 : nullptr;
                if (field != nullptr && (access.CanRead(*field) || access.CanWrite(*field))) {
                    kept.push_back(std::move(field_json));
                }
            }
            *fields = std::move(kept);
        }
        visible[name] = std::move(entity_json);
    }
    described["entities"] = std::move(visible);
    return described;
}

}  // namespace ea::service
