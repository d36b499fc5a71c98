// OpenStore: the one place that knows every backend and how a store URL names it.
#include <algorithm>
#include <system_error>

#include "store/document_store.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace ea::store {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";
constexpr std::string_view kPostgresScheme = "postgresql://";
constexpr std::string_view kPostgresShortScheme = "postgres://";

}  // namespace

Result<DocumentStorePtr> OpenStore(const StoreConfig& config, const schema::Schema& schema) {
    const std::string_view url = config.url;
    if (url.starts_with(kSqliteScheme)) {
        const std::string path(url.substr(kSqliteScheme.size()));
        if (path.empty()) {
            return InvalidArgument(
                "the store URL names no file: use sqlite://PATH or "
                "sqlite://:memory:");
        }
        if (path != ":memory:") {
            const auto parent = std::filesystem::path(path).parent_path();
            std::error_code ec;
            if (!parent.empty()) {
                std::filesystem::create_directories(parent, ec);
            }
            if (ec) {
                return Unavailable("cannot create the directory " + parent.string() + ": " +
                                   ec.message());
            }
        }
        sqlite::SqliteStore::Options options;
        options.durability = config.durability;
        options.query_timeout = config.query_timeout;
        options.mmap_bytes = config.mmap_bytes;
        auto store = sqlite::SqliteStore::Open(path, schema, options);
        if (!store) {
            return store.error();
        }
        return DocumentStorePtr(std::move(*store));
    }
    if (url.starts_with(kPostgresScheme) || url.starts_with(kPostgresShortScheme)) {
        postgres::PgStore::Options options;
        options.durability = config.durability;
        options.query_timeout = config.query_timeout;
        options.pool_size = static_cast<std::size_t>(std::max(1, config.pool_size));
        options.acquire_timeout = config.timeout;
        auto store = postgres::PgStore::Open(config.url, schema, options);
        if (!store) {
            return store.error();
        }
        return DocumentStorePtr(std::move(*store));
    }
    return InvalidArgument(
        "unknown store URL scheme (expected sqlite://PATH or "
        "postgresql://...)");
}

}  // namespace ea::store
