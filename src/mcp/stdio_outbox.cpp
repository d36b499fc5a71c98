#include "mcp/stdio_outbox.hpp"

#include <cstdint>
#include <utility>

#include <sys/eventfd.h>
#include <unistd.h>

namespace ea::mcp {

StdioOutbox::StdioOutbox() : wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

StdioOutbox::~StdioOutbox() {
    if (wake_fd_ >= 0) {
        close(wake_fd_);
    }
}

bool StdioOutbox::Deliver(const std::string& message) {
    {
        std::lock_guard lock(mutex_);
        if (queued_bytes_ + message.size() > kMaxQueuedBytes) {
            ++dropped_;
            return true;
        }
        queued_bytes_ += message.size();
        queue_.push_back(message);
    }
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        (void)!write(wake_fd_, &one, sizeof one);  // only fails when the counter is saturated
    }
    return true;
}

std::vector<std::string> StdioOutbox::Take() {
    if (wake_fd_ >= 0) {
        std::uint64_t count = 0;
        (void)!read(wake_fd_, &count, sizeof count);  // EAGAIN when nothing was signalled
    }
    std::lock_guard lock(mutex_);
    std::vector<std::string> taken;
    taken.swap(queue_);
    queued_bytes_ = 0;
    return taken;
}

std::size_t StdioOutbox::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

bool ListenOutbox::Deliver(const std::string& message) {
    {
        std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
    }
    return target_->Deliver(message);
}

bool ListenOutbox::open() const {
    std::lock_guard lock(mutex_);
    return !closed_;
}

void ListenOutbox::Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
}

}  // namespace ea::mcp
