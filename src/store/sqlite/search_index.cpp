#include "store/sqlite/search_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <sqlite3.h>

#include "store/search/trigram_text.hpp"
#include "store/search/word_similarity.hpp"
#include "store/sql/ddl.hpp"
#include "store/sql/dialect.hpp"
#include "store/sqlite/count_estimate.hpp"
#include "store/sqlite/sqlite_dialect.hpp"

namespace ea::store::sqlite {
namespace {

// An FTS5 string ("...") with embedded quotes doubled: read literally by the FTS5 query parser.
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

// One trigram's posting list, read through a cached statement of the FTS5 table.
class FtsPostings final : public search::PostingCursor {
public:
    FtsPostings(StatementLease stmt) : stmt_(std::move(stmt)) {}
    bool Next(std::int64_t& rowid) override {
        if (rc_ != SQLITE_OK) {
            return false;
        }
        const int rc = stmt_->Step();
        if (rc == SQLITE_ROW) {
            rowid = sqlite3_column_int64(stmt_->get(), 0);
            return true;
        }
        rc_ = rc == SQLITE_DONE ? SQLITE_DONE : rc;
        return false;
    }
    // SQLITE_OK while reading or after a clean end, else the error that stopped it.
    int error() const { return rc_ == SQLITE_DONE ? SQLITE_OK : rc_; }

private:
    StatementLease stmt_;
    int rc_ = SQLITE_OK;
};

}  // namespace

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

int RowsSharingTrigrams(StatementCache& cache, const schema::Entity& entity,
                        const schema::Field& field, const std::vector<std::string>& trigrams, int k,
                        std::vector<search::SharedCount>& out) {
    out.clear();
    const std::string fts = sql::Dialect::QuoteIdentifier(FtsTableName(entity));
    const std::string column = FtsPhrase(FtsTrigramColumn(field));
    std::vector<std::unique_ptr<FtsPostings>> lists;
    std::vector<search::PostingCursor*> cursors;
    lists.reserve(trigrams.size());
    for (std::size_t i = 0; i < trigrams.size(); ++i) {
        // The slot number makes each position its own cached statement: all are open at once.
        const std::string sql = "SELECT rowid FROM " + fts + " WHERE " + fts +
                                " MATCH ?1 ORDER BY rowid /* list " + std::to_string(i) + " */";
        int rc = SQLITE_OK;
        StatementLease stmt = cache.Get(sql, &rc);
        if (!stmt) {
            return rc;
        }
        if (rc = stmt->BindValue(1, boost::json::value(column + " : " + FtsPhrase(trigrams[i])));
            rc != SQLITE_OK) {
            return rc;
        }
        lists.push_back(std::make_unique<FtsPostings>(std::move(stmt)));
        cursors.push_back(lists.back().get());
    }
    out = search::RowsInAtLeast(cursors, k);
    for (const auto& list : lists) {
        if (list->error() != SQLITE_OK) {
            out.clear();
            return list->error();
        }
    }
    return SQLITE_OK;
}

}  // namespace ea::store::sqlite

