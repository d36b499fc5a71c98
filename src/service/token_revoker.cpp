#include "service/token_revoker.hpp"

#include <string>

#include "service/session_revoker.hpp"

namespace ea::service {
namespace {

Error RevocationFailed(const Error& cause) {
    Error error = Unavailable(
        "the change was saved, but the user's access tokens could not be revoked; repeat the "
        "request");
    error.detail = "access token revocation failed: " + cause.message +
                   (cause.detail.empty() ? "" : " (" + cause.detail + ")");
    return error;
}

}  // namespace

Status TokenRevoker::OnCommitted(const RequestContext&, std::span<const Change> changes) {
    for (const auto& change : changes) {
        Status revoked = Ok();
        if (change.kind == ChangeKind::kWiped) {
            revoked = tokens_.RevokeAll();
        } else if (SessionRevoker::EndsSessions(change)) {
            revoked = tokens_.RevokeUser(change.id);
        }
        if (!revoked) {
            return RevocationFailed(revoked.error());
        }
    }
    return Ok();
}

}  // namespace ea::service
