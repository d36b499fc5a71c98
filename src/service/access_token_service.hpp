// AccessTokenService: issuing, listing and revoking the long-lived bearer tokens of service users
// (`events-api token ...`). A token is created for an existing user of the auth entity and
// carries that user's id, login name, role and account; AuthService::Authenticate accepts it as a
// bearer on every face, and TokenRevoker ends it when the user changes. Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access_token_store.hpp"
#include "common/result.hpp"
#include "schema/schema.hpp"
#include "store/document_store.hpp"

namespace ea::service {

struct IssuedAccessToken {
    std::string token;  // shown once to the operator; only its hash is stored
    auth::AccessToken record;
};

// "90d", "12h", "30m", "45s" -> that many seconds. kInvalidArgument naming the accepted forms
// when `text` is not a positive whole number with one of those units, or exceeds
// auth::kMaxAccessTokenTtl.
[[nodiscard]] Result<std::chrono::seconds> ParseTokenLifetime(std::string_view text);

class AccessTokenService {
public:
    // Both references must outlive the service.
    AccessTokenService(store::DocumentStore& store, auth::AccessTokenStore& tokens)
        : store_(store), tokens_(tokens) {}

    // A new token for the user whose login field equals `username` in `entity` (which must have
    // the auth service), valid for `ttl` from `now`, labelled `name` (at most 100 printable
    // characters; may be empty). Errors: kNotFound (no such user), kInvalidArgument, kUnavailable.
    [[nodiscard]] Result<IssuedAccessToken> Create(const schema::Entity& entity,
                                                   std::string_view username, std::string_view name,
                                                   std::chrono::seconds ttl,
                                                   std::chrono::system_clock::time_point now);

    // The live tokens, of `username` only when given (never the token or its hash).
    [[nodiscard]] Result<std::vector<auth::AccessToken>> List(
        std::optional<std::string_view> username, std::chrono::system_clock::time_point now) {
        return tokens_.List(username, now);
    }

    // Ends token `id` for the very next request. kNotFound when there is no such token.
    [[nodiscard]] Status Revoke(std::string_view id) { return tokens_.Revoke(id); }

private:
    store::DocumentStore& store_;
    auth::AccessTokenStore& tokens_;
};

}  // namespace ea::service
