#include "store/postgres/pg_values.hpp"

#include <cstdlib>

#include <boost/json/parse.hpp>

#include "store/postgres/pg_dialect.hpp"
#include "store/sql/ddl.hpp"

namespace ea::store::postgres {
namespace {

using boost::json::value;

std::string Quote(std::string_view name) {
    return sql::Dialect::QuoteIdentifier(name);
}

}  // namespace

value ColumnValue(const PgResult& result, int row, int column, const schema::Field& field) {
    if (result.IsNull(row, column)) {
        return nullptr;
    }
    const std::string_view text = result.Text(row, column);
    switch (field.type) {
        case schema::FieldType::kBoolean:
            return text == "t";
        case schema::FieldType::kInteger:
            return static_cast<std::int64_t>(std::strtoll(std::string(text).c_str(), nullptr, 10));
        case schema::FieldType::kNumber:
        case schema::FieldType::kCurrency:
            return std::strtod(std::string(text).c_str(), nullptr);
        case schema::FieldType::kJson:
        case schema::FieldType::kArray: {
            boost::system::error_code ec;
            value parsed = boost::json::parse(text, ec);
            if (!ec) {
                return parsed;
            }
            break;  // written by something other than this store: hand back the text
        }
        default:
            break;
    }
    return value(boost::json::string(text));
}

EntitySql BuildEntitySql(const schema::Entity& entity) {
    EntitySql out;
    const std::string table = Quote(sql::TableName(entity));
    const std::string columns = sql::ColumnList(entity);
    out.select_by_id = "SELECT " + columns + " FROM " + table + " WHERE \"id\" = $1";
    out.select_for_update = out.select_by_id + " FOR UPDATE";
    out.exists_by_id = "SELECT 1 FROM " + table + " WHERE \"id\" = $1";
    out.delete_by_id = "DELETE FROM " + table + " WHERE \"id\" = $1";
    std::string placeholders;
    std::size_t index = 0;
    for (const auto& field : sql::ColumnFields(entity)) {
        ++index;
        placeholders += (index > 1 ? ", $" : "$") + std::to_string(index) + "::" + CastType(field);
    }
    out.insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
    std::string sets;
    index = 0;
    for (const auto& field : sql::ColumnFields(entity)) {
        if (field.name == "id") {
            continue;
        }
        ++index;
        sets += (index > 1 ? ", " : "") + Quote(field.name) + " = $" + std::to_string(index) +
                "::" + CastType(field);
        out.update_fields.push_back(&field);
    }
    out.update =
        "UPDATE " + table + " SET " + sets + " WHERE \"id\" = $" + std::to_string(index + 1);
    return out;
}

}  // namespace ea::store::postgres
