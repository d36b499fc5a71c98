// Additive migration of a PostgreSQL database to a schema (the same rules as the SQLite store:
// new tables, columns and indexes; nothing holding data is dropped), run in one transaction
// under a transaction-scoped advisory lock, so instances starting at once take turns and the
// second finds the work done. DDL is transactional in PostgreSQL: a failed migration leaves the
// database as it was. Internal to store/postgres.
#pragma once

#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_dialect.hpp"

namespace ea::store::postgres {

// The advisory lock key every events-api migration and reset takes (an arbitrary constant; any
// other application using the same key on the same database would wait on us).
inline constexpr std::int64_t kMigrationLockKey = 0x6576656e74736170;  // "eventsap"

// Creates pg_trgm (if missing), the tables, columns, indexes and trigram indexes of `schema`.
// Errors: kInvalidArgument (the schema cannot be applied to the data, e.g. a new required field
// without a default on a non-empty table), kUnavailable.
[[nodiscard]] Status Migrate(PgConnection& conn, const PgDialect& dialect,
                             const schema::Schema& schema);

// Drops every table of `schema` and the meta table, then migrates: an empty database.
[[nodiscard]] Status ResetTables(PgConnection& conn, const PgDialect& dialect,
                                 const schema::Schema& schema);

}  // namespace ea::store::postgres
