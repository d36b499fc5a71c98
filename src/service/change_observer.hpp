// ChangeObserver: the writes DocumentService and AdminService committed, reported to whoever must
// react to them, so the core never has to know who that is. The auth side ends the sessions of a
// user whose password, role or login changed or who was removed (session_revoker.hpp); the MCP
// layer will turn the same reports into resource-change notifications.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "schema/schema.hpp"
#include "service/request_context.hpp"

namespace ea::service {

enum class ChangeKind {
    kCreated,
    kUpdated,
    kDeleted,  // the record itself; records removed by an on_delete cascade are not reported
    kWiped,    // every record of every entity (AdminService::Reset); entity is null, id empty
};

struct Change {
    const schema::Entity* entity = nullptr;
    std::string id;
    ChangeKind kind = ChangeKind::kUpdated;
    // kUpdated: the fields whose stored value differs from before (a new password always does:
    // its hash is salted). Empty for the other kinds.
    std::vector<std::string> changed_fields;
};

class ChangeObserver {
public:
    virtual ~ChangeObserver() = default;

    // Called on the caller's thread after `changes` are committed, in commit order. An error
    // becomes the answer of the call that made the change, which nonetheless stays committed:
    // an observer whose work is part of the change's safety (ending sessions) fails closed that
    // way, and the caller can retry. The error must never hold a secret.
    [[nodiscard]] virtual Status OnCommitted(const RequestContext& ctx,
                                             std::span<const Change> changes) = 0;
};

// Reports `changes` to every observer in order; the first error is returned (every observer is
// still called, so one failing observer does not silence the others).
[[nodiscard]] inline Status NotifyAll(const std::vector<ChangeObserver*>& observers,
                                      const RequestContext& ctx, std::span<const Change> changes) {
    Status result = Ok();
    for (auto* observer : observers) {
        if (auto status = observer->OnCommitted(ctx, changes); !status && result) {
            result = status;
        }
    }
    return result;
}

}  // namespace ea::service
