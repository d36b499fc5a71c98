#include "store/postgres/pg_dialect.hpp"

#include <cmath>

#include <boost/json/serialize.hpp>

namespace ea::store::postgres {
namespace {

// ASCII-only case folding, as SQLite's NOCASE collation and LIKE operator do it (lower() would
// also fold non-ASCII letters, and the two backends would then disagree).
constexpr const char* kFoldFrom = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
constexpr const char* kFoldTo = "'abcdefghijklmnopqrstuvwxyz'";

void AppendFolded(sql::SqlWriter& out, std::string_view expression) {
    out.Append("translate(").Append(expression).Append(", ").Append(kFoldFrom).Append(", ");
    out.Append(kFoldTo).Append(")");
}

// A PostgreSQL array literal ("{1,2}", "{\"a\",\"b\"}") of scalar JSON values, for "= ANY($n)":
// one parameter whatever the list's length.
std::string ArrayLiteral(const boost::json::array& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        const auto& v = values[i];
        if (v.is_string()) {
            out += '"';
            for (char c : v.get_string()) {
                if (c == '"' || c == '\\') {
                    out += '\\';
                }
                out += c;
            }
            out += '"';
        } else if (v.is_bool()) {
            out += v.get_bool() ? "true" : "false";
        } else if (v.is_null()) {
            out += "NULL";
        } else {
            out += boost::json::serialize(v);
        }
    }
    out += "}";
    return out;
}

}  // namespace

std::string TrigramIndexName(const schema::Entity& entity, const schema::Field& field) {
    return "_trgm_" + entity.name() + "_" + field.name;
}

bool FuzzyCandidatesUsable(double threshold) {
    return threshold > 0.0 && threshold <= 1.0;
}

std::string PgDialect::Placeholder(std::size_t index) const {
    return "$" + std::to_string(index);
}

std::string CastType(const schema::Field& field) {
    switch (field.type) {
        case schema::FieldType::kArray:
            return "jsonb";
        case schema::FieldType::kInteger:
            return "bigint";
        case schema::FieldType::kBoolean:
            return "boolean";
        case schema::FieldType::kNumber:
        case schema::FieldType::kCurrency:
            return "double precision";
        default:
            return "text";
    }
}

std::string PgDialect::ColumnType(const schema::Field& field) const {
    std::string type = CastType(field);
    if (type == "text") {
        type += " COLLATE \"C\"";  // byte order, as SQLite's BINARY
    }
    return type;
}

std::string PgDialect::ParamCast(const schema::Field& field) const {
    return "::" + CastType(field);
}

boost::json::value PgDialect::BindableValue(const Record& record,
                                            const schema::Field& field) const {
    const boost::json::value* v = record.if_contains(field.name);
    if (v != nullptr && field.type == schema::FieldType::kInteger && v->is_double()) {
        const double d = v->get_double();
        if (std::trunc(d) == d && std::fabs(d) < 9.2e18) {
            return boost::json::value(static_cast<std::int64_t>(d));
        }
    }
    return sql::Dialect::BindableValue(record, field);
}

std::string PgDialect::TouchedUpdatedAt() const {
    constexpr const char* kFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
    return std::string("greatest(to_char(now() AT TIME ZONE 'UTC', ") + kFormat +
           ") COLLATE \"C\", to_char((\"updatedAt\"::timestamptz + interval "
           "'1 millisecond') AT TIME ZONE 'UTC', " +
           kFormat + ") COLLATE \"C\")";
}

void PgDialect::AppendArrayAny(sql::SqlWriter& out, std::string_view column, std::string_view op,
                               const std::vector<boost::json::value>& values) const {
    out.Append("EXISTS (SELECT 1 FROM jsonb_array_elements(").Append(column);
    out.Append(") AS e(v) WHERE e.v ");
    if (op == "IN") {
        boost::json::array list(values.begin(), values.end());
        out.Append("IN (SELECT jsonb_array_elements(").Param(boost::json::serialize(list));
        out.Append("::jsonb)))");
        return;
    }
    const boost::json::value& one = values.empty() ? boost::json::value() : values.front();
    out.Append(op).Append(" ").Param(boost::json::serialize(one)).Append("::jsonb)");
}

void PgDialect::AppendInList(sql::SqlWriter& out, std::string_view column,
                             boost::json::array values) const {
    out.Append(column).Append(" = ANY(").Param(ArrayLiteral(values)).Append(")");
}

void PgDialect::AppendNullSafeNotEqual(sql::SqlWriter& out, std::string_view column,
                                       boost::json::value value) const {
    out.Append("(").Append(column).Append(" IS DISTINCT FROM ").Param(std::move(value));
    out.Append(")");
}

void PgDialect::AppendContains(sql::SqlWriter& out, std::string_view column,
                               std::string_view needle) const {
    std::string folded = LikeEscaped(needle);
    for (char& c : folded) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    AppendFolded(out, column);
    out.Append(" LIKE '%' || ").Param(std::move(folded)).Append("::text || '%' ESCAPE '\\'");
}

void PgDialect::AppendContainsCandidates(sql::SqlWriter& out, const schema::Entity& /*entity*/,
                                         const schema::Field& field,
                                         std::string_view needle) const {
    // ILIKE folds every letter, so it accepts whatever the ASCII-folded LIKE accepts: a superset
    // that the trigram index can answer.
    out.Append(" AND ").Identifier(field.name).Append(" ILIKE '%' || ");
    out.Param(LikeEscaped(needle)).Append("::text || '%' ESCAPE '\\'");
}

void PgDialect::AppendSimilarity(sql::SqlWriter& out, std::string_view column,
                                 std::string_view query) const {
    out.Append("word_similarity(").Param(std::string(query)).Append("::text, ").Append(column);
    out.Append(")");
}

void PgDialect::AppendFuzzyCandidates(sql::SqlWriter& out, const schema::Entity& /*entity*/,
                                      const schema::Field& field, std::string_view query,
                                      double threshold) const {
    if (!FuzzyCandidatesUsable(threshold)) {
        return;
    }
    out.Append(" AND ").Param(std::string(query)).Append("::text <% ").Identifier(field.name);
}

void PgDialect::AppendCaseInsensitiveOrderKey(sql::SqlWriter& out, std::string_view column) const {
    AppendFolded(out, column);
}

}  // namespace ea::store::postgres
