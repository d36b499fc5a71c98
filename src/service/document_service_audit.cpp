// DocumentService's public operations: each records one AuditEvent (audit_scope.hpp) around the
// operation itself (the *Unaudited methods in document_service.cpp). Writes reserve their event
// before they run, so a write the audit trail cannot record is refused unchanged.
#include <set>
#include <string>

#include "service/audit_scope.hpp"
#include "service/document_service.hpp"

namespace ea::service {

Result<store::ListResult> DocumentService::List(const RequestContext& ctx,
                                                const schema::Entity& entity,
                                                const query::Query& query) {
    AuditScope audit(audit_, ctx, "list", entity.name());
    audit.SetFilter(query.filter.get());
    return audit.Done(ListUnaudited(ctx, entity, query));
}

Result<store::GetResult> DocumentService::Get(const RequestContext& ctx,
                                              const schema::Entity& entity, std::string_view id,
                                              const std::vector<query::ViewSpec>& view) {
    AuditScope audit(audit_, ctx, "get", entity.name());
    audit.SetId(id);
    return audit.Done(GetUnaudited(ctx, entity, id, view));
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
    std::string entities;  // "Account,User": every entity the batch writes, once each
    if (audit_ != nullptr) {
        std::set<std::string> names;
        for (const auto& record : records) {
            if (record.entity != nullptr && names.insert(record.entity->name()).second) {
                entities += (entities.empty() ? "" : ",") + record.entity->name();
            }
        }
    }
    AuditScope audit(audit_, ctx, "batch_create", entities);
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
    std::string entities;  // every entity the batch writes, once each
    if (audit_ != nullptr) {
        std::set<std::string> names;
        for (const auto& write : writes) {
            if (write.entity != nullptr && names.insert(write.entity->name()).second) {
                entities += (entities.empty() ? "" : ",") + write.entity->name();
            }
        }
    }
    AuditScope audit(audit_, ctx, "batch", entities);
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
