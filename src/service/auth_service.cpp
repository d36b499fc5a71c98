#include "service/auth_service.hpp"

#include <utility>

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "auth/token.hpp"
#include "query/filter.hpp"

namespace ea::service {
namespace {

constexpr std::string_view kInvalidLogin = "invalid username or password";

Error Unauthenticated(std::string message) {
    return Error{ErrorCode::kUnauthenticated, std::move(message)};
}

std::string StringField(const Record& record, std::string_view name) {
    const auto* value = record.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->get_string())
                                                  : std::string();
}

Error RateLimited(const ratelimit::Decision& decision) {
    if (decision.unavailable) {  // a shared limiter's Redis is down: fail closed
        return Unavailable("login rate limiter unavailable; try again shortly");
    }
    Error error{ErrorCode::kRateLimited, "too many login attempts; try again later"};
    const auto ms = decision.retry_after.count();
    error.retry_after_seconds = static_cast<int>((ms + 999) / 1000);
    return error;
}

}  // namespace

AuthService::AuthService(store::DocumentStore& store, auth::SessionStore& sessions,
                         ratelimit::RateLimiter& user_limiter,
                         ratelimit::RateLimiter& address_limiter, AuthOptions options,
                         auth::AccessTokenStore* tokens)
    : store_(store),
      sessions_(sessions),
      user_limiter_(user_limiter),
      address_limiter_(address_limiter),
      options_(options),
      tokens_(tokens) {}

const std::string& AuthService::DummyHash() {
    // Made on first use (PrepareLogins, or the first Login), not at construction: hashing costs
    // ~60 ms of CPU and 64 MiB, which a process that never logs anyone in by password (`mcp`
    // with MCP_TOKEN) should not pay at start-up.
    std::call_once(dummy_hash_once_, [this] {
        dummy_hash_ = auth::HashPassword("dummy password for timing").value();
    });
    return dummy_hash_;
}

Result<LoginResult> AuthService::Login(const schema::Entity& entity, std::string_view username,
                                       std::string_view password, std::string_view client_address,
                                       std::chrono::system_clock::time_point now) {
    if (!entity.auth()) {
        return NotFound(entity.name() + " has no login");
    }
    const std::string user_key = "login-user:" + std::string(username.substr(0, 200));
    const std::string address_key = "login-addr:" + std::string(client_address);
    if (auto decision = address_limiter_.Hit(address_key, now); !decision.allowed) {
        return RateLimited(decision);
    }
    if (auto decision = user_limiter_.Hit(user_key, now); !decision.allowed) {
        return RateLimited(decision);
    }

    // Before the lookup, so that a known and an unknown user take as long from the first login on.
    const std::string& dummy_hash = DummyHash();
    const auto& auth = *entity.auth();
    const auto* login_field = entity.FindField(auth.login_field);
    std::optional<Record> user;
    if (login_field != nullptr && !username.empty() && username.size() <= 200) {
        query::Query query;
        query.filter = std::make_unique<query::FilterNode>();
        query.filter->kind = query::FilterNode::Kind::kComparison;
        query.filter->comparison =
            query::Comparison{login_field, query::Op::kEq, boost::json::string(username)};
        query.matching = query::Matching::kExact;
        query.page_size = 1;
        auto found = store_.List(entity, query);
        if (!found) {
            return found.error();
        }
        if (!found->rows.empty()) {
            user = std::move(found->rows.front());
        }
    }
    const std::string stored_hash = user ? StringField(*user, auth.password_field) : dummy_hash;
    const bool ok = auth::VerifyPassword(stored_hash, password) && user.has_value();
    if (!ok) {
        return Unauthenticated(std::string(kInvalidLogin));
    }
    user_limiter_.Reset(user_key);

    LoginResult result;
    result.token = auth::NewToken();
    auto& session = result.session;
    session.token_hash = auth::HashToken(result.token);
    session.user_id = StringField(*user, "id");
    session.username = StringField(*user, auth.login_field);
    session.role = StringField(*user, "role");
    session.account_id = StringField(*user, "accountId");
    session.created_at = now;
    session.expires_at = now + options_.session_ttl;
    if (auto put = sessions_.Put(session); !put) {
        return put.error();
    }
    return result;
}

