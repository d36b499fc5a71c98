#include "store/sql/migration.hpp"

#include <vector>

#include "store/sql/store_messages.hpp"

namespace ea::store::sql {

Error ForeignTableError(const std::string& table) {
    return InvalidArgument("table " + table +
                           " exists but was not created by events-api; rename or drop it");
}

Error RequiredFieldError(const schema::Entity& entity, const schema::Field& field) {
    return InvalidArgument("cannot add required field " + entity.name() + "." + field.name +
                           ": the table already has rows; give the field a default or make it "
                           "optional");
}

Error UniqueIndexError(const schema::Entity& entity, const IndexDef& index) {
    std::vector<std::string> names;
    for (const auto* field : index.fields) {
        names.push_back(field->name);
    }
    return InvalidArgument("cannot make " + entity.name() + "(" + JoinNames(names, ", ") +
                           ") unique: existing rows share values");
}

}  // namespace ea::store::sql
