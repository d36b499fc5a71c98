#include "store/postgres/pg_pool.hpp"

namespace ea::store::postgres {

PgPool::Lease& PgPool::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        Release();
        pool_ = other.pool_;
        conn_ = std::move(other.conn_);
        other.pool_ = nullptr;
    }
    return *this;
}

void PgPool::Lease::Release() {
    if (pool_ != nullptr && conn_) {
        pool_->Return(std::move(conn_), /*discard=*/false);
    }
    pool_ = nullptr;
}

void PgPool::Lease::Discard() {
    if (pool_ != nullptr && conn_) {
        pool_->Return(std::move(conn_), /*discard=*/true);
    }
    pool_ = nullptr;
}

Result<PgPool::Lease> PgPool::Acquire() {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
    while (idle_.empty() && open_ >= options_.max_size) {
        if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_ >= options_.max_size) {
            return Unavailable("all " + std::to_string(options_.max_size) +
                               " PostgreSQL connections stayed busy for " +
                               std::to_string(options_.acquire_timeout.count()) + " ms; try again");
        }
    }
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        lock.unlock();
        conn->StartLease();
        return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, connect without holding the lock
    lock.unlock();
    auto conn = PgConnection::Connect(options_.url, options_.redacted, options_.secret,
                                      options_.acquire_timeout);
    if (conn && options_.on_connect) {
        if (auto s = options_.on_connect(**conn); !s) {
            conn = s.error();
        }
    }
    if (!conn) {
        lock.lock();
        --open_;
        lock.unlock();
        available_.notify_one();
        return conn.error();
    }
    (*conn)->StartLease();
    return Lease(this, std::move(*conn));
}

void PgPool::Return(std::unique_ptr<PgConnection> conn, bool discard) {
    {
        std::lock_guard lock(mutex_);
        if (discard || conn->broken()) {
            --open_;
            conn.reset();
        } else {
            idle_.push_back(std::move(conn));
        }
    }
    available_.notify_all();
}

std::size_t PgPool::open_count() {
    std::lock_guard lock(mutex_);
    return open_;
}

}  // namespace ea::store::postgres
