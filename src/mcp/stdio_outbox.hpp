// The stdio connection's server-to-client channel: notifications made outside a request's answer
// (a subscribed record changed, the tool list changed on a schema reload) are queued here from any
// thread, and an eventfd wakes the stdio loop (StdioOptions::wake_fd) to write them between
// messages, so stdout only ever carries whole lines from one thread. Bounded: past
// kMaxQueuedBytes a message is dropped (and counted) rather than let a client that stops reading
// grow the process; the channel itself stays open.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mcp/outbox.hpp"

namespace ea::mcp {

class StdioOutbox final : public Outbox {
public:
    static constexpr std::size_t kMaxQueuedBytes = 1024 * 1024;

    StdioOutbox();
    ~StdioOutbox() override;
    StdioOutbox(const StdioOutbox&) = delete;
    StdioOutbox& operator=(const StdioOutbox&) = delete;

    bool Deliver(const std::string& message) override;

    // Readable while messages wait; -1 if the eventfd could not be made (then the loop writes
    // queued messages only before each answer).
    int wake_fd() const { return wake_fd_; }
    // The queued messages, oldest first, and the queue emptied (the eventfd too).
    std::vector<std::string> Take();
    std::size_t dropped() const;

private:
    int wake_fd_ = -1;
    mutable std::mutex mutex_;
    std::vector<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    std::size_t dropped_ = 0;
};

// A subscriptions/listen request on stdio (2026-07-28): its notifications go to the connection's
// StdioOutbox until the client cancels the request (notifications/cancelled), after which the
// hub forgets it.
class ListenOutbox final : public Outbox {
public:
    explicit ListenOutbox(std::shared_ptr<Outbox> target) : target_(std::move(target)) {}
    bool Deliver(const std::string& message) override;
    bool open() const override;
    void Close();

private:
    std::shared_ptr<Outbox> target_;
    mutable std::mutex mutex_;
    bool closed_ = false;
};

}  // namespace ea::mcp
