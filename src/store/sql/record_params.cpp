#include "store/sql/record_params.hpp"

#include "store/sql/ddl.hpp"

namespace ea::store::sql {

std::vector<boost::json::value> RowParams(const Dialect& dialect, const schema::Entity& entity,
                                          const Record& record, const std::string& id) {
    std::vector<boost::json::value> params;
    for (const auto& field : ColumnFields(entity)) {
        params.push_back(field.name == "id" ? boost::json::value(id)
                                            : dialect.BindableValue(record, field));
    }
    return params;
}

std::vector<boost::json::value> UpdateParams(const Dialect& dialect,
                                             const std::vector<const schema::Field*>& update_fields,
                                             const Record& record, const std::string& id) {
    std::vector<boost::json::value> params;
    for (const auto* field : update_fields) {
        params.push_back(dialect.BindableValue(record, *field));
    }
    params.emplace_back(id);
    return params;
}

}  // namespace ea::store::sql
