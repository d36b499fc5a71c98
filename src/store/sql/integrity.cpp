#include "store/sql/integrity.hpp"

#include "store/sql/ddl.hpp"

namespace ea::store::sql {

std::optional<Sql> UniqueProbe(const Dialect& dialect, const schema::Entity& entity,
                               const std::vector<std::string>& unique, const Record& record,
                               const std::optional<std::string>& self) {
    std::string where;
    Sql probe;
    for (const auto& name : unique) {
        const schema::Field* field = entity.FindField(name);
        if (field == nullptr) {
            continue;
        }
        boost::json::value v = dialect.BindableValue(record, *field);
        if (v.is_null()) {
            return std::nullopt;  // NULLs never collide in a UNIQUE index
        }
        probe.params.push_back(std::move(v));
        where += (where.empty() ? "" : " AND ") + Dialect::QuoteIdentifier(name) + " = " +
                 dialect.Placeholder(probe.params.size()) + dialect.ParamCast(*field);
    }
    if (probe.params.empty()) {
        return std::nullopt;
    }
    if (self) {
        probe.params.emplace_back(*self);
        where += " AND \"id\" <> " + dialect.Placeholder(probe.params.size());
    }
    probe.text = "SELECT 1 FROM " + Dialect::QuoteIdentifier(TableName(entity)) + " WHERE " +
                 where + " LIMIT 1";
    return probe;
}

std::string UniqueTakenMessage(const schema::Entity& entity,
                               const std::vector<std::string>& names) {
    return WithArticle(entity.name()) + " with this " + JoinNames(names, " and ") +
           " already exists";
}

Error WriteConflict(const schema::Entity& entity, std::vector<FieldError> errors) {
    return Conflict("the record conflicts with an existing " + entity.name(), std::move(errors));
}

}  // namespace ea::store::sql
