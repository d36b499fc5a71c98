#include "store/sqlite/reader_pool.hpp"

#include "store/sqlite/sqlite_connection.hpp"

namespace ea::store::sqlite {

ReaderPool::ReaderPool(std::vector<std::unique_ptr<SqliteConnection>> readers)
    : readers_(std::move(readers)) {
    for (const auto& reader : readers_) {
        idle_.push_back(reader.get());
    }
}

ReaderPool::~ReaderPool() = default;

SqliteConnection* ReaderPool::Acquire() {
    std::unique_lock lock(mutex_);
    idle_changed_.wait(lock, [&] { return !idle_.empty() && !paused_; });
    SqliteConnection* reader = idle_.back();
    idle_.pop_back();
    return reader;
}

void ReaderPool::Release(SqliteConnection* reader) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(reader);
    }
    idle_changed_.notify_all();
}

void ReaderPool::Pause() {
    std::unique_lock lock(mutex_);
    paused_ = true;
    idle_changed_.wait(lock, [&] { return idle_.size() == readers_.size(); });
}

void ReaderPool::Resume() {
    {
        std::lock_guard lock(mutex_);
        paused_ = false;
    }
    idle_changed_.notify_all();
}

}  // namespace ea::store::sqlite
