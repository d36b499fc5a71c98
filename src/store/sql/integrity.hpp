// Integrity before a write, shared by the SQL stores: every non-null reference names an existing
// record, the id of a new record is free, and every unique constraint is free; each failure is a
// field error, a missing reference (422) reported before any conflict (409). The database's own
// foreign keys and unique indexes stay the safety net under races.
//
// `Db` runs the probes on the store's connection, inside the write transaction:
//   Result<bool> ReferenceExists(const schema::Entity& target, const boost::json::value& id);
//   Result<bool> IdTaken(const schema::Entity& entity, const std::string& id);
//   Result<bool> UniqueTaken(const Sql& probe);  // probe from UniqueProbe
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/record.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/sql/dialect.hpp"
#include "store/sql/store_messages.hpp"

namespace ea::store::sql {

// "SELECT 1 FROM <table> WHERE a = ? AND b = ? [AND "id" <> ?] LIMIT 1" for one unique
// constraint, `self` (the row being replaced) excluded; nullopt when the record holds a null in
// it (NULLs never collide in a UNIQUE index) or names none of its fields.
std::optional<Sql> UniqueProbe(const Dialect& dialect, const schema::Entity& entity,
                               const std::vector<std::string>& unique, const Record& record,
                               const std::optional<std::string>& self);

// "a User with this email already exists" (names in constraint order).
std::string UniqueTakenMessage(const schema::Entity& entity, const std::vector<std::string>& names);

// The 409 of a write whose id or unique values are taken, with the field errors.
Error WriteConflict(const schema::Entity& entity, std::vector<FieldError> errors);

// Appends one error per reference field of `record` that is not a string or names no record.
template <class Db>
Status CheckReferences(Db& db, const schema::Entity& entity, const Record& record,
                       std::vector<FieldError>& errors) {
    for (const auto& field : entity.fields()) {
        if (!field.is_reference()) {
            continue;
        }
        const boost::json::value* v = record.if_contains(field.name);
        if (v == nullptr || v->is_null()) {
            continue;
        }
        if (!v->is_string()) {
            errors.push_back({field.name, "must be the id of a " + field.target->name()});
            continue;
        }
        auto exists = db.ReferenceExists(*field.target, *v);
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

// Appends one error per unique constraint of `entity` that another row (not `self`) holds.
template <class Db>
Status CheckUniques(Db& db, const Dialect& dialect, const schema::Entity& entity,
                    const Record& record, const std::optional<std::string>& self,
                    std::vector<FieldError>& errors) {
    for (const auto& unique : entity.uniques()) {
        std::optional<Sql> probe = UniqueProbe(dialect, entity, unique, record, self);
        if (!probe) {
            continue;
        }
        auto taken = db.UniqueTaken(*probe);
        if (!taken) {
            return taken.error();
        }
        if (*taken) {
            errors.push_back({JoinNames(unique, ","), UniqueTakenMessage(entity, unique)});
        }
    }
    return Ok();
}

// Every check of a create (`self` nullopt: `id` must be free too) or a replace of `self`.
template <class Db>
Status CheckWrite(Db& db, const Dialect& dialect, const schema::Entity& entity,
                  const Record& record, const std::string& id,
                  const std::optional<std::string>& self) {
    std::vector<FieldError> errors;
    if (auto s = CheckReferences(db, entity, record, errors); !s) {
        return s;
    }
    if (!errors.empty()) {
        Error missing = MissingReference();
        missing.fields = std::move(errors);
        return missing;
    }
    if (!self) {
        auto taken = db.IdTaken(entity, id);
        if (!taken) {
            return taken.error();
        }
        if (*taken) {
            errors.push_back({"id", WithArticle(entity.name()) + " with this id already exists"});
        }
    }
    if (auto s = CheckUniques(db, dialect, entity, record, self, errors); !s) {
        return s;
    }
    if (!errors.empty()) {
        return WriteConflict(entity, std::move(errors));
    }
    return Ok();
}

}  // namespace ea::store::sql
