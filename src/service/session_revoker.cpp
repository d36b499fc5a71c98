#include "service/session_revoker.hpp"

#include <string>

namespace ea::service {
namespace {

// The fields a session copies at login (see AuthService::Login) besides the password.
constexpr std::string_view kRoleField = "role";
constexpr std::string_view kAccountField = "accountId";

Error RevocationFailed(const Error& cause, std::string_view what) {
    Error error = Unavailable("the change was saved, but " + std::string(what) +
                              " could not be ended; repeat the request");
    error.detail = "session revocation failed: " + cause.message +
                   (cause.detail.empty() ? "" : " (" + cause.detail + ")");
    return error;
}

}  // namespace

SessionRevoker::SessionRevoker(auth::SessionStore& sessions) : sessions_(sessions) {}

bool SessionRevoker::EndsSessions(const Change& change) {
    if (change.entity == nullptr || !change.entity->auth() || change.id.empty()) {
        return false;
    }
    if (change.kind == ChangeKind::kDeleted) {
        return true;
    }
    if (change.kind != ChangeKind::kUpdated) {
        return false;
    }
    const auto& auth = *change.entity->auth();
    for (const auto& field : change.changed_fields) {
        if (field == auth.password_field || field == auth.login_field || field == kRoleField ||
            field == kAccountField) {
            return true;
        }
    }
    return false;
}

Status SessionRevoker::OnCommitted(const RequestContext&, std::span<const Change> changes) {
    for (const auto& change : changes) {
        if (change.kind == ChangeKind::kWiped) {
            if (auto deleted = sessions_.DeleteAll(); !deleted) {
                return RevocationFailed(deleted.error(), "the existing sessions");
            }
            continue;
        }
        if (!EndsSessions(change)) {
            continue;
        }
        if (auto deleted = sessions_.DeleteUser(change.id); !deleted) {
            return RevocationFailed(deleted.error(), "the user's sessions");
        }
    }
    return Ok();
}

}  // namespace ea::service
