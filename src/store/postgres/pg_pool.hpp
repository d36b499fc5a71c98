// A bounded pool of PostgreSQL connections. Connections open lazily up to max_size; a caller
// that finds every one busy waits at most acquire_timeout, then gets kUnavailable (a stuck
// database or a burst larger than the pool never hangs a request). A connection whose server
// side is gone is dropped when returned, and a new one opens in its place on demand.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.hpp"

namespace ea::store::postgres {

struct PgPoolOptions {
    std::string url;       // libpq connection URI
    std::string redacted;  // the URL without its password, for messages
    std::string secret;    // the password, scrubbed from logged server text
    std::size_t max_size = 8;
    std::chrono::milliseconds acquire_timeout{5000};  // also bounds opening a connection
    // Runs on every new connection before first use (session settings).
    std::function<Status(PgConnection&)> on_connect;
};

class PgPool {
public:
    explicit PgPool(PgPoolOptions options) : options_(std::move(options)) {}

    // A connection for the lease's lifetime; returned (or dropped when broken) on destruction.
    class Lease {
    public:
        Lease() = default;
        Lease(PgPool* pool, std::unique_ptr<PgConnection> conn)
            : pool_(pool), conn_(std::move(conn)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&& other) noexcept;
        ~Lease() { Release(); }
        PgConnection* operator->() const { return conn_.get(); }
        PgConnection& operator*() const { return *conn_; }
        // Drops the connection instead of returning it (its state is unknown).
        void Discard();

    private:
        void Release();
        PgPool* pool_ = nullptr;
        std::unique_ptr<PgConnection> conn_;
    };

    // Errors: kUnavailable (every connection busy past acquire_timeout, or cannot connect).
    [[nodiscard]] Result<Lease> Acquire();

    std::size_t open_count();
    std::size_t max_size() const { return options_.max_size; }

private:
    void Return(std::unique_ptr<PgConnection> conn, bool discard);

    PgPoolOptions options_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
    std::size_t open_ = 0;                             // idle + leased + connecting
};

}  // namespace ea::store::postgres
