// How records travel back from PostgreSQL (a text-format result as each field's value), and the
// per-entity statements every get and write uses; values are bound as PgDialect::BindableValue
// makes them, cast as CastType (pg_dialect.hpp) says. Internal to store/postgres.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "schema/schema.hpp"
#include "store/postgres/pg_connection.hpp"

namespace ea::store::postgres {

// Column `column` of `row` as `field`'s JSON value (null for SQL NULL).
boost::json::value ColumnValue(const PgResult& result, int row, int column,
                               const schema::Field& field);

// Statements used for every write and get, built once per entity at open.
struct EntitySql {
    std::string select_by_id;
    std::string select_for_update;
    std::string exists_by_id;
    std::string insert;
    std::string update;
    std::string delete_by_id;
    std::vector<const schema::Field*> update_fields;  // update's parameter order (id last)
};

EntitySql BuildEntitySql(const schema::Entity& entity);

}  // namespace ea::store::postgres
