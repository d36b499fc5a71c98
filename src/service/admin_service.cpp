#include "service/admin_service.hpp"

#include <utility>

#include <boost/json.hpp>

namespace ea::service {

AdminService::AdminService(const schema::Schema& schema, store::DocumentStore& store,
                           StorageSizes sizes)
    : schema_(schema), store_(store), sizes_(std::move(sizes)) {}

void AdminService::AddObserver(ChangeObserver& observer) {
    observers_.push_back(&observer);
}

Status AdminService::RequireAdmin(const RequestContext& ctx) {
    if (ctx.channel != Channel::kUnset && ctx.principal.authenticated &&
        ctx.principal.role == "admin") {
        return Ok();
    }
    return Error{ErrorCode::kForbidden, "administrators only"};
}

Result<boost::json::object> AdminService::Report(const RequestContext& ctx) {
    if (auto admin = RequireAdmin(ctx); !admin) {
        return admin.error();
    }
    auto counts = store_.Count();
    if (!counts) {
        return counts.error();
    }
    boost::json::object entities;
    std::int64_t total = 0;
    for (const auto& count : *counts) {
        entities[count.entity] = count.count;
        total += count.count;
    }
    boost::json::object report;
    report["entities"] = std::move(entities);
    report["totalRecords"] = total;
    report["sizes"] = sizes_ ? sizes_() : boost::json::object();
    return boost::json::object{{"database", store_.backend()},
                               {"report", std::move(report)},
                               {"schemaVersion", schema_.version()}};
}

Status AdminService::Reset(const RequestContext& ctx, std::string_view confirmation) {
    if (auto admin = RequireAdmin(ctx); !admin) {
        return admin.error();
    }
    if (confirmation != kResetConfirmation) {
        Error error =
            InvalidArgument("confirm must be exactly '" + std::string(kResetConfirmation) + "'");
        error.fields.push_back({"confirm", error.message});
        return error;
    }
    if (auto reset = store_.Reset(); !reset) {
        return reset;
    }
    const Change wiped[] = {{nullptr, "", ChangeKind::kWiped, {}}};
    return NotifyAll(observers_, ctx, wiped);
}

}  // namespace ea::service
