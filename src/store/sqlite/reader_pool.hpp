// The store's read connections: a fixed set, each used by one thread at a time, handed out to
// List/Get/Count so reads run beside the writer (WAL lets each see the last committed state).
// Internal to store/sqlite.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace ea::store::sqlite {

class SqliteConnection;

class ReaderPool {
public:
    explicit ReaderPool(std::vector<std::unique_ptr<SqliteConnection>> readers);
    ~ReaderPool();
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    bool empty() const { return readers_.empty(); }
    std::size_t size() const { return readers_.size(); }

    // Runs read(SqliteConnection&) on an idle reader, waiting for one. REQUIRES: !empty().
    template <class F>
    auto With(F&& read) {
        SqliteConnection* reader = Acquire();
        auto result = read(*reader);
        Release(reader);
        return result;
    }

    // Waits until every reader is idle and keeps them parked until Resume (for Reset).
    void Pause();
    void Resume();

    // Calls f(SqliteConnection&) for every reader, with no reader handed out meanwhile.
    template <class F>
    void ForEach(F&& f) {
        std::lock_guard lock(mutex_);
        for (const auto& reader : readers_) {
            f(*reader);
        }
    }
    // The same while paused (Pause holds the readers; the caller owns them until Resume).
    template <class F>
    void ForEachPaused(F&& f) {
        for (const auto& reader : readers_) {
            f(*reader);
        }
    }

private:
    SqliteConnection* Acquire();
    void Release(SqliteConnection* reader);

    std::vector<std::unique_ptr<SqliteConnection>> readers_;  // fixed at construction
    std::mutex mutex_;                                        // guards idle_, paused_
    std::condition_variable idle_changed_;                    // a reader returned, or Resume
    std::vector<SqliteConnection*> idle_;                     // each used by one thread at a time
    bool paused_ = false;
};

}  // namespace ea::store::sqlite
