// `view`: which fields of referenced records to embed in each listed record, checked against the
// schema (the store then fetches them with one batched lookup per reference, never N+1).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::query {

// A parsed view: what to embed, and what was asked for but cannot be (said back to the caller).
struct View {
    std::vector<ViewSpec> specs;
    std::vector<RequestWarning> warnings;  // one per key naming no reference of the entity
};

// Accepts {"Account": ["id", "createdAt"], "user": ["username"]} (or null: no view). A key is,
// first rule that matches wins:
//   1. a referenced entity's exact name ("Account"): every reference of the entity to it (two
//      references to User, say createdBy and userId, are then both embedded);
//   2. a reference's name without "Id", any case ("account" for accountId), or the reference
//      field's own name ("accountId"): that reference;
//   3. a referenced entity's name in any other case ("ACCOUNT"): every reference to it.
// A key matching no reference is not an error, as in the original API: it embeds nothing and
// adds a warning (`view "profile": User has no reference "profile"; ignored (...)`); its field
// names are not checked.
// Each value is an array of field names of the target entity, resolved ignoring case when the
// exact name is not a field; `id` is always included (first), repeated names are kept once, and
// [] embeds only the id. One reference selected twice (say by "account" and "Account") is an
// error.
// ViewSpec::name is the reference field's name without a trailing "Id" (accountId -> account); a
// reference not ending in "Id" keeps its name with "Ref" appended so it cannot hide the field.
// Errors (kInvalidArgument): an unknown field on the target of a reference that exists (naming
// both), a write_only field (passwords are never embedded), values that are not arrays of
// strings.
[[nodiscard]] Result<View> ParseView(const schema::Entity& entity, const boost::json::value& view);

// The REST form: "account(id,createdAt),user(username)"; spaces around names are ignored, empty
// field items are skipped ("account(id,)", "account(,id)", "account(id,,createdAt)"), and the
// empty string means no view. A relation with no field at all ("account()", "account(,)") is an
// error, as is malformed text (a missing parenthesis, an empty name, text after ')'), each saying
// what was expected.
[[nodiscard]] Result<View> ParseViewText(const schema::Entity& entity, std::string_view text);

// The embedded object's key for a reference field (see ParseView).
std::string ViewName(const schema::Field& reference);

}  // namespace ea::query
