// SQLite's spelling of the shared SQL (sql/dialect.hpp), and the names of the FTS5 search index
// each entity with free-text fields gets: "_fts_<Entity>", one column "t_<field>" per field
// holding search::TrigramIndexText of it, which serves both fuzzy and contains candidates (a
// raw-text column as well doubled the index for nothing words cannot give). Internal to
// store/sqlite.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"

namespace ea::store::sqlite {

std::string FtsTableName(const schema::Entity& entity);
std::string FtsTrigramColumn(const schema::Field& field);

// The free-text fields of `entity`, in field order: those the FTS table indexes.
using sql::FreeTextFields;

class SqliteDialect final : public sql::Dialect {
public:
    // For each trigram, how many rows of `entity` have it in `field` (any over-estimate or
    // under-estimate is safe: it only steers which trigrams the candidate clause uses).
    using TrigramDocCounts = std::function<std::vector<std::int64_t>(
        const schema::Entity& entity, const schema::Field& field,
        const std::vector<std::string>& trigrams)>;

    // Installs the statistics used to pick the rarest trigrams; without them every query
    // trigram is used. REQUIRES: called before the dialect is shared between threads.
    void SetTrigramDocCounts(TrigramDocCounts counts) { doc_counts_ = std::move(counts); }

    std::string Placeholder(std::size_t index) const override;
    std::string ColumnType(const schema::Field& field) const override;
    // A stable rowid alias: the FTS index is keyed by rowid, and VACUUM may renumber the rowids of
    // a table without an INTEGER PRIMARY KEY.
    std::string ExtraColumns() const override { return "\"_rowid\" INTEGER PRIMARY KEY"; }
    std::string IdConstraint() const override { return "NOT NULL UNIQUE"; }
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
    void AppendFuzzyCandidates(sql::SqlWriter& out, const schema::Entity& entity,
                               const schema::Field& field, std::string_view query,
                               double threshold) const override;
    void AppendFuzzyMatch(sql::SqlWriter& out, std::string_view column, std::string_view query,
                          double threshold) const override;
    std::string CaseInsensitiveOrder() const override { return " COLLATE NOCASE"; }
    std::string TouchedUpdatedAt() const override;
    // INDEXED BY the single-column index of a non-String field (String order is COLLATE NOCASE,
    // which the BINARY index cannot give); NOT INDEXED.
    std::string SortIndexHint(const schema::Entity& entity,
                              const schema::Field& field) const override;
    std::string FullScanHint() const override { return " NOT INDEXED"; }
    std::string RowNumberColumn() const override { return "\"_rowid\""; }

private:
    TrigramDocCounts doc_counts_;
};

}  // namespace ea::store::sqlite
