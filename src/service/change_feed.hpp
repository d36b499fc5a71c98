// ChangeFeed: committed record changes, fanned out to whoever listens (MCP resource
// subscriptions). An interface so the fan-out can leave the process: InProcessChangeFeed serves
// one instance; a Redis pub/sub feed (issue 10) lets every instance hear every other's writes.
// Changes carry names, not pointers, so they can cross a process boundary as they are.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "service/change_observer.hpp"

namespace ea::service {

struct RecordChange {
    std::string entity;  // the entity's name; empty for kWiped (every record of every entity)
    std::string id;      // empty for kWiped
    ChangeKind kind = ChangeKind::kUpdated;
};

class ChangeFeed {
public:
    using Listener = std::function<void(const RecordChange&)>;
    using ListenerId = std::uint64_t;

    virtual ~ChangeFeed() = default;
    // Hands `change` to every listener (of every instance, for a shared feed). Never blocks on a
    // slow listener for long: listeners only queue work.
    virtual void Publish(const RecordChange& change) = 0;
    // `listener` is called for each published change, on the publishing thread (in-process) or a
    // feed thread; it must be thread-safe and must not throw.
    virtual ListenerId Listen(Listener listener) = 0;
    virtual void Unlisten(ListenerId id) = 0;
};

// One process's feed: Publish calls the listeners at once, in the order they were added.
class InProcessChangeFeed final : public ChangeFeed {
public:
    void Publish(const RecordChange& change) override;
    ListenerId Listen(Listener listener) override;
    void Unlisten(ListenerId id) override;

private:
    std::mutex mutex_;  // guards listeners_ and next_id_; held while calling, so Unlisten waits
    ListenerId next_id_ = 0;
    std::unordered_map<ListenerId, Listener> listeners_;
};

// The ChangeObserver that turns DocumentService's and AdminService's committed writes into
// RecordChanges on a feed. Never fails the write: a notification is not part of its safety.
class ChangeFeedPublisher final : public ChangeObserver {
public:
    explicit ChangeFeedPublisher(ChangeFeed& feed) : feed_(feed) {}
    [[nodiscard]] Status OnCommitted(const RequestContext& ctx,
                                     std::span<const Change> changes) override;

private:
    ChangeFeed& feed_;
};

}  // namespace ea::service
