// DocumentService's public operations: each records one AuditEvent (audit_scope.hpp) around the
// operation itself (the *Unaudited methods in document_service.cpp). Writes reserve their event
// before they run, so a write the audit trail cannot record is refused unchanged.
#include <set>
#include <string>

#include "service/audit_scope.hpp"
#include "service/document_service.hpp"

namespace ea::service {
namespace {

// "Account,User": every entity a batch writes, once each, in first-seen order.
template <typename Items>
std::string EntityNames(const Items& items) {
    std::string names;
    std::set<std::string> seen;
    for (const auto& item : items) {
        if (item.entity != nullptr && seen.insert(item.entity->name()).second) {
            names += (names.empty() ? "" : ",") + item.entity->name();
        }
    }
    return names;
}

}  // namespace

Result<store::ListResult> DocumentService::List(const RequestContext& ctx,
                                                const schema::Entity& entity,
                                                const query::Query& query) {
    AuditScope audit(audit_, ctx, "list", entity.name());
    audit.SetFilter(query.filter.get());
    return audit.Done(ListUnaudited(ctx, entity, query));
}

Result<store::GetResult> DocumentService::Get(const RequestContext& ctx,
                                              const schema::Entity& entity, std::string_view id,
                                              const std::vector<query::ViewSpec>& view,
                                              const std::vector<const schema::Field*>& fields) {
    AuditScope audit(audit_, ctx, "get", entity.name());
    audit.SetId(id);
    return audit.Done(GetUnaudited(ctx, entity, id, view, fields));
}

Result<Record> DocumentService::Create(const RequestContext& ctx, const schema::Entity& entity,
                                       const Record& body) {
    AuditScope audit(audit_, ctx, "create", entity.name());
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(CreateUnaudited(ctx, entity, body));
}

Result<Record> DocumentService::Replace(const RequestContext& ctx, const schema::Entity& entity,
                                        std::string_view id, const Record& body,
                                        const std::optional<Precondition>& expected) {
    AuditScope audit(audit_, ctx, "replace", entity.name());
    audit.SetId(id);
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(ReplaceUnaudited(ctx, entity, id, body, expected));
}

Result<Record> DocumentService::Patch(const RequestContext& ctx, const schema::Entity& entity,
                                      std::string_view id, const Record& body,
                                      const std::optional<Precondition>& expected) {
    AuditScope audit(audit_, ctx, "update", entity.name());
    audit.SetId(id);
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(PatchUnaudited(ctx, entity, id, body, expected));
}

Result<Record> DocumentService::Delete(const RequestContext& ctx, const schema::Entity& entity,
                                       std::string_view id,
                                       const std::optional<Precondition>& expected) {
    AuditScope audit(audit_, ctx, "delete", entity.name());
    audit.SetId(id);
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(DeleteUnaudited(ctx, entity, id, expected));
}

Result<std::vector<Record>> DocumentService::CreateAll(const RequestContext& ctx,
                                                       const std::vector<NewRecord>& records) {
    AuditScope audit(audit_, ctx, "batch_create",
                     audit_ != nullptr ? EntityNames(records) : std::string());
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(CreateAllUnaudited(ctx, records));
}

Result<std::vector<Record>> DocumentService::PatchMany(const RequestContext& ctx,
                                                       const schema::Entity& entity,
                                                       const std::vector<Record>& bodies) {
    AuditScope audit(audit_, ctx, "batch_update", entity.name());
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(PatchManyUnaudited(ctx, entity, bodies));
}

Result<store::AggregateResult> DocumentService::Aggregate(const RequestContext& ctx,
                                                          const schema::Entity& entity,
                                                          query::AggregateQuery query) {
    AuditScope audit(audit_, ctx, "aggregate", entity.name());
    audit.SetFilter(query.filter.get());
    return audit.Done(AggregateUnaudited(ctx, entity, std::move(query)));
}

Result<std::vector<Record>> DocumentService::WriteAll(const RequestContext& ctx,
                                                      const std::vector<BatchWrite>& writes) {
    AuditScope audit(audit_, ctx, "batch", audit_ != nullptr ? EntityNames(writes) : std::string());
    if (auto reserved = audit.BeforeWrite(); !reserved) {
        return reserved.error();
    }
    return audit.Done(WriteAllUnaudited(ctx, writes));
}

Error DocumentService::AuditRefusal(const RequestContext& ctx, std::string_view action,
                                    const schema::Entity* entity, Error error) {
    AuditScope audit(audit_, ctx, action, entity != nullptr ? entity->name() : std::string());
    (void)audit.Done(Status(error));
    return error;
}

}  // namespace ea::service
