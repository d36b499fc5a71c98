// PostgreSQL's spelling of the shared SQL (sql/dialect.hpp), chosen so results match the SQLite
// store: text columns use the "C" collation (byte order, as SQLite's BINARY), case-insensitive
// order and contains fold ASCII letters only (as SQLite's NOCASE and LIKE), arrays are jsonb,
// fuzzy is pg_trgm's word_similarity. Each free-text field gets a GIN trigram index
// ("_trgm_<Entity>_<field>") that serves contains (ILIKE) and fuzzy (<%) candidates. Internal to
// store/postgres.
#pragma once

#include <string>
#include <vector>

#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::postgres {

// The free-text fields of `entity` (those with a trigram index), in field order.
using sql::FreeTextFields;
std::string TrigramIndexName(const schema::Entity& entity, const schema::Field& field);

// The type a write's parameter is cast to (the column's type without its collation).
std::string CastType(const schema::Field& field);

class PgDialect final : public sql::Dialect {
public:
    std::string Placeholder(std::size_t index) const override;
    std::string ColumnType(const schema::Field& field) const override;
    // As the shared one, and an integral number for an Integer field as an integer.
    boost::json::value BindableValue(const Record& record,
                                     const schema::Field& field) const override;
    std::string ParamCast(const schema::Field& field) const override;
    std::string RowLockSuffix() const override { return " FOR UPDATE"; }
    std::string TouchedUpdatedAt() const override;
    void AppendArrayAny(sql::SqlWriter& out, std::string_view column, std::string_view op,
                        const std::vector<boost::json::value>& values) const override;
    void AppendInList(sql::SqlWriter& out, std::string_view column,
                      boost::json::array values) const override;
    void AppendNullSafeNotEqual(sql::SqlWriter& out, std::string_view column,
                                boost::json::value value) const override;
    void AppendContains(sql::SqlWriter& out, std::string_view column,
                        std::string_view needle) const override;
    void AppendSimilarity(sql::SqlWriter& out, std::string_view column,
                          std::string_view query) const override;
    void AppendContainsCandidates(sql::SqlWriter& out, const schema::Entity& entity,
                                  const schema::Field& field,
                                  std::string_view needle) const override;
    // "query <% column": pg_trgm's GIN-indexable form of word_similarity >= threshold. It reads
    // the threshold from pg_trgm.word_similarity_threshold, which the store sets to the query's
    // threshold in the List transaction; the exact predicate beside it decides.
    void AppendFuzzyCandidates(sql::SqlWriter& out, const schema::Entity& entity,
                               const schema::Field& field, std::string_view query,
                               double threshold) const override;
    void AppendCaseInsensitiveOrderKey(sql::SqlWriter& out, std::string_view column) const override;
    std::string CaseInsensitiveOrder() const override { return {}; }
};

// Whether the fuzzy candidate clause can be used for `threshold` (pg_trgm accepts 0..1, and at
// 0 every value qualifies, so no index can narrow the search).
bool FuzzyCandidatesUsable(double threshold);

}  // namespace ea::store::postgres
