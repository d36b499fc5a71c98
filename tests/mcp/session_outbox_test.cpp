// SessionOutbox: numbering, replay after Last-Event-ID, the bound of the replay buffer, one live
// stream, and the end of a session. The stream is a recording EventStream (the HTTP server's
// own is tested over sockets in tests/http/server_test.cpp).
#include "mcp/session_outbox.hpp"

#include <gtest/gtest.h>

namespace ea::mcp {
namespace {

class RecordingStream final : public http::EventStream {
public:
    bool Send(std::string event) override {
        if (closed_) {
            return false;
        }
        events.push_back(std::move(event));
        return true;
    }
    void Close() override { closed_ = true; }
    bool closed() const override { return closed_; }

    std::vector<std::string> events;

private:
    bool closed_ = false;
};

TEST(SessionOutboxTest, NumbersEventsAndSendsThemToTheLiveStream) {
    SessionOutbox outbox;
    auto stream = std::make_shared<RecordingStream>();
    EXPECT_FALSE(outbox.HasLiveStream());
    outbox.Attach(stream, std::nullopt);
    EXPECT_TRUE(outbox.HasLiveStream());
    EXPECT_TRUE(outbox.Deliver(R"({"a":1})"));
    EXPECT_TRUE(outbox.Deliver(R"({"a":2})"));
    ASSERT_EQ(stream->events.size(), 2U);
    EXPECT_EQ(stream->events[0], "id: 1\nevent: message\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(stream->events[1], "id: 2\nevent: message\ndata: {\"a\":2}\n\n");
}

TEST(SessionOutboxTest, ResumeReplaysWhatCameAfterLastEventIdOnly) {
    SessionOutbox outbox;
    auto first = std::make_shared<RecordingStream>();
    outbox.Attach(first, std::nullopt);
    outbox.Deliver("m1");
    first->Close();  // the connection broke after event 1
    outbox.Deliver("m2");
    outbox.Deliver("m3");
    EXPECT_FALSE(outbox.HasLiveStream());
    auto resumed = std::make_shared<RecordingStream>();
    outbox.Attach(resumed, 1);
    ASSERT_EQ(resumed->events.size(), 2U);
    EXPECT_EQ(resumed->events[0], "id: 2\nevent: message\ndata: m2\n\n");
    EXPECT_EQ(resumed->events[1], "id: 3\nevent: message\ndata: m3\n\n");
    outbox.Deliver("m4");
    EXPECT_EQ(resumed->events.size(), 3U);
}

TEST(SessionOutboxTest, FreshStreamGetsNoReplayAndReplacesAnOpenOne) {
    SessionOutbox outbox;
    outbox.Deliver("before");
    auto first = std::make_shared<RecordingStream>();
    outbox.Attach(first, std::nullopt);
    EXPECT_TRUE(first->events.empty());
    auto second = std::make_shared<RecordingStream>();
    outbox.Attach(second, 0);
    EXPECT_TRUE(first->closed());
    ASSERT_EQ(second->events.size(), 1U);
    EXPECT_NE(second->events[0].find("data: before"), std::string::npos);
}

TEST(SessionOutboxTest, ReplayBufferIsBounded) {
    SessionOutbox outbox(3);
    for (int i = 1; i <= 10; ++i) {
        outbox.Deliver("m" + std::to_string(i));
    }
    auto stream = std::make_shared<RecordingStream>();
    outbox.Attach(stream, 0);
    ASSERT_EQ(stream->events.size(), 3U);
    EXPECT_EQ(stream->events[0], "id: 8\nevent: message\ndata: m8\n\n");
}

TEST(SessionOutboxTest, EndClosesTheStreamAndRefusesLaterMessages) {
    SessionOutbox outbox;
    auto stream = std::make_shared<RecordingStream>();
    outbox.Attach(stream, std::nullopt);
    outbox.End();
    EXPECT_TRUE(stream->closed());
    EXPECT_FALSE(outbox.Deliver("after"));
    auto late = std::make_shared<RecordingStream>();
    outbox.Attach(late, 0);
    EXPECT_TRUE(late->closed());
    EXPECT_TRUE(late->events.empty());
}

// A GET claims the one stream before its stream opens: a second GET in between is refused, and
// once the stream is attached (or closed) the claim is the stream's.
TEST(SessionOutboxTest, OneClaimAtATimeUntilTheStreamOpensOrCloses) {
    SessionOutbox outbox;
    EXPECT_TRUE(outbox.ClaimStream());
    EXPECT_FALSE(outbox.ClaimStream()) << "a second GET while the first stream is opening";
    auto stream = std::make_shared<RecordingStream>();
    outbox.Attach(stream, std::nullopt);
    EXPECT_FALSE(outbox.ClaimStream()) << "the stream is open";
    stream->Close();
    EXPECT_TRUE(outbox.ClaimStream()) << "the stream closed: a new GET may open one";
    outbox.End();
    EXPECT_FALSE(outbox.ClaimStream()) << "the session ended";
}

TEST(SessionOutboxTest, ParsesOnlyItsOwnEventIds) {
    EXPECT_EQ(SessionOutbox::ParseEventId("42"), 42U);
    EXPECT_EQ(SessionOutbox::ParseEventId(""), std::nullopt);
    EXPECT_EQ(SessionOutbox::ParseEventId("4x"), std::nullopt);
    EXPECT_EQ(SessionOutbox::ParseEventId("-1"), std::nullopt);
}

}  // namespace
}  // namespace ea::mcp
