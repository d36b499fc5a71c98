#include "service/change_feed.hpp"

#include <utility>

namespace ea::service {

void InProcessChangeFeed::Publish(const RecordChange& change) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, listener] : listeners_) {
        listener(change);
    }
}

ChangeFeed::ListenerId InProcessChangeFeed::Listen(Listener listener) {
    std::lock_guard lock(mutex_);
    const ListenerId id = ++next_id_;
    listeners_.emplace(id, std::move(listener));
    return id;
}

void InProcessChangeFeed::Unlisten(ListenerId id) {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
}

Status ChangeFeedPublisher::OnCommitted(const RequestContext&, std::span<const Change> changes) {
    for (const Change& change : changes) {
        feed_.Publish(RecordChange{
            change.entity != nullptr ? std::string(change.entity->name()) : std::string(),
            change.id, change.kind});
    }
    return Ok();
}

}  // namespace ea::service
