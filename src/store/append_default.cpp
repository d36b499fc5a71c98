// DocumentStore::Append for a backend without its own: each row becomes the Record Create takes
// (text of Array and JSON fields parsed back, 0/1 of Boolean fields as booleans), then one Batch.
#include <boost/json/parse.hpp>

#include "store/document_store.hpp"

namespace ea::store {
namespace {

Result<boost::json::value> CellJson(const DocumentStore::Cell& cell, const schema::Field& field) {
    if (std::holds_alternative<std::nullptr_t>(cell)) {
        return boost::json::value(nullptr);
    }
    if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
        if (field.type == schema::FieldType::kBoolean) {
            return boost::json::value(*integer != 0);
        }
        return boost::json::value(*integer);
    }
    if (const auto* number = std::get_if<double>(&cell)) {
        return boost::json::value(*number);
    }
    const std::string_view text = std::get<std::string_view>(cell);
    if (field.type == schema::FieldType::kJson || field.type == schema::FieldType::kArray) {
        boost::system::error_code ec;
        boost::json::value parsed = boost::json::parse(text, ec);
        if (ec) {
            return InvalidArgument("appended " + field.name + " is not JSON text");
        }
        return parsed;
    }
    return boost::json::value(text);
}

}  // namespace

Status DocumentStore::Append(const schema::Entity& entity, std::span<const Cell> cells) {
    const auto& fields = entity.fields();
    if (fields.empty() || cells.size() % fields.size() != 0) {
        return InvalidArgument("appended rows of " + entity.name() + " need one value per field");
    }
    std::vector<BatchItem> items;
    items.reserve(cells.size() / fields.size());
    for (std::size_t row = 0; row < cells.size(); row += fields.size()) {
        Record record;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            auto value = CellJson(cells[row + i], fields[i]);
            if (!value) {
                return value.error();
            }
            if (!value->is_null()) {
                record[fields[i].name] = *std::move(value);
            }
        }
        items.push_back({&entity, std::move(record)});
    }
    if (auto written = Batch(std::move(items)); !written) {
        return written.error();
    }
    return Ok();
}

}  // namespace ea::store