Status AuthService::Logout(std::string_view token, std::chrono::system_clock::time_point now) {
    const auto hash = auth::HashToken(token);
    auto session = sessions_.Get(hash, now);
    if (!session) {
        return session.error();
    }
    return sessions_.Delete(hash);
}

Result<auth::Session> AuthService::Refresh(const schema::Entity& entity, std::string_view token,
                                           std::chrono::system_clock::time_point now) {
    if (!entity.auth()) {
        return NotFound(entity.name() + " has no login");
    }
    const auto hash = auth::HashToken(token);
    auto session = sessions_.Get(hash, now);
    if (!session) {
        return session.error();
    }
    auto user = store_.Get(entity, session->user_id);
    if (!user && user.error().code != ErrorCode::kNotFound) {
        return user.error();
    }
    const bool current = user &&
                         StringField(*user, entity.auth()->login_field) == session->username &&
                         StringField(*user, "role") == session->role &&
                         StringField(*user, "accountId") == session->account_id;
    if (!current) {
        // Every session of that user is as stale as this one.
        if (auto ended = sessions_.DeleteUser(session->user_id); !ended) {
            return ended.error();
        }
        return Unauthenticated(user ? "your account changed since you logged in: log in again"
                                    : "the session's user no longer exists: log in again");
    }
    // Touch, not Put: a revocation that lands between the Get and here is not undone.
    return sessions_.Touch(hash, options_.session_ttl, now);
}

Result<Principal> AuthService::Authenticate(std::optional<std::string_view> token,
                                            std::chrono::system_clock::time_point now) {
    if (!token || token->empty()) {
        if (!options_.auth_required) {
            return Principal{"", "anonymous", "admin", "", true};
        }
        return Unauthenticated("authentication required: log in first");
    }
    switch (auth::ClassifyBearer(*token)) {
        case auth::BearerKind::kSession: {
            auto session = sessions_.Get(auth::HashToken(*token), now);
            if (!session) {
                if (session.error().code == ErrorCode::kUnauthenticated) {
                    return Unauthenticated("session expired or invalid: log in again");
                }
                return session.error();
            }
            return PrincipalOf(*std::move(session));
        }
        case auth::BearerKind::kAccessToken: {
            if (tokens_ == nullptr) {
                return Unauthenticated("access tokens are not accepted here");
            }
            auto found = tokens_->Find(auth::HashToken(*token), now);
            if (!found) {
                if (found.error().code == ErrorCode::kUnauthenticated) {
                    return Unauthenticated(
                        "access token expired, revoked or unknown: ask the operator for a new "
                        "one (events-api token create)");
                }
                return found.error();
            }
            return Principal{std::move(found->user_id), std::move(found->username),
                             std::move(found->role), std::move(found->account_id), true};
        }
        case auth::BearerKind::kMalformed:
            break;
    }
    // The token is not echoed: a mangled secret is still a secret.
    return Unauthenticated(
        "malformed bearer token: expected a session token (43 characters from A-Z a-z 0-9 - _) "
        "or an access token (eat_ and 43 such characters)");
}

Result<Record> AuthService::Me(const schema::Entity& entity, const Principal& principal) {
    if (principal.user_id.empty()) {
        return NotFound("this session has no user record");
    }
    auto user = store_.Get(entity, principal.user_id);
    if (!user) {
        return user.error();
    }
    for (const auto& field : entity.fields()) {
        if (field.write_only) {
            user->erase(field.name);
        }
    }
    return user;
}

Principal AuthService::PrincipalOf(auth::Session&& session) {
    // Moved, not copied: this runs on every authenticated request.
    return Principal{std::move(session.user_id), std::move(session.username),
                     std::move(session.role), std::move(session.account_id), true};
}

}  // namespace ea::service
