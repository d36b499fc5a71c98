#include "mcp/http_sessions.hpp"

#include <utility>

#include "auth/token.hpp"

namespace ea::mcp {

std::string OwnerKey(const Principal& principal) {
    return principal.user_id + '\n' + principal.username;
}

HttpSessionTable::HttpSessionTable(std::size_t max_sessions, std::chrono::seconds idle_timeout)
    : max_sessions_(max_sessions), idle_timeout_(idle_timeout) {}

namespace {

// Idle means no request and no open GET stream for the whole timeout.
bool Expired(const std::shared_ptr<HttpSession>& session, HttpSessionTable::Clock::time_point used,
             HttpSessionTable::Clock::time_point now, std::chrono::seconds timeout) {
    return now - used >= timeout && !session->outbox->HasLiveStream();
}

}  // namespace

void HttpSessionTable::SweepLocked(Clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (Expired(it->second.session, it->second.last_used, now, idle_timeout_)) {
            it->second.session->outbox->End();
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

std::shared_ptr<HttpSession> HttpSessionTable::Create(std::string owner, std::string* id,
                                                      Clock::time_point now) {
    std::lock_guard lock(mutex_);
    return InsertLocked(auth::NewToken(), std::move(owner), now, id);
}

std::shared_ptr<HttpSession> HttpSessionTable::Find(std::string_view id, std::string_view owner,
                                                    Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(id));
    if (it == entries_.end()) {
        return nullptr;
    }
    if (Expired(it->second.session, it->second.last_used, now, idle_timeout_)) {
        it->second.session->outbox->End();
        entries_.erase(it);
        return nullptr;
    }
    if (!auth::ConstantTimeEquals(it->second.session->owner, owner)) {
        return nullptr;
    }
    it->second.last_used = now;
    return it->second.session;
}

std::shared_ptr<HttpSession> HttpSessionTable::Adopt(const std::string& id, std::string owner,
                                                     Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
        if (!auth::ConstantTimeEquals(it->second.session->owner, owner)) {
            return nullptr;
        }
        it->second.last_used = now;
        return it->second.session;
    }
    return InsertLocked(id, std::move(owner), now, nullptr);
}

std::shared_ptr<HttpSession> HttpSessionTable::InsertLocked(std::string id, std::string owner,
                                                            Clock::time_point now,
                                                            std::string* id_out) {
    if (entries_.size() >= max_sessions_) {
        SweepLocked(now);
        if (entries_.size() >= max_sessions_) {
            return nullptr;
        }
    }
    auto session = std::make_shared<HttpSession>();
    session->owner = std::move(owner);
    if (id_out != nullptr) {
        *id_out = id;
    }
    entries_.emplace(std::move(id), Entry{session, now});
    return session;
}

std::shared_ptr<HttpSession> HttpSessionTable::Peek(std::string_view id) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(id));
    return it == entries_.end() ? nullptr : it->second.session;
}

void HttpSessionTable::Forget(std::string_view id) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(std::string(id)); it != entries_.end()) {
        it->second.session->outbox->End();
        entries_.erase(it);
    }
}

std::vector<std::string> HttpSessionTable::StreamingIds() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const auto& [id, entry] : entries_) {
        if (entry.session->outbox->HasLiveStream()) {
            ids.push_back(id);
        }
    }
    return ids;
}

bool HttpSessionTable::Remove(std::string_view id, std::string_view owner) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(id));
    if (it == entries_.end() || it->second.session->owner != owner) {
        return false;
    }
    it->second.session->outbox->End();
    entries_.erase(it);
    return true;
}

std::size_t HttpSessionTable::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace ea::mcp
