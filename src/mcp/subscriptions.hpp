// SubscriptionHub: which clients hear about which changes. It listens on a service::ChangeFeed
// (in-process now, shared between instances later) and turns each record change into
// `notifications/resources/updated` for the clients subscribed to that record's URI
// (events://{plural}/{id}):
//   - session era: resources/subscribe and resources/unsubscribe on a connection with an outbox
//     (the HTTP session's GET stream, a legacy SSE stream);
//   - 2026-07-28: subscriptions/listen streams, each with its filter (resourceSubscriptions,
//     toolsListChanged, ...) and the subscription id every notification on it is tagged with.
// Whether the subscriber may read the record is checked when it subscribes (McpServer), not
// here. Announcements of tool-list changes go to every session and to listeners that asked.
// Session outboxes are held weakly (an ended session drops out by itself); listen streams are
// held until their stream closes. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "mcp/outbox.hpp"
#include "service/change_feed.hpp"

namespace ea::mcp {

// What a subscriptions/listen stream asked for.
struct ListenFilter {
    bool tools_list_changed = false;
    bool prompts_list_changed = false;
    bool resources_list_changed = false;
    std::set<std::string> resource_uris;
};

class SubscriptionHub {
public:
    // Bounds: URIs per subscriber, and listen streams open at once.
    static constexpr std::size_t kMaxUrisPerSubscriber = 1000;
    static constexpr std::size_t kMaxListeners = 4096;

    // Listens on `feed` until destroyed; `feed` must outlive the hub.
    explicit SubscriptionHub(service::ChangeFeed& feed);
    ~SubscriptionHub();
    SubscriptionHub(const SubscriptionHub&) = delete;
    SubscriptionHub& operator=(const SubscriptionHub&) = delete;

    // Session era. Subscribe is idempotent; false when the subscriber has too many URIs.
    bool Subscribe(const std::shared_ptr<Outbox>& outbox, std::string uri);
    void Unsubscribe(const Outbox* outbox, std::string_view uri);
    // The URIs `outbox` is subscribed to, and making them exactly `uris` (a session whose state
    // another instance changed: session_directory.hpp); SetSubscriptions ignores URIs past the
    // bound.
    std::set<std::string> SubscriptionsOf(const Outbox* outbox) const;
    void SetSubscriptions(const std::shared_ptr<Outbox>& outbox, std::set<std::string> uris);
    // A session's outbox, told about tool-list changes.
    void AddSession(const std::shared_ptr<Outbox>& outbox);

    // 2026-07-28: a listen stream; every message to it carries `subscription_id` in
    // params._meta["io.modelcontextprotocol/subscriptionId"]. False when too many are open.
    bool AddListener(const std::shared_ptr<Outbox>& outbox, ListenFilter filter,
                     boost::json::value subscription_id);

    // notifications/tools/list_changed to every session and every listener that asked.
    void AnnounceToolsChanged();

    // The resource URI of a record, as resources/read accepts it.
    static std::string RecordUri(std::string_view entity, std::string_view id);

    std::size_t subscription_count() const;

private:
    struct Subscriber {
        std::weak_ptr<Outbox> outbox;
        const Outbox* key = nullptr;
        std::set<std::string> uris;
    };
    struct Listener {
        std::shared_ptr<Outbox> outbox;  // null once it refused
        ListenFilter filter;
        boost::json::value subscription_id;
    };
    void OnChange(const service::RecordChange& change);
    void SweepLocked();

    service::ChangeFeed& feed_;
    service::ChangeFeed::ListenerId listener_id_ = 0;
    mutable std::mutex mutex_;
    std::vector<Subscriber> subscribers_;
    std::vector<std::weak_ptr<Outbox>> sessions_;
    std::vector<Listener> listeners_;
};

}  // namespace ea::mcp
