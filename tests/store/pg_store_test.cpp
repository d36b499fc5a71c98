// What the PostgreSQL store does that SQLite has no counterpart for: a bounded pool, replacing
// broken connections, migrations racing at start-up, credentials kept out of errors.
#include "store/postgres/pg_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_test_util.hpp"
#include "testing/postgres_server.hpp"

namespace ea::store::testing {
namespace {}  // namespace
}  // namespace ea::store::testing
