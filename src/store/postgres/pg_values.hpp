// How records travel to and from PostgreSQL: each field's value as bound text (with the cast that
// gives it its column's type) and back from a text-format result, and the per-entity statements
// every get and write uses. Internal to store/postgres.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "common/record.hpp"
#include "schema/schema.hpp"
#include "store/postgres/pg_connection.hpp"

namespace ea::store::postgres {

// The type a write's parameter is cast to (the column's type without its collation).
std::string CastType(const schema::Field& field);

// The value `record` holds for `field`, ready to bind: JSON and arrays as their JSON text, an
// integral number for an Integer field as an integer.
boost::json::value BindableValue(const Record& record, const schema::Field& field);

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
