#include "store/sqlite/sqlite_dialect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "store/search/trigram_text.hpp"
#include "store/sql/ddl.hpp"
#include "store/sqlite/search_index.hpp"
#include "store/search/word_similarity.hpp"

namespace ea::store::sqlite {
namespace {

void AppendCandidates(sql::SqlWriter& out, const schema::Entity& entity, std::string match) {
    const std::string fts = sql::Dialect::QuoteIdentifier(FtsTableName(entity));
    out.Append(" AND \"_rowid\" IN (SELECT rowid FROM ").Append(fts).Append(" WHERE ").Append(fts);
    out.Append(" MATCH ").Param(std::move(match)).Append(")");
}

}  // namespace

std::string FtsTableName(const schema::Entity& entity) { return "_fts_" + entity.name(); }
std::string FtsTrigramColumn(const schema::Field& field) { return "t_" + field.name; }

std::string SqliteDialect::TouchedUpdatedAt() const {
    return "max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
           "strftime('%Y-%m-%dT%H:%M:%fZ', \"updatedAt\", '+0.001 seconds'))";
}

std::string SqliteDialect::Placeholder(std::size_t index) const {
    return "?" + std::to_string(index);
}

std::string SqliteDialect::ColumnType(const schema::Field& field) const {
    switch (field.type) {
        case schema::FieldType::kString:
        case schema::FieldType::kObjectId:
        case schema::FieldType::kDate:
        case schema::FieldType::kDatetime:
        case schema::FieldType::kJson:
        case schema::FieldType::kArray: return "TEXT";
        case schema::FieldType::kInteger:
        case schema::FieldType::kBoolean: return "INTEGER";
        case schema::FieldType::kNumber:
        case schema::FieldType::kCurrency: return "REAL";
    }
    return "TEXT";
}

std::string SqliteDialect::SortIndexHint(const schema::Entity& entity,
                                         const schema::Field& field) const {
    if (field.type == schema::FieldType::kString) {
        return {};
    }
    for (const auto& index : sql::IndexesFor(entity)) {
        if (index.fields.size() == 1 && index.fields[0] == &field) {
            return " INDEXED BY " + sql::Dialect::QuoteIdentifier(index.name);
        }
    }
    return {};
}

void SqliteDialect::AppendArrayAny(sql::SqlWriter& out, std::string_view column,
                                   std::string_view op,
                                   const std::vector<boost::json::value>& values) const {
    out.Append("EXISTS (SELECT 1 FROM json_each(").Append(column).Append(") AS e WHERE e.value ");
    if (op == "IN") {
        boost::json::array list(values.begin(), values.end());
        out.Append("IN (SELECT value FROM json_each(").Param(std::move(list)).Append(")))");
        return;
    }
    out.Append(op).Append(" ").Param(values.empty() ? boost::json::value() : values.front());
    out.Append(")");
}

void SqliteDialect::AppendInList(sql::SqlWriter& out, std::string_view column,
                                 boost::json::array values) const {
    out.Append(column).Append(" IN (SELECT value FROM json_each(").Param(std::move(values));
    out.Append("))");
}

void SqliteDialect::AppendNullSafeNotEqual(sql::SqlWriter& out, std::string_view column,
                                           boost::json::value value) const {
    out.Append("(").Append(column).Append(" IS NOT ").Param(std::move(value)).Append(")");
}

void SqliteDialect::AppendContains(sql::SqlWriter& out, std::string_view column,
                                   std::string_view needle) const {
    out.Append(column).Append(" LIKE '%' || ").Param(LikeEscaped(needle));
    out.Append(" || '%' ESCAPE '\\'");
}

void SqliteDialect::AppendSimilarity(sql::SqlWriter& out, std::string_view column,
                                     std::string_view query) const {
    out.Append("ea_word_similarity(").Param(std::string(query)).Append(", ").Append(column);
    out.Append(")");
}

void SqliteDialect::AppendFuzzyMatch(sql::SqlWriter& out, std::string_view column,
                                     std::string_view query, double threshold) const {
    // The smallest float >= threshold: for a float score s, s >= threshold exactly when
    // s >= that float, so the early-exit check gives the same rows as the full score.
    float at_least = static_cast<float>(threshold);
    if (static_cast<double>(at_least) < threshold) {
        at_least = std::nextafter(at_least, std::numeric_limits<float>::infinity());
    }
    out.Append("ea_word_similarity_at_least(").Param(query).Append(", ").Append(column);
    out.Append(", ").Param(static_cast<double>(at_least)).Append(")");
}

void SqliteDialect::AppendContainsCandidates(sql::SqlWriter& out, const schema::Entity& entity,
                                             const schema::Field& field,
                                             std::string_view needle) const {
    // Every value containing the needle has each of these trigrams in its trigram text (see
    // SubstringTrigrams), so their AND is a superset of the matches; the LIKE beside this clause
    // decides. All of them, not the rarest few: FTS5 evaluates an AND by skipping through the
    // longer lists, while choosing the rarest needs each trigram's document count, which
    // fts5vocab computes by reading its whole posting list (and the plan is built for every
    // list call, whether or not this clause runs).
    std::vector<std::string> trigrams = search::SubstringTrigrams(needle);
    if (trigrams.empty()) {
        return;  // no run of three word characters: nothing to look up, the LIKE scans
    }
    std::string match = FtsPhrase(FtsTrigramColumn(field)) + " : (";
    for (std::size_t i = 0; i < trigrams.size(); ++i) {
        match += (i > 0 ? " AND " : "") + FtsPhrase(trigrams[i]);
    }
    match += ")";
    AppendCandidates(out, entity, std::move(match));
}

void SqliteDialect::AppendFuzzyCandidates(sql::SqlWriter& out, const schema::Entity& entity,
                                          const schema::Field& field, std::string_view query,
                                          double threshold) const {
    const search::WordSimilarityQuery parsed(query);
    const auto& trigrams = parsed.trigrams();
    const int k = search::MinSharedTrigrams(parsed.trigram_count(), static_cast<float>(threshold));
    if (k <= 0 || trigrams.empty()) {
        return;  // every value may qualify: no index can narrow the scan
    }
    if (k > parsed.trigram_count()) {
        out.Append(" AND 1 = 0");  // no value can reach the threshold
        return;
    }
    // A value sharing >= k of the n query trigrams shares at least one of any n-k+1 of them, so
    // an OR of the n-k+1 rarest finds every qualifying row while reading the fewest postings.
    // When two multi-byte trigrams share a pg code, counting by text is not counting by code:
    // then use them all (a superset, always safe).
    std::vector<std::size_t> chosen(trigrams.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        chosen[i] = i;
    }
    const auto n = static_cast<std::size_t>(parsed.trigram_count());
    if (doc_counts_ && n == trigrams.size()) {
        const auto counts = doc_counts_(entity, field, trigrams);
        if (counts.size() == trigrams.size()) {
            std::stable_sort(chosen.begin(), chosen.end(),
                             [&](std::size_t a, std::size_t b) { return counts[a] < counts[b]; });
            chosen.resize(n - static_cast<std::size_t>(k) + 1);
        }
    }
    std::string match = FtsPhrase(FtsTrigramColumn(field)) + " : (";
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (i > 0) {
            match += " OR ";
        }
        match += FtsPhrase(trigrams[chosen[i]]);
    }
    match += ")";
    AppendCandidates(out, entity, std::move(match));
}

}  // namespace ea::store::sqlite
