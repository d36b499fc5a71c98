// Integrity before a write: every reference names an existing record and every unique
// constraint is free, each failure as a field error (the database's own foreign keys and unique
// indexes are the safety net behind these checks).
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

// Every non-null reference must name an existing record. Appends one error per field.
Status SqliteConnection::CheckReferences(const schema::Entity& entity, const Record& record,
                                         std::vector<FieldError>& errors) {
    for (const auto& field : entity.fields()) {
        if (!field.is_reference()) {
            continue;
        }
        const value* v = record.if_contains(field.name);
        if (v == nullptr || v->is_null()) {
            continue;
        }
        if (!v->is_string()) {
            errors.push_back({field.name, "must be the id of a " + field.target->name()});
            continue;
        }
        auto exists = Exists(SqlFor(*field.target).exists_by_id, {*v});
        if (!exists) {
            return exists.error();
        }
        if (!*exists) {
            errors.push_back({field.name, "references a missing " + field.target->name() + ": " +
                                              std::string(v->get_string())});
        }
    }
    return Ok();
}

// Unique constraints (and the id on create) must be free. `self` is the row being replaced.
Status SqliteConnection::CheckUniques(const schema::Entity& entity, const Record& record,
                                      const std::optional<std::string>& self,
                                      std::vector<FieldError>& errors) {
    const std::string table = Quote(sql::TableName(entity));
    for (const auto& unique : entity.uniques()) {
        std::string where;
        Params params;
        bool has_null = false;
        for (const auto& name : unique) {
            const schema::Field* field = entity.FindField(name);
            if (field == nullptr) {
                continue;
            }
            value v = BindableValue(record, *field);
            if (v.is_null()) {
                has_null = true;  // NULLs never collide in a UNIQUE index
                break;
            }
            params.push_back(std::move(v));
            where += (where.empty() ? "" : " AND ") + Quote(name) + " = ?" +
                     std::to_string(params.size());
        }
        if (has_null || params.empty()) {
            continue;
        }
        if (self) {
            params.emplace_back(*self);
            where += " AND \"id\" <> ?" + std::to_string(params.size());
        }
        auto taken = Exists("SELECT 1 FROM " + table + " WHERE " + where + " LIMIT 1", params);
        if (!taken) {
            return taken.error();
        }
        if (*taken) {
            errors.push_back({sql::JoinNames(unique, ","),
                              sql::WithArticle(entity.name()) + " with this " +
                                  sql::JoinNames(unique, " and ") + " already exists"});
        }
    }
    return Ok();
}

}  // namespace ea::store::sqlite
