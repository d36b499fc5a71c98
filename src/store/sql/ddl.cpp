#include "store/sql/ddl.hpp"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "store/sql/per_entity.hpp"

namespace ea::store::sql {
namespace {

std::string OnDeleteSql(schema::OnDelete on_delete) {
    switch (on_delete) {
        case schema::OnDelete::kRestrict:
            return "RESTRICT";
        case schema::OnDelete::kCascade:
            return "CASCADE";
        case schema::OnDelete::kSetNull:
            return "SET NULL";
    }
    return "RESTRICT";
}

bool IsSortableType(schema::FieldType type) {
    switch (type) {
        case schema::FieldType::kDate:
        case schema::FieldType::kDatetime:
        case schema::FieldType::kInteger:
        case schema::FieldType::kNumber:
        case schema::FieldType::kCurrency:
            return true;
        default:
            return false;
    }
}

}  // namespace

const std::string& TableName(const schema::Entity& entity) {
    return entity.name();
}

const std::vector<schema::Field>& ColumnFields(const schema::Entity& entity) {
    return entity.fields();
}

std::string ColumnDefinition(const Dialect& dialect, const schema::Field& field) {
    std::string out = Dialect::QuoteIdentifier(field.name) + " " + dialect.ColumnType(field);
    if (field.name == "id") {
        out += " " + dialect.IdConstraint();
    } else if (field.is_reference()) {
        // A safety net behind the store's explicit checks, which give the clear errors.
        out += " REFERENCES " + Dialect::QuoteIdentifier(TableName(*field.target)) + "(" +
               Dialect::QuoteIdentifier("id") + ") ON DELETE " + OnDeleteSql(field.on_delete);
    }
    return out;
}

std::string CreateTableSql(const Dialect& dialect, const schema::Entity& entity) {
    std::string out =
        "CREATE TABLE IF NOT EXISTS " + Dialect::QuoteIdentifier(TableName(entity)) + " (";
    bool first = true;
    if (auto extra = dialect.ExtraColumns(); !extra.empty()) {
        out += extra;
        first = false;
    }
    for (const auto& field : ColumnFields(entity)) {
        if (!first) {
            out += ", ";
        }
        first = false;
        out += ColumnDefinition(dialect, field);
    }
    out += ")";
    return out;
}

std::string AddColumnSql(const Dialect& dialect, const schema::Entity& entity,
                         const schema::Field& field) {
    return "ALTER TABLE " + Dialect::QuoteIdentifier(TableName(entity)) + " ADD COLUMN " +
           ColumnDefinition(dialect, field);
}

std::vector<IndexDef> IndexesFor(const schema::Entity& entity) {
    std::vector<IndexDef> out;
    std::set<std::string> single_indexed;
    for (const auto& unique : entity.uniques()) {
        IndexDef index{"_ux_" + entity.name(), {}, true};
        for (const auto& name : unique) {
            const schema::Field* field = entity.FindField(name);
            if (field == nullptr) {
                continue;  // the loader rejects this; never index an unknown column
            }
            index.name += "_" + name;
            index.fields.push_back(field);
        }
        if (index.fields.empty()) {
            continue;
        }
        if (index.fields.size() == 1) {
            single_indexed.insert(index.fields[0]->name);
        }
        out.push_back(std::move(index));
    }
    for (const auto& field : entity.fields()) {
        if (field.name == "id" || single_indexed.count(field.name) != 0) {
            continue;
        }
        if (field.is_reference() ||
            (field.sort_index && (field.name == "createdAt" || IsSortableType(field.type)))) {
            out.push_back(IndexDef{"_ix_" + entity.name() + "_" + field.name, {&field}, false});
        }
    }
    return out;
}

std::vector<std::string> UnwantedSortIndexNames(const schema::Entity& entity) {
    std::vector<std::string> out;
    for (const auto& field : entity.fields()) {
        if (!field.sort_index && !field.is_reference() &&
            (field.name == "createdAt" || IsSortableType(field.type))) {
            out.push_back("_ix_" + entity.name() + "_" + field.name);
        }
    }
    return out;
}

std::string CreateIndexSql(const Dialect& /*dialect*/, const schema::Entity& entity,
                           const IndexDef& index) {
    std::string out =
        index.unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ";
    out += Dialect::QuoteIdentifier(index.name) + " ON " +
           Dialect::QuoteIdentifier(TableName(entity)) + " (";
    for (std::size_t i = 0; i < index.fields.size(); ++i) {
        if (i > 0) {
            out += ", ";
        }
        out += Dialect::QuoteIdentifier(index.fields[i]->name);
    }
    out += ")";
    return out;
}

std::string ColumnList(const schema::Entity& entity) {
    std::string out;
    for (const auto& field : ColumnFields(entity)) {
        if (!out.empty()) {
            out += ", ";
        }
        out += Dialect::QuoteIdentifier(field.name);
    }
    return out;
}

void AbortForeignEntity(const schema::Entity& entity) {
    std::fprintf(stderr, "events-api store: entity %s is not of this store's schema\n",
                 entity.name().c_str());
    std::abort();
}

std::vector<const schema::Field*> FreeTextFields(const schema::Entity& entity) {
    std::vector<const schema::Field*> out;
    for (const auto& field : entity.fields()) {
        if (field.is_search_indexed() && field.name != "id") {
            out.push_back(&field);
        }
    }
    return out;
}

}  // namespace ea::store::sql
