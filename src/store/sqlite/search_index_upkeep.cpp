// Search index upkeep: each entity's FTS5 trigram index (search_index.hpp) created or rebuilt at
// migration, kept exact beside every write (FtsAdd, FtsRemove), and the per-connection fts5vocab
// views whose document counts pick the rarest trigrams of a fuzzy search.
#include "store/sqlite/search_index.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

// The FTS5 trigram index of `entity`'s free-text fields. It is contentless (it stores only
// the index, not a copy of the text), so a removal replays the old values through the
// 'delete' command. The store maintains it with explicit statements next to each write
// (FtsAdd, FtsRemove), not triggers: FTS5 flushes its pending terms at every statement
// savepoint, and a trigger makes each INSERT open one, which measured ~3x slower writes.
// Consequence: rows must be written through this store (another writer would leave the
// index stale; a rebuild is a version bump of kFtsVersion away).
Status SqliteConnection::SyncSearchIndex(const schema::Entity& entity) {
    const SearchIndexSql index = BuildSearchIndexSql(entity);
    const std::string fts = FtsTableName(entity);
    const std::string meta_key = "fts:" + entity.name();
    auto stored = Meta(meta_key);
    if (!stored) {
        return stored.error();
    }
    auto exists = TableExists(fts);
    if (!exists) {
        return exists.error();
    }
    if (!index.fields.empty() && *exists && *stored == index.signature) {
        return Ok();
    }
    for (const char* suffix : {"_ai", "_ad", "_au"}) {  // fts-v1 kept it with triggers
        if (auto s = Exec("DROP TRIGGER IF EXISTS " + Quote(fts + suffix)); !s) {
            return s;
        }
    }
    if (auto s = Exec("DROP TABLE IF EXISTS " + Quote(fts)); !s) {
        return s;
    }
    if (index.fields.empty()) {
        return Exec("DELETE FROM \"_schema_meta\" WHERE key = ?1", {value(meta_key)});
    }
    for (const auto* statement : {&index.create, &index.fill}) {
        if (auto s = Exec(*statement); !s) {
            return s;
        }
    }
    // The fill leaves FTS5 with many segments (it flushes every few MB of postings), and every
    // query term is looked up and merged in each of them: one segment makes a fuzzy search at
    // 1M Events ~1.3x faster (docs/performance.md), for ~4.5 s of merging once per rebuild.
    // Later writes add small segments, which FTS5's automerge folds in as they come.
    if (auto s = Exec("INSERT INTO " + Quote(fts) + " (" + Quote(fts) + ") VALUES ('optimize')");
        !s) {
        return s;
    }
    return SetMeta(meta_key, index.signature);
}

// Per-connection fts5vocab views over the search indexes, for choosing the rarest trigrams.
Status SqliteConnection::CreateVocabularies() {
    for (const auto& entity : schema_.entities()) {
        if (FreeTextFields(*entity).empty()) {
            continue;
        }
        auto s =
            Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp." + Quote("_vocab_" + entity->name()) +
                 " USING fts5vocab(main, " + Quote(FtsTableName(*entity)) + ", col)");
        if (!s) {
            return s;
        }
    }
    return Ok();
}

std::vector<std::int64_t> SqliteConnection::TrigramDocCounts(
    const schema::Entity& entity, const schema::Field& field,
    const std::vector<std::string>& trigrams) {
    const std::string sql = "SELECT doc FROM temp." + Quote("_vocab_" + entity.name()) +
                            " WHERE col = ?1 AND term = ?2";
    std::vector<std::int64_t> out;
    out.reserve(trigrams.size());
    const value column(FtsTrigramColumn(field));
    for (const auto& trigram : trigrams) {
        auto count = Scalar(sql, {column, value(trigram)});
        if (!count) {
            return {};  // no statistics: the caller uses every trigram
        }
        out.push_back(*count);
    }
    return out;
}

// Adds row `rowid` of `entity` to its search index with the values `record` was stored with.
Status SqliteConnection::FtsAdd(const schema::Entity& entity, std::int64_t rowid,
                                const Record& record) {
    const EntitySql& statements = SqlFor(entity);
    if (statements.fts_insert.empty() || bulk_load_) {
        return Ok();
    }
    Params params{value(rowid)};
    for (const auto* field : statements.free_text) {
        params.push_back(dialect_.BindableValue(record, *field));
    }
    return Exec(statements.fts_insert, params);
}

// Removes row `id` of `entity` from its search index. Call before the row changes.
Status SqliteConnection::FtsRemove(const schema::Entity& entity, const std::string& id) {
    const EntitySql& statements = SqlFor(entity);
    if (statements.fts_delete.empty() || bulk_load_) {
        return Ok();
    }
    Params params;
    auto status = Query(statements.fts_old_values, {value(id)}, [&](sqlite3_stmt* stmt) {
        params.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, 0)));
        for (int i = 1; i <= static_cast<int>(statements.free_text.size()); ++i) {
            if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                params.emplace_back(nullptr);
                continue;
            }
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            params.emplace_back(boost::json::string_view(
                text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
        }
        return false;
    });
    if (!status || params.empty()) {
        return status;
    }
    return Exec(statements.fts_delete, params);
}

}  // namespace ea::store::sqlite
