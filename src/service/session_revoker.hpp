// SessionRevoker: sessions follow the user. A ChangeObserver that ends every session of a user
// (on every session backend, through SessionStore::DeleteUser) when a committed change makes the
// sessions stale: the user's password, login name, role or account changed, or the user was
// deleted; and every session when the database was wiped. A session therefore never carries a
// role, name or password its user no longer has.
//
// Fails closed: when the session store cannot end the sessions, the call that made the change
// answers kUnavailable (the change itself is committed; repeating the request repeats the
// revocation), with the store's own words in Error::detail for the log. Thread-safe.
#pragma once

#include <span>

#include "auth/session_store.hpp"
#include "service/change_observer.hpp"

namespace ea::service {

class SessionRevoker final : public ChangeObserver {
public:
    // `sessions` must outlive the revoker.
    explicit SessionRevoker(auth::SessionStore& sessions);

    [[nodiscard]] Status OnCommitted(const RequestContext& ctx,
                                     std::span<const Change> changes) override;

    // True when `change` must end the sessions of the user it names: a change of an entity with
    // the auth service that deletes the user or changes a field a session depends on.
    [[nodiscard]] static bool EndsSessions(const Change& change);

private:
    auth::SessionStore& sessions_;
};

}  // namespace ea::service
