// AdminService: database-wide operations for administrators (report, wipe and re-create). Only
// principals with the admin role may call them.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "schema/schema.hpp"
#include "service/change_observer.hpp"
#include "service/request_context.hpp"
#include "store/document_store.hpp"

namespace ea::service {

// The value a client must send to confirm a wipe, so no stray request can erase the data.
inline constexpr std::string_view kResetConfirmation = "DELETE ALL DATA";

// Bytes the database occupies on disk, by part ("database", "wal"); empty when unknown.
using StorageSizes = std::function<boost::json::object()>;

class AdminService {
public:
    AdminService(const schema::Schema& schema, store::DocumentStore& store,
                 StorageSizes sizes = {});

    // {"database", "report": {"entities": {Entity: count}, "totalRecords", "sizes"},
    //  "schemaVersion"}.
    // Errors: kForbidden for non-admins, kUnavailable.
    [[nodiscard]] Result<boost::json::object> Report(const RequestContext& ctx);

    // Reports each wipe (ChangeKind::kWiped) to `observer`, which must outlive the service.
    // REQUIRES: called before the service serves any request.
    void AddObserver(ChangeObserver& observer);

    // Drops and re-creates every table when `confirmation` equals kResetConfirmation, then
    // reports the wipe to the observers (which end every session).
    // Errors: kForbidden, kInvalidArgument (missing or wrong confirmation), kUnavailable (also
    // when an observer fails after the wipe: see change_observer.hpp).
    [[nodiscard]] Status Reset(const RequestContext& ctx, std::string_view confirmation);

    // kForbidden unless `ctx` is an administrator on a named channel.
    [[nodiscard]] static Status RequireAdmin(const RequestContext& ctx);

private:
    const schema::Schema& schema_;
    store::DocumentStore& store_;
    StorageSizes sizes_;
    std::vector<ChangeObserver*> observers_;
};

}  // namespace ea::service
