// The one T in service, replaced whole by a reload: Current() hands out a shared_ptr copy, so a
// request keeps what it started with and nothing it uses goes away under it, and Replace()
// releases the old one outside the lock, when its last holder is done. One mutex-guarded copy
// per Current(): cheap next to the request it serves.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace ea {

template <class T>
class SwapSlot {
public:
    SwapSlot() = default;
    explicit SwapSlot(std::shared_ptr<const T> current) : current_(std::move(current)) {}

    std::shared_ptr<const T> Current() const {
        std::lock_guard lock(mutex_);
        return current_;
    }
    void Replace(std::shared_ptr<const T> next) {
        std::lock_guard lock(mutex_);
        current_.swap(next);
    }  // `next` now holds the old one, released here, outside the lock

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const T> current_;
};

}  // namespace ea
