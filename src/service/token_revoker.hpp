// TokenRevoker: access tokens follow their user as sessions do. A ChangeObserver that revokes
// every access token of a user when a committed change makes it stale (the same changes that end
// sessions, SessionRevoker::EndsSessions: password, login name, role or account changed, or the
// user deleted), and every token when the database is wiped. So a token never acts with a role
// its user no longer has. Fails closed like SessionRevoker. Thread-safe.
#pragma once

#include <span>

#include "auth/access_token_store.hpp"
#include "service/change_observer.hpp"

namespace ea::service {

class TokenRevoker final : public ChangeObserver {
public:
    // `tokens` must outlive the revoker.
    explicit TokenRevoker(auth::AccessTokenStore& tokens) : tokens_(tokens) {}

    [[nodiscard]] Status OnCommitted(const RequestContext& ctx,
                                     std::span<const Change> changes) override;

private:
    auth::AccessTokenStore& tokens_;
};

}  // namespace ea::service
