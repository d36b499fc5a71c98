#include "store/sqlite/search_index.hpp"

#include <memory>

#include <sqlite3.h>

#include "store/sql/dialect.hpp"
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
