#include "mcp/session_outbox.hpp"

#include <charconv>

namespace ea::mcp {

SessionOutbox::SessionOutbox(std::size_t replay_events) : replay_events_(replay_events) {}

bool SessionOutbox::Deliver(const std::string& message) {
    std::lock_guard lock(mutex_);
    if (ended_) {
        return false;
    }
    const std::uint64_t id = ++last_id_;
    std::string event = http::SseEvent("message", message, std::to_string(id));
    if (live_ && !live_->Send(event)) {
        live_.reset();  // gone or dropped for not reading; the client may resume from the buffer
    }
    replay_.emplace_back(id, std::move(event));
    while (replay_.size() > replay_events_) {
        replay_.pop_front();
    }
    return true;
}

bool SessionOutbox::HasLiveStream() const {
    std::lock_guard lock(mutex_);
    return live_ && !live_->closed();
}

bool SessionOutbox::ClaimStream() {
    constexpr auto kClaimLapses = std::chrono::seconds(5);
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (ended_ || (live_ && !live_->closed()) ||
        (claimed_at_ && now - *claimed_at_ < kClaimLapses)) {
        return false;
    }
    claimed_at_ = now;
    return true;
}

void SessionOutbox::Attach(std::shared_ptr<http::EventStream> stream,
                           std::optional<std::uint64_t> last_event_id) {
    std::lock_guard lock(mutex_);
    claimed_at_.reset();
    if (ended_) {
        stream->Close();
        return;
    }
    if (last_event_id) {
        for (const auto& [id, event] : replay_) {
            if (id > *last_event_id && !stream->Send(event)) {
                return;
            }
        }
    }
    if (live_) {
        live_->Close();
    }
    live_ = std::move(stream);
}

void SessionOutbox::End() {
    std::lock_guard lock(mutex_);
    ended_ = true;
    if (live_) {
        live_->Close();
        live_.reset();
    }
    replay_.clear();
}

std::optional<std::uint64_t> SessionOutbox::ParseEventId(std::string_view text) {
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return id;
}

}  // namespace ea::mcp
