#include "store/sqlite/search_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <sqlite3.h>

#include "store/search/shared_trigrams.hpp"
#include "store/search/trigram_text.hpp"
#include "store/search/word_similarity.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/sqlite_dialect.hpp"

namespace ea::store::sqlite {

std::string FtsPhrase(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

SearchIndexSql BuildSearchIndexSql(const schema::Entity& entity) {
    SearchIndexSql out;
    out.fields = FreeTextFields(entity);
    if (out.fields.empty()) {
        return out;
    }
    const auto quote = [](std::string_view name) { return sql::Dialect::QuoteIdentifier(name); };
    const std::string table = quote(sql::TableName(entity));
    const std::string fts = quote(FtsTableName(entity));
    out.signature = std::string(kFtsVersion);
    std::string columns;        // "t_a", ...
    std::string bound_values;   // ea_trigram_text(?2), ...
    std::string source_values;  // ea_trigram_text("a"), ...
    std::string old_columns;    // , "a", ...
    std::size_t index = 1;
    for (const auto* field : out.fields) {
        const std::string sep = columns.empty() ? "" : ", ";
        out.signature += "," + field->name;
        columns += sep + quote(FtsTrigramColumn(*field));
        bound_values += sep + "ea_trigram_text(?" + std::to_string(++index) + ")";
        source_values += sep + "ea_trigram_text(" + quote(field->name) + ")";
        old_columns += ", " + quote(field->name);
    }
    out.create = "CREATE VIRTUAL TABLE " + fts + " USING fts5(" + columns +
                 ", content='', tokenize='trigram', detail=column, columnsize=0)";
    out.fill = "INSERT INTO " + fts + " (rowid, " + columns + ") SELECT \"_rowid\", " +
               source_values + " FROM " + table;
    out.insert =
        "INSERT INTO " + fts + " (rowid, " + columns + ") VALUES (?1, " + bound_values + ")";
    out.remove = "INSERT INTO " + fts + " (" + fts + ", rowid, " + columns +
                 ") VALUES ('delete', ?1, " + bound_values + ")";
    out.old_values = "SELECT \"_rowid\"" + old_columns + " FROM " + table + " WHERE \"id\" = ?1";
    return out;
}

}  // namespace ea::store::sqlite

namespace ea::store::sqlite {
namespace {

char LowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// SQLite's `value LIKE '%' || escaped(needle) || '%'` without ICU: a substring, ASCII letters
// compared case-insensitively, every other byte exactly.
bool ContainsLikeSqlite(std::string_view value, std::string_view needle) {
    if (needle.size() > value.size()) {
        return false;
    }
    for (std::size_t at = 0; at + needle.size() <= value.size(); ++at) {
        std::size_t i = 0;
        while (i < needle.size() && LowerAscii(value[at + i]) == LowerAscii(needle[i])) {
            ++i;
        }
        if (i == needle.size()) {
            return true;
        }
    }
    return false;
}

}  // namespace

int EstimateContainsTotal(StatementCache& cache, const schema::Entity& entity,
                          const schema::Field& field, std::string_view needle,
                          std::int64_t exact_within, std::optional<ContainsTotal>& out) {
    out.reset();
    const std::vector<std::string> trigrams = search::SubstringTrigrams(needle);
    if (trigrams.empty()) {
        return SQLITE_OK;
    }
    const std::string fts = sql::Dialect::QuoteIdentifier(FtsTableName(entity));
    std::string match = FtsPhrase(FtsTrigramColumn(field)) + " : (";
    for (std::size_t i = 0; i < trigrams.size(); ++i) {
        match += (i > 0 ? " AND " : "") + FtsPhrase(trigrams[i]);
    }
    match += ")";
    int rc = SQLITE_OK;
    std::vector<std::int64_t> candidates;
    {
        StatementLease list = cache.Get(
            "SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH ?1 ORDER BY rowid", &rc);
        if (!list) {
            return rc;
        }
        if (rc = list->BindValue(1, boost::json::value(match)); rc != SQLITE_OK) {
            return rc;
        }
        while ((rc = list->Step()) == SQLITE_ROW) {
            candidates.push_back(sqlite3_column_int64(list->get(), 0));
        }
        if (rc != SQLITE_DONE) {
            return rc;
        }
    }
    StatementLease fetch = cache.Get(
        "SELECT " + sql::Dialect::QuoteIdentifier(field.name) + " FROM " +
            sql::Dialect::QuoteIdentifier(sql::TableName(entity)) + " WHERE \"_rowid\" = ?1",
        &rc);
    if (!fetch) {
        return rc;
    }
    std::vector<char> checked(candidates.size(), 0);
    auto check = [&](std::size_t i, bool& match_out) -> int {
        checked[i] = 1;
        fetch->Reset();
        if (int brc = sqlite3_bind_int64(fetch->get(), 1, candidates[i]); brc != SQLITE_OK) {
            return brc;
        }
        const int src = fetch->Step();
        match_out = false;
        if (src == SQLITE_ROW && sqlite3_column_type(fetch->get(), 0) != SQLITE_NULL) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(fetch->get(), 0));
            match_out = ContainsLikeSqlite(
                {text, static_cast<std::size_t>(sqlite3_column_bytes(fetch->get(), 0))}, needle);
        } else if (src != SQLITE_ROW && src != SQLITE_DONE) {
            return src;
        }
        return SQLITE_OK;
    };
    constexpr std::size_t kBlock = 32;
    search::SpreadOrder order((candidates.size() + kBlock - 1) / kBlock);
    std::int64_t hits = 0;
    std::int64_t visited = 0;
    for (std::size_t b = 0; hits < kSampleMinMatches && order.Next(b);) {
        const std::size_t end = std::min(candidates.size(), (b + 1) * kBlock);
        for (std::size_t i = b * kBlock; i < end; ++i, ++visited) {
            bool matched = false;
            if (int src = check(i, matched); src != SQLITE_OK) {
                return src;
            }
            hits += matched ? 1 : 0;
        }
    }
    const auto size = static_cast<std::int64_t>(candidates.size());
    ContainsTotal total;
    total.complete = visited == size;
    total.estimate = total.complete ? hits
                                    : static_cast<std::int64_t>(std::llround(
                                          static_cast<double>(hits) * static_cast<double>(size) /
                                          static_cast<double>(visited)));
    if (!total.complete && total.estimate <= exact_within) {
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (checked[i]) {
                continue;
            }
            bool matched = false;
            if (int src = check(i, matched); src != SQLITE_OK) {
                return src;
            }
            hits += matched ? 1 : 0;
        }
        total.estimate = hits;
        total.complete = true;
    }
    fetch->Reset();
    out = total;
    return SQLITE_OK;
}

}  // namespace ea::store::sqlite
