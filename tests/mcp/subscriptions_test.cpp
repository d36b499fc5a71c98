// SubscriptionHub over an InProcessChangeFeed fed by ChangeFeedPublisher, with recording
// outboxes: who hears which record change, in which era's shape, and that ended clients drop out.
#include "mcp/subscriptions.hpp"

#include <gtest/gtest.h>

namespace ea::mcp {
namespace {

class RecordingOutbox final : public Outbox {
public:
    bool Deliver(const std::string& message) override {
        if (!open_) {
            return false;
        }
        messages.push_back(message);
        return true;
    }
    bool open() const override { return open_; }
    void Close() { open_ = false; }
    std::vector<std::string> messages;

private:
    bool open_ = true;
};

service::RecordChange Updated(std::string entity, std::string id) {
    return service::RecordChange{std::move(entity), std::move(id), service::ChangeKind::kUpdated};
}

TEST(SubscriptionHubTest, OnlySubscribersOfTheChangedRecordHearOfIt) {
    service::InProcessChangeFeed feed;
    SubscriptionHub hub(feed);
    auto event_watcher = std::make_shared<RecordingOutbox>();
    auto user_watcher = std::make_shared<RecordingOutbox>();
    ASSERT_TRUE(hub.Subscribe(event_watcher, "events://events/evt_1"));
    ASSERT_TRUE(hub.Subscribe(user_watcher, "events://users/usr_1"));
    feed.Publish(Updated("Event", "evt_1"));
    ASSERT_EQ(event_watcher->messages.size(), 1U);
    EXPECT_EQ(event_watcher->messages[0],
              R"({"jsonrpc":"2.0","method":"notifications/resources/updated",)"
              R"("params":{"uri":"events://events/evt_1"}})");
    EXPECT_TRUE(user_watcher->messages.empty());
    hub.Unsubscribe(event_watcher.get(), "events://events/evt_1");
    feed.Publish(Updated("Event", "evt_1"));
    EXPECT_EQ(event_watcher->messages.size(), 1U);
}

TEST(SubscriptionHubTest, PluralSnakeCaseUrisAndWipesReachEverySubscription) {
    service::InProcessChangeFeed feed;
    SubscriptionHub hub(feed);
    auto outbox = std::make_shared<RecordingOutbox>();
    hub.Subscribe(outbox, "events://tag_affinities/ta_1");
    feed.Publish(Updated("TagAffinity", "ta_1"));
    EXPECT_EQ(outbox->messages.size(), 1U);
    feed.Publish(service::RecordChange{"", "", service::ChangeKind::kWiped});
    EXPECT_EQ(outbox->messages.size(), 2U);
}

TEST(SubscriptionHubTest, ListenersGetTaggedMessagesAndOnlyWhatTheyAskedFor) {
    service::InProcessChangeFeed feed;
    SubscriptionHub hub(feed);
    auto quiet = std::make_shared<RecordingOutbox>();
    auto loud = std::make_shared<RecordingOutbox>();
    ListenFilter resources_only;
    resources_only.resource_uris = {"events://events/evt_1"};
    ListenFilter tools_only;
    tools_only.tools_list_changed = true;
    ASSERT_TRUE(hub.AddListener(quiet, resources_only, 7));
    ASSERT_TRUE(hub.AddListener(loud, tools_only, "s"));
    feed.Publish(Updated("Event", "evt_1"));
    hub.AnnounceToolsChanged();
    ASSERT_EQ(quiet->messages.size(), 1U);
    EXPECT_NE(quiet->messages[0].find(R"("_meta":{"io.modelcontextprotocol/subscriptionId":7})"),
              std::string::npos)
        << quiet->messages[0];
    ASSERT_EQ(loud->messages.size(), 1U);
    EXPECT_NE(loud->messages[0].find("notifications/tools/list_changed"), std::string::npos);
}

TEST(SubscriptionHubTest, EndedClientsDropOutAndToolChangesReachSessions) {
    service::InProcessChangeFeed feed;
    SubscriptionHub hub(feed);
    auto session = std::make_shared<RecordingOutbox>();
    hub.AddSession(session);
    hub.Subscribe(session, "events://events/evt_1");
    {
        auto gone = std::make_shared<RecordingOutbox>();
        hub.Subscribe(gone, "events://events/evt_1");
    }  // the session ended: only weakly held
    auto closed = std::make_shared<RecordingOutbox>();
    ListenFilter filter;
    filter.resource_uris = {"events://events/evt_1"};
    hub.AddListener(closed, filter, 1);
    closed->Close();
    EXPECT_EQ(hub.subscription_count(), 1U);
    feed.Publish(Updated("Event", "evt_1"));
    hub.AnnounceToolsChanged();
    ASSERT_EQ(session->messages.size(), 2U);
    EXPECT_NE(session->messages[1].find("notifications/tools/list_changed"), std::string::npos);
}

TEST(ChangeFeedPublisherTest, CommittedChangesReachListenersByName) {
    service::InProcessChangeFeed feed;
    std::vector<service::RecordChange> heard;
    const auto id =
        feed.Listen([&](const service::RecordChange& change) { heard.push_back(change); });
    service::ChangeFeedPublisher publisher(feed);
    std::vector<service::Change> changes(1);
    changes[0].id = "x";
    changes[0].kind = service::ChangeKind::kWiped;
    ASSERT_TRUE(publisher.OnCommitted(service::RequestContext{}, changes));
    feed.Unlisten(id);
    feed.Publish(Updated("Event", "late"));
    ASSERT_EQ(heard.size(), 1U);
    EXPECT_EQ(heard[0].id, "x");
    EXPECT_EQ(heard[0].kind, service::ChangeKind::kWiped);
    EXPECT_TRUE(heard[0].entity.empty());
}

}  // namespace
}  // namespace ea::mcp
