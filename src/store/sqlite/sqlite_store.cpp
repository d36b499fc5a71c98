// SqliteStore: the DocumentStore operations as a composition of one writer connection (under
// write_mutex_) and the reader pool; what each operation does is in the SqliteConnection file of
// its idea (sqlite_connection.hpp).
#include "store/sqlite/sqlite_store.hpp"

#include <utility>

#include <sqlite3.h>

#include "common/ids.hpp"
#include "store/sql/entity_counts.hpp"
#include "store/sqlite/reader_pool.hpp"
#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

using boost::json::value;

namespace {

bool IsMemoryPath(const std::string& path) {
    return path.empty() || path == ":memory:" || path.starts_with("file::memory:");
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<SqliteConnection> writer,
                         std::vector<std::unique_ptr<SqliteConnection>> readers)
    : writer_(std::move(writer)), readers_(std::make_unique<ReaderPool>(std::move(readers))) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                       const schema::Schema& schema,
                                                       const Options& options) {
    auto writer = SqliteConnection::Open(path, schema, options, /*writer=*/true);
    if (!writer) {
        return writer.error();
    }
    if (auto s = (*writer)->Migrate(); !s) {
        return s.error();
    }
    if (auto s = (*writer)->CreateVocabularies(); !s) {
        return s.error();
    }
    // Readers see the writer's committed data through WAL; a private in-memory database cannot
    // be shared, so there the writer serves reads too.
    std::vector<std::unique_ptr<SqliteConnection>> readers;
    if (!IsMemoryPath(path)) {
        for (int i = 0; i < kReadConnections; ++i) {
            auto reader = SqliteConnection::Open(path, schema, options, /*writer=*/false);
            if (!reader) {
                return reader.error();
            }
            if (auto s = (*reader)->CreateVocabularies(); !s) {
                return s.error();
            }
            readers.push_back(std::move(*reader));
        }
    }
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*writer), std::move(readers)));
}

template <class F>
auto SqliteStore::WithReader(F&& read) {
    if (readers_->empty()) {
        std::lock_guard lock(write_mutex_);
        return read(*writer_);
    }
    return readers_->With(std::forward<F>(read));
}

template <class T, class F>
Result<T> SqliteStore::WithWriter(F&& write) {
    std::lock_guard lock(write_mutex_);
    return writer_->InTransaction<T>([&] { return write(*writer_); });
}

Result<ListResult> SqliteStore::List(const schema::Entity& entity, const query::Query& query) {
    return WithReader([&](SqliteConnection& reader) { return reader.List(entity, query); });
}

Result<std::vector<EntityCount>> SqliteStore::Count() {
    return WithReader([&](SqliteConnection& reader) -> Result<std::vector<EntityCount>> {
        SqliteConnection::Transaction tx(reader);
        if (auto s = tx.Begin(/*immediate=*/false); !s) {
            return s.error();
        }
        auto out = sql::CountEntities(
            reader.schema(), [&](const std::string& sql) { return reader.Scalar(sql, {}); });
        if (!out) {
            return out;
        }
        if (auto s = tx.Commit(); !s) {
            return s.error();
        }
        return out;
    });
}

Status SqliteStore::Ping() {
    // One read of the schema table through the reader pool: the file opens, its header and first
    // page read, and a reader is free; nothing is scanned.
    return WithReader([&](SqliteConnection& reader) -> Status {
        auto tables = reader.Scalar("SELECT COUNT(*) FROM sqlite_schema", {});
        if (!tables) {
            return tables.error();
        }
        return Ok();
    });
}

Status SqliteStore::WriteInTransaction(const WriteFn& write) {
    std::lock_guard lock(write_mutex_);
    auto done = writer_->InTransaction<bool>([&]() -> Result<bool> {
        if (const int rc = write(writer_->cache()); rc != SQLITE_OK) {
            return writer_->DbError(rc, "append");
        }
        return true;
    });
    if (!done) {
        return done.error();
    }
    return Ok();
}

Status SqliteStore::ReadRows(const std::function<Result<sql::Sql>(const sql::Dialect&)>& build,
                             const RowCallback& on_row) {
    return WithReader([&](SqliteConnection& reader) -> Status {
        auto statement = build(reader.dialect());
        if (!statement) {
            return statement.error();
        }
        SqliteConnection::DeadlineScope deadline(reader, true);
        return reader.Query(statement->text, statement->params, on_row);
    });
}

Status SqliteStore::BeginBulkLoad() {
    std::lock_guard lock(write_mutex_);
    return writer_->BeginBulkLoadLocked();
}

Status SqliteStore::EndBulkLoad() {
    // Readers' cached statements re-prepare by themselves after the schema change (SQLITE_SCHEMA
    // recovery of sqlite3_prepare_v3), and so pick up the new indexes and statistics.
    std::lock_guard lock(write_mutex_);
    return writer_->EndBulkLoadLocked();
}

Status SqliteStore::Reset() {
    // Every reader is idle and parked while the tables are dropped and re-created, then they
    // drop their cached statements and rebuild their vocabulary views.
    std::lock_guard write_lock(write_mutex_);
    readers_->Pause();
    Status status = writer_->ResetLocked();
    readers_->ForEachPaused([&](SqliteConnection& reader) {
        reader.cache().Clear();
        if (status) {
            status = reader.CreateVocabularies();
        }
    });
    readers_->Resume();
    return status;
}

void SqliteStore::SetStatementObserverForTest(std::function<void(std::string_view)> observer) {
    std::lock_guard write_lock(write_mutex_);
    std::vector<SqliteConnection*> connections = {writer_.get()};
    readers_->ForEach([&](SqliteConnection& reader) { connections.push_back(&reader); });
    for (SqliteConnection* connection : connections) {
        connection->observer() = observer;
        if (!observer) {
            sqlite3_trace_v2(connection->db(), 0, nullptr, nullptr);
            continue;
        }
        sqlite3_trace_v2(
            connection->db(), SQLITE_TRACE_STMT,
            [](unsigned, void* context, void* /*stmt*/, void* text) -> int {
                auto* self = static_cast<SqliteConnection*>(context);
                if (self->observer()) {
                    self->observer()(static_cast<const char*>(text));
                }
                return 0;
            },
            connection);
    }
}

std::size_t SqliteStore::CachedStatementCountForTest() {
    std::lock_guard write_lock(write_mutex_);
    std::size_t total = writer_->cache().size();
    readers_->ForEach([&](SqliteConnection& reader) { total += reader.cache().size(); });
    return total;
}

std::size_t SqliteStore::ReadConnectionCountForTest() const {
    return readers_->size();
}

int SqliteStore::WriterSynchronousForTest() {
    std::lock_guard lock(write_mutex_);
    auto level = writer_->Scalar("PRAGMA synchronous", {});
    return level ? static_cast<int>(*level) : -1;
}

}  // namespace ea::store::sqlite

template class ea::store::sql::SqlStore<ea::store::sqlite::SqliteStore>;
