// The one validator every write path (REST, MCP, batch, seeding) calls: checks a client record
// against its schema::Entity and returns it in canonical form, or *all* field errors at once. Pure
// functions over immutable schema data: no I/O, thread-safe. Hashing passwords is not done here.
#pragma once

#include <optional>

#include <boost/json/value.hpp>

#include "common/error.hpp"
#include "common/record.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"

namespace ea::validate {

enum class Mode { kCreate, kReplace, kPatch };

// Limits that hold whatever the schema says, so a hostile value cannot exhaust memory or time.
// Any single string: 1 MiB.
inline constexpr std::size_t kMaxStringBytes = 1024 * 1024;
// Elements of any Array[T] field.
inline constexpr std::size_t kMaxArrayElements = 1000;
// A JSON field's keys + strings + scalars (8 bytes each).
inline constexpr std::size_t kMaxJsonBytes = 1024 * 1024;
// Nesting of a JSON field; boost::json's own parse default.
inline constexpr int kMaxJsonDepth = 32;

// Checks `input` against `entity` and returns the record in canonical form, ready for the store.
// kCreate/kReplace: the result holds every declared (non-built-in) field that has a value or a
//   default; required fields must be present and non-null; defaults fill absent fields on kCreate
//   only. kReplace leaves out an absent write-only field (a password: clients cannot read it back
//   to resend it); the caller keeps the stored value.
// kPatch: only the fields present in `input` are checked and returned (required ones may not be
//   set to null).
// Ignored, not errors (clients round-trip records): server-set fields (built_in id, createdAt,
//   updatedAt, and any declared autoGenerate/autoUpdate field: the caller sets all of these), and
//   "view" sub-objects (a key equal to an ObjectId field's name minus "Id", e.g. "account" for
//   accountId, holding an object or null).
// null for an optional field is kept (stored as null).
// Canonical forms: Date "YYYY-MM-DD"; Datetime "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC); ObjectId
//   lower-case; enum values in the schema's spelling (input matches ASCII case-insensitively, so
//   "MALE" is stored as "male"); Integer as int64 (1.0 is accepted as 1, 1.5 is not); Number and
//   Currency as given (Currency must already have at most two decimals); the rest as given.
// Each field reports at most one problem, the first of: type, size (1 MiB) and UTF-8, length,
//   pattern, enum, bounds. Each bad array element is reported as "tags[2]". Unknown fields are
//   errors naming them, after the declared fields, in input order.
// Errors: Error{kValidationFailed, "record is invalid", fields=[{field, message}, ...]} in field
//   order, at most kMaxFieldErrors of them and then one {"", "... and N more errors"} entry
//   (common/error.hpp). Messages never contain the submitted value (it may be a password).
[[nodiscard]] Result<Record> Validate(const schema::Entity& entity, const Record& input, Mode mode);

// Checks one value for `field` exactly as Validate does (null allowed unless required) and returns
// its canonical form, or a FieldError naming the field. The service uses it to canonicalise a
// single value outside a record (e.g. an enum or date given in a filter).
[[nodiscard]] Result<boost::json::value> ValidateValue(const schema::Field& field,
                                                       const boost::json::value& value);

}  // namespace ea::validate
