// An Outbox that is one server-sent-events stream: each message is one `message` event on it
// (a subscriptions/listen stream, a legacy HTTP+SSE stream). It refuses once the stream ended.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "http/http_types.hpp"
#include "mcp/outbox.hpp"

namespace ea::mcp {

class StreamOutbox final : public Outbox {
public:
    explicit StreamOutbox(std::shared_ptr<http::EventStream> stream) : stream_(std::move(stream)) {}

    bool Deliver(const std::string& message) override {
        return stream_->Send(http::SseEvent("message", message));
    }
    bool open() const override { return !stream_->closed(); }
    http::EventStream& stream() { return *stream_; }

private:
    std::shared_ptr<http::EventStream> stream_;
};

}  // namespace ea::mcp
