// The session era's server-to-client channel on Streamable HTTP: messages for one session are
// numbered (the SSE event id), kept in a bounded replay buffer, and written to the session's GET
// stream when one is open. A client that reconnects with Last-Event-ID gets what it missed since
// that id, as far as the buffer reaches (2025-11-25, "Resumability and Redelivery"); a message
// sent while no stream is open waits in the buffer for the next GET with Last-Event-ID.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "http/http_types.hpp"
#include "mcp/outbox.hpp"

namespace ea::mcp {

class SessionOutbox final : public Outbox {
public:
    static constexpr std::size_t kDefaultReplayEvents = 256;
    explicit SessionOutbox(std::size_t replay_events = kDefaultReplayEvents);

    bool Deliver(const std::string& message) override;

    // Whether a GET stream is open (a second one is refused: 409).
    bool HasLiveStream() const;
    // Claims the session's one GET stream for a GET about to be answered, before its stream
    // opens (Attach), so that two GETs in quick succession cannot both succeed: false when a
    // stream is open or another claim is pending. A claim that no Attach follows (the client
    // left before its stream opened) lapses after a few seconds.
    bool ClaimStream();
    // Makes `stream` the session's GET stream, after sending it the buffered messages with ids
    // above `last_event_id` (none when nullopt: a fresh stream only sees what comes next).
    // An earlier stream still open is closed.
    void Attach(std::shared_ptr<http::EventStream> stream,
                std::optional<std::uint64_t> last_event_id);
    // The session ended: the stream closes and every later Deliver refuses.
    void End();

    // "Last-Event-ID" as this outbox numbers events; nullopt when it is not one of ours.
    static std::optional<std::uint64_t> ParseEventId(std::string_view text);

private:
    const std::size_t replay_events_;
    mutable std::mutex mutex_;
    std::uint64_t last_id_ = 0;
    std::deque<std::pair<std::uint64_t, std::string>> replay_;  // framed events, oldest first
    std::shared_ptr<http::EventStream> live_;
    std::optional<std::chrono::steady_clock::time_point> claimed_at_;
    bool ended_ = false;
};

}  // namespace ea::mcp
