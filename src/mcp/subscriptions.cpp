#include "mcp/subscriptions.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "mcp/era_stateless.hpp"
#include "mcp/resources.hpp"
#include "schema/names.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;

constexpr std::string_view kSubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

std::string Notification(std::string_view method, object params) {
    return boost::json::serialize(
        object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

object Tagged(object params, const boost::json::value& subscription_id) {
    params["_meta"] = object{{kSubscriptionIdKey, subscription_id}};
    return params;
}

}  // namespace

SubscriptionHub::SubscriptionHub(service::ChangeFeed& feed) : feed_(feed) {
    listener_id_ = feed_.Listen([this](const service::RecordChange& change) { OnChange(change); });
}

SubscriptionHub::~SubscriptionHub() {
    feed_.Unlisten(listener_id_);
}

std::string SubscriptionHub::RecordUri(std::string_view entity, std::string_view id) {
    return std::string(kResourceScheme) + schema::PluralSnakeCase(entity) + "/" + std::string(id);
}

void SubscriptionHub::SweepLocked() {
    std::erase_if(subscribers_, [](const Subscriber& s) { return s.outbox.expired(); });
    std::erase_if(sessions_, [](const std::weak_ptr<Outbox>& s) { return s.expired(); });
    std::erase_if(listeners_, [](const Listener& l) { return !l.outbox || !l.outbox->open(); });
}

bool SubscriptionHub::Subscribe(const std::shared_ptr<Outbox>& outbox, std::string uri) {
    std::lock_guard lock(mutex_);
    SweepLocked();
    auto it = std::find_if(subscribers_.begin(), subscribers_.end(),
                           [&](const Subscriber& s) { return s.key == outbox.get(); });
    if (it == subscribers_.end()) {
        subscribers_.push_back(Subscriber{outbox, outbox.get(), {}});
        it = std::prev(subscribers_.end());
    }
    if (it->uris.size() >= kMaxUrisPerSubscriber && !it->uris.contains(uri)) {
        return false;
    }
    it->uris.insert(std::move(uri));
    return true;
}

void SubscriptionHub::Unsubscribe(const Outbox* outbox, std::string_view uri) {
    std::lock_guard lock(mutex_);
    for (auto& subscriber : subscribers_) {
        if (subscriber.key == outbox) {
            subscriber.uris.erase(std::string(uri));
        }
    }
}

std::set<std::string> SubscriptionHub::SubscriptionsOf(const Outbox* outbox) const {
    std::lock_guard lock(mutex_);
    for (const auto& subscriber : subscribers_) {
        if (subscriber.key == outbox && !subscriber.outbox.expired()) {
            return subscriber.uris;
        }
    }
    return {};
}

void SubscriptionHub::SetSubscriptions(const std::shared_ptr<Outbox>& outbox,
                                       std::set<std::string> uris) {
    while (uris.size() > kMaxUrisPerSubscriber) {
        uris.erase(std::prev(uris.end()));
    }
    std::lock_guard lock(mutex_);
    SweepLocked();
    for (auto& subscriber : subscribers_) {
        if (subscriber.key == outbox.get()) {
            subscriber.uris = std::move(uris);
            return;
        }
    }
    if (!uris.empty()) {
        subscribers_.push_back(Subscriber{outbox, outbox.get(), std::move(uris)});
    }
}

void SubscriptionHub::AddSession(const std::shared_ptr<Outbox>& outbox) {
    std::lock_guard lock(mutex_);
    SweepLocked();
    sessions_.push_back(outbox);
}

bool SubscriptionHub::AddListener(const std::shared_ptr<Outbox>& outbox, ListenFilter filter,
                                  boost::json::value subscription_id) {
    std::lock_guard lock(mutex_);
    SweepLocked();
    if (listeners_.size() >= kMaxListeners) {
        return false;
    }
    listeners_.push_back(Listener{outbox, std::move(filter), std::move(subscription_id)});
    return true;
}

void SubscriptionHub::OnChange(const service::RecordChange& change) {
    const bool wiped = change.kind == service::ChangeKind::kWiped;
    const std::string uri = wiped ? std::string() : RecordUri(change.entity, change.id);
    std::lock_guard lock(mutex_);
    for (auto& subscriber : subscribers_) {
        auto outbox = subscriber.outbox.lock();
        if (!outbox) {
            continue;
        }
        for (const auto& subscribed : subscriber.uris) {
            if (wiped || subscribed == uri) {
                if (!outbox->Deliver(Notification("notifications/resources/updated",
                                                  object{{"uri", subscribed}}))) {
                    subscriber.outbox.reset();
                    break;
                }
            }
        }
    }
    for (auto& listener : listeners_) {
        auto outbox = listener.outbox;
        if (!outbox) {
            continue;
        }
        for (const auto& subscribed : listener.filter.resource_uris) {
            if (wiped || subscribed == uri) {
                if (!outbox->Deliver(Notification(
                        "notifications/resources/updated",
                        Tagged(object{{"uri", subscribed}}, listener.subscription_id)))) {
                    listener.outbox.reset();
                    break;
                }
            }
        }
    }
}

void SubscriptionHub::AnnounceToolsChanged() {
    std::lock_guard lock(mutex_);
    const std::string plain = Notification("notifications/tools/list_changed", object{});
    for (auto& session : sessions_) {
        if (auto outbox = session.lock(); outbox && !outbox->Deliver(plain)) {
            session.reset();
        }
    }
    for (auto& listener : listeners_) {
        auto outbox = listener.outbox;
        if (outbox && listener.filter.tools_list_changed &&
            !outbox->Deliver(Notification("notifications/tools/list_changed",
                                          Tagged(object{}, listener.subscription_id)))) {
            listener.outbox.reset();
        }
    }
}

std::size_t SubscriptionHub::subscription_count() const {
    std::lock_guard lock(mutex_);
    std::size_t count = 0;
    for (const auto& subscriber : subscribers_) {
        if (!subscriber.outbox.expired()) {
            count += subscriber.uris.size();
        }
    }
    for (const auto& listener : listeners_) {
        if (listener.outbox && listener.outbox->open()) {
            count += listener.filter.resource_uris.size();
        }
    }
    return count;
}

}  // namespace ea::mcp