namespace ea::store::sqlite {

int AnswerFuzzy(StatementCache& cache, const FuzzySearch& search,
                const std::function<bool()>& past_deadline, std::optional<FuzzyAnswer>& out) {
    out.reset();
    const search::WordSimilarityQuery parsed(search.text);
    // The smallest float >= threshold: the float scores compare with it as with the double.
    float at_least = static_cast<float>(search.threshold);
    if (static_cast<double>(at_least) < search.threshold) {
        at_least = std::nextafter(at_least, std::numeric_limits<float>::infinity());
    }
    const int n = parsed.trigram_count();
    const int k = search::MinSharedTrigrams(n, at_least);
    if (k <= 0 || n != static_cast<int>(parsed.trigrams().size())) {
        return SQLITE_OK;
    }
    FuzzyAnswer answer;
    answer.total_kind =
        search.count == query::CountMode::kNone ? TotalKind::kNone : TotalKind::kExact;
    if (k > n) {
        out = std::move(answer);  // no value can reach the threshold
        return SQLITE_OK;
    }
    std::vector<search::SharedCount> candidates;
    if (int rc = RowsSharingTrigrams(cache, *search.entity, *search.field, parsed.trigrams(), k,
                                     candidates);
        rc != SQLITE_OK) {
        return rc;
    }
    int rc = SQLITE_OK;
    StatementLease fetch =
        cache.Get("SELECT \"id\", " + sql::Dialect::QuoteIdentifier(search.field->name) + " FROM " +
                      sql::Dialect::QuoteIdentifier(sql::TableName(*search.entity)) +
                      " WHERE \"_rowid\" = ?1",
                  &rc);
    if (!fetch) {
        return rc;
    }
    sqlite3_stmt* row = fetch->get();
    // Scores by candidate position; NaN: not scored yet. A full score for the page phase, the
    // threshold or 0 (AtLeast) for the total.
    std::vector<float> scores(candidates.size(), std::numeric_limits<float>::quiet_NaN());
    std::size_t scored = 0;
    auto score = [&](std::size_t i, bool full, float& s) -> int {
        if ((++scored & 127) == 0 && past_deadline()) {
            return SQLITE_INTERRUPT;
        }
        fetch->Reset();
        if (int brc = sqlite3_bind_int64(row, 1, candidates[i].rowid); brc != SQLITE_OK) {
            return brc;
        }
        const int src = fetch->Step();
        if (src != SQLITE_ROW) {
            // Absent (cannot happen in one snapshot): not a match.
            s = scores[i] = 0.0f;
            return src == SQLITE_DONE ? SQLITE_OK : src;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(row, 1));
        const std::string_view view(text == nullptr ? "" : text,
                                    static_cast<std::size_t>(sqlite3_column_bytes(row, 1)));
        s = full ? parsed.Against(view) : (parsed.AtLeast(view, at_least) ? at_least : 0.0f);
        scores[i] = s;
        return SQLITE_OK;
    };

    // 2. The page. Within a shared count, row id order: neighbours in the table share pages.
    std::vector<std::uint32_t> by_shared(candidates.size());
    for (std::size_t i = 0; i < by_shared.size(); ++i) {
        by_shared[i] = static_cast<std::uint32_t>(i);
    }
    std::stable_sort(by_shared.begin(), by_shared.end(), [&](std::uint32_t a, std::uint32_t b) {
        return candidates[a].shared > candidates[b].shared;
    });
    search::TopRows top(static_cast<std::size_t>(search.offset + search.page_size + 1));
    std::int64_t matched = 0;  // matches among the scored candidates
    for (const std::uint32_t i : by_shared) {
        if (top.full() && search::SimilarityBound(candidates[i].shared, n) < top.worst().score) {
            break;
        }
        float s = 0;
        if (int src = score(i, /*full=*/true, s); src != SQLITE_OK) {
            return src;
        }
        if (s >= at_least) {
            ++matched;
            const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(row, 0));
            top.Offer(s, id == nullptr ? "" : id, candidates[i].rowid);
        }
    }
    fetch->Reset();
    auto ranked = top.TakeSorted();
    const auto page_end = search.offset + search.page_size;
    answer.has_more = static_cast<std::int64_t>(ranked.size()) > page_end;
    for (auto r = search.offset; r < std::min<std::int64_t>(page_end, ranked.size()); ++r) {
        answer.page_ids.push_back(std::move(ranked[static_cast<std::size_t>(r)].id));
    }

    // 3. The total.
    const auto seen = search.offset + static_cast<std::int64_t>(answer.page_ids.size());
    if (search.count == query::CountMode::kNone ||
        (!answer.has_more && (!answer.page_ids.empty() || search.offset == 0))) {
        answer.total = search.count == query::CountMode::kNone ? 0 : seen;
        out = std::move(answer);
        return SQLITE_OK;
    }
    auto count_all = [&]() -> int {
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (!std::isnan(scores[i])) {
                continue;
            }
            float s = 0;
            if (int src = score(i, /*full=*/false, s); src != SQLITE_OK) {
                return src;
            }
            matched += s >= at_least ? 1 : 0;
        }
        fetch->Reset();
        answer.total = matched;
        answer.total_kind = TotalKind::kExact;
        out = std::move(answer);
        return SQLITE_OK;
    };
    const auto size = static_cast<std::int64_t>(candidates.size());
    const bool automatic = search.count == query::CountMode::kAuto;
    if (search.count == query::CountMode::kExact ||
        (automatic && (size <= kAutoExactRows || search.table_rows <= kSampleMaxRows))) {
        return count_all();
    }
    // Blocks of consecutive candidates (near each other in the table, so a block reads few
    // pages), visited in spread order until kSampleMinMatches matches: the estimate's relative
    // standard error is then about 1/sqrt(1000), as for the table sample (count_estimate.hpp).
    constexpr std::size_t kBlock = 32;
    search::SpreadOrder order((candidates.size() + kBlock - 1) / kBlock);
    std::int64_t hits = 0;
    std::int64_t visited = 0;
    for (std::size_t b = 0; hits < kSampleMinMatches && order.Next(b);) {
        const std::size_t end = std::min(candidates.size(), (b + 1) * kBlock);
        for (std::size_t i = b * kBlock; i < end; ++i, ++visited) {
            float s = scores[i];
            if (std::isnan(s)) {
                if (int src = score(i, /*full=*/false, s); src != SQLITE_OK) {
                    return src;
                }
            }
            hits += s >= at_least ? 1 : 0;
        }
    }
    fetch->Reset();
    if (visited == size) {
        answer.total = hits;
        answer.total_kind = TotalKind::kExact;
        out = std::move(answer);
        return SQLITE_OK;
    }
    std::int64_t estimate = static_cast<std::int64_t>(std::llround(
        static_cast<double>(hits) * static_cast<double>(size) / static_cast<double>(visited)));
    if (automatic && estimate <= kAutoExactRows) {
        return count_all();
    }
    // What the page saw bounds the estimate: more rows than it read, or (past the end) no more
    // than the rows before it.
    estimate = answer.has_more ? std::max(estimate, seen + 1) : std::min(estimate, search.offset);
    answer.total = estimate;
    answer.total_kind = TotalKind::kEstimate;
    out = std::move(answer);
    return SQLITE_OK;
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
