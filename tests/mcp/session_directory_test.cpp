// The pieces the session directory moves between instances: a session's state as JSON and back,
// the session table adopting a session opened elsewhere, and the hub taking over its
// subscriptions.
#include "mcp/session_directory.hpp"

#include <gtest/gtest.h>

#include "mcp/http_sessions.hpp"
#include "mcp/subscriptions.hpp"

namespace ea::mcp {
namespace {

using namespace std::chrono_literals;

class RecordingOutbox final : public Outbox {
public:
    bool Deliver(const std::string& message) override {
        messages.push_back(message);
        return true;
    }
    bool open() const override { return true; }
    std::vector<std::string> messages;
};

SharedSession Sample() {
    SharedSession session;
    session.owner = "usr_1\nalice";
    session.state.version = "2025-03-26";
    session.state.client_initialized = true;
    session.state.log_level = 3;
    session.state.client_capabilities = boost::json::object{{"roots", {{"listChanged", true}}}};
    session.subscriptions = {"events://events/evt_1", "events://users/usr_\"2"};
    session.tools_mode = ToolsMode::kCompact;
    return session;
}

TEST(SharedSessionTest, EverythingASessionRemembersSurvivesTheRoundTrip) {
    const SharedSession session = Sample();
    const auto decoded = DecodeSharedSession(EncodeSharedSession(session));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, session);
    EXPECT_EQ(decoded->state.version, "2025-03-26");
    EXPECT_EQ(decoded->state.log_level, 3);
    EXPECT_TRUE(decoded->state.client_capabilities.contains("roots"));
    EXPECT_EQ(decoded->subscriptions.size(), 2u);

    SharedSession fresh;  // no version, no level yet: both stay absent
    fresh.owner = "o";
    const auto plain = DecodeSharedSession(EncodeSharedSession(fresh));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->state.version);
    EXPECT_FALSE(plain->state.log_level);
    EXPECT_FALSE(plain->tools_mode);
    fresh.tools_mode = ToolsMode::kPerEntity;
    EXPECT_EQ(DecodeSharedSession(EncodeSharedSession(fresh))->tools_mode, ToolsMode::kPerEntity);
}

TEST(SharedSessionTest, TextThatIsNotASessionIsRefused) {
    for (const std::string_view junk :
         {"", "{", "[]", R"({"owner":"o"})", R"({"owner":1,"state":{},"subscriptions":[]})",
          R"({"owner":"o","state":{"initialized":"yes"},"subscriptions":[]})",
          R"({"owner":"o","state":{"initialized":true,"logLevel":"info"},"subscriptions":[]})",
          R"({"owner":"o","state":{"initialized":true},"subscriptions":[1]})",
          R"({"owner":"o","state":{"initialized":true},"subscriptions":[],"toolsMode":"all"})"}) {
        EXPECT_FALSE(DecodeSharedSession(junk)) << junk;
    }
}

TEST(HttpSessionTableTest, AdoptsASessionOpenedElsewhereOnceAndOnlyForItsOwner) {
    HttpSessionTable table(2, 60s);
    const auto now = HttpSessionTable::Clock::now();
    auto adopted = table.Adopt("elsewhere", "alice", now);
    ASSERT_NE(adopted, nullptr);
    EXPECT_EQ(table.Adopt("elsewhere", "alice", now), adopted) << "a second adoption is the same";
    EXPECT_EQ(table.Adopt("elsewhere", "bob", now), nullptr);
    EXPECT_EQ(table.Find("elsewhere", "alice", now), adopted);
    EXPECT_EQ(table.Peek("elsewhere"), adopted);
    table.Forget("elsewhere");
    EXPECT_EQ(table.Peek("elsewhere"), nullptr);
    EXPECT_FALSE(adopted->outbox->Deliver("after the end")) << "a forgotten session's outbox ends";
    std::string id;
    table.Create("alice", &id, now);
    table.Adopt("second", "alice", now);
    EXPECT_EQ(table.Adopt("third", "alice", now), nullptr) << "adoption respects the bound";
}

TEST(SubscriptionHubTest, TakesOverTheSubscriptionsAnotherInstanceRecorded) {
    service::InProcessChangeFeed feed;
    SubscriptionHub hub(feed);
    auto outbox = std::make_shared<RecordingOutbox>();
    ASSERT_TRUE(hub.Subscribe(outbox, "events://events/evt_old"));
    hub.SetSubscriptions(outbox, {"events://events/evt_1", "events://users/usr_1"});
    EXPECT_EQ(hub.SubscriptionsOf(outbox.get()),
              (std::set<std::string>{"events://events/evt_1", "events://users/usr_1"}));
    feed.Publish({"Event", "evt_old", service::ChangeKind::kUpdated});
    EXPECT_TRUE(outbox->messages.empty()) << "the replaced subscription still speaks";
    feed.Publish({"Event", "evt_1", service::ChangeKind::kUpdated});
    EXPECT_EQ(outbox->messages.size(), 1u);

    auto newcomer = std::make_shared<RecordingOutbox>();  // first heard of through the directory
    hub.SetSubscriptions(newcomer, {"events://users/usr_1"});
    feed.Publish({"User", "usr_1", service::ChangeKind::kUpdated});
    EXPECT_EQ(newcomer->messages.size(), 1u);
    hub.SetSubscriptions(newcomer, {});
    EXPECT_TRUE(hub.SubscriptionsOf(newcomer.get()).empty());

    std::set<std::string> many;
    for (std::size_t i = 0; i < SubscriptionHub::kMaxUrisPerSubscriber + 5; ++i) {
        many.insert("events://events/e" + std::to_string(i));
    }
    hub.SetSubscriptions(outbox, many);
    EXPECT_EQ(hub.SubscriptionsOf(outbox.get()).size(), SubscriptionHub::kMaxUrisPerSubscriber);
}

}  // namespace
}  // namespace ea::mcp
