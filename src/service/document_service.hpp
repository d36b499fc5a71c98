// DocumentService: the one core that both faces (REST, MCP) and the CLI call. Every write passes
// the same steps in the same order: the entity's allowed operations, the caller's role (the
// schema's rbac policy: operation, writable fields, row scope), validation (all field errors
// at once), server-set fields (id, createdAt, updatedAt), password hashing, then the store's
// integrity checks (missing reference before duplicate). Reads check the query against the role
// (filter, sort and view fields; the page size is clamped to the role's maximum and reported in
// Page::page_size_clamped_from) and return only the fields the role may read. No HTTP, no
// JSON-RPC. Thread-safe: one instance serves all requests.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "rbac/rbac.hpp"
#include "schema/schema.hpp"
#include "service/audit.hpp"
#include "service/call_limiter.hpp"
#include "service/change_observer.hpp"
#include "service/request_context.hpp"
#include "store/document_store.hpp"
#include "validate/validator.hpp"

namespace ea::service {

// A write's precondition (HTTP If-Match; an MCP tool's expected version), checked against the
// stored record inside the write's own transaction, so nothing can land between check and write.
// A record's version is its updatedAt: every write through this service moves it forward, by at
// least 1 ms past the previous version, so two states of a record never share a version.
struct Precondition {
    bool any = false;                   // "*": passes for any existing record
    std::vector<std::string> versions;  // otherwise the current version must be one of these
};

// Limits of one service call, whatever the face.
struct ServiceLimits {
    std::size_t max_batch = 1000;  // records per CreateMany/CreateAll/PatchMany call
    int max_groups = 1000;         // groups one Aggregate returns at most (then truncated)
};

class DocumentService {
public:
    // `schema` and `store` must outlive the service.
    DocumentService(const schema::Schema& schema, store::DocumentStore& store,
                    ServiceLimits limits = {});

    // The version of a stored record (its updatedAt; empty when it has none), as Precondition
    // compares it and as REST's ETag carries it.
    static std::string_view VersionOf(const Record& record);

    // Reports every committed create, update and delete to `observer` (see change_observer.hpp
    // for what its errors mean). `observer` must outlive the service. REQUIRES: called before
    // the service serves any request (observers are not guarded).
    void AddObserver(ChangeObserver& observer);

    // Counts every data call (list, get, create, update, delete, each batch as one) against the
    // caller's role limit before anything else (call_limiter.hpp). `limiter` must outlive the
    // service. REQUIRES: called before the service serves any request.
    void SetCallLimiter(const CallLimiter& limiter) { limiter_ = &limiter; }
    // Records every call below (but VersionOf) as one AuditEvent in `sink` (audit.hpp); writes
    // are refused when the sink cannot promise to keep their event (audit_scope.hpp). Without a
    // sink nothing is audited. `sink` must outlive the service. REQUIRES: called before the
    // service serves any request. The wrappers live in document_service_audit.cpp.
    void SetAuditSink(AuditSink* sink) { audit_ = sink; }
    // Records a call a face refused before it reached an operation (an MCP tool the caller's role
    // may not call, so it is not listed): one event with `action` (the tool's name) and the
    // error's outcome. Returns `error` unchanged.
    Error AuditRefusal(const RequestContext& ctx, std::string_view action,
                       const schema::Entity* entity, Error error);

    // Errors: kMethodNotAllowed (the entity's operations lack read), kInvalidArgument,
    // kUnavailable.
    [[nodiscard]] Result<store::ListResult> List(const RequestContext& ctx,
                                                 const schema::Entity& entity,
                                                 const query::Query& query);

    // Errors: kMethodNotAllowed, kNotFound.
    [[nodiscard]] Result<Record> Get(const RequestContext& ctx, const schema::Entity& entity,
                                     std::string_view id);
    // Get with `view` (query::ParseView, as for List) embedded exactly as List embeds it, with the
    // store's warnings (a referenced record that no longer exists). Errors: as Get, and
    // kInvalidArgument for a view of another entity. `fields` (query::ParseFieldSelection; empty:
    // all) selects what is returned, as Query::fields does for List; kForbidden for one the
    // caller's role may not read.
    [[nodiscard]] Result<store::GetResult> Get(
        const RequestContext& ctx, const schema::Entity& entity, std::string_view id,
        const std::vector<query::ViewSpec>& view,
        const std::vector<const schema::Field*>& fields = {});

    // Creates a record from a client body. A client-supplied `id` is kept (lower-cased) when valid.
    // Errors: kMethodNotAllowed, kValidationFailed (every field problem; a missing reference),
    // kConflict (id or unique value taken).
    [[nodiscard]] Result<Record> Create(const RequestContext& ctx, const schema::Entity& entity,
                                        const Record& body);

    // Full replacement (PUT): the body is validated as a whole record before the lookup, so a bad
    // body is 422 even for a missing id. createdAt is kept from the stored record. The stored
    // record is read, merged and written in one write transaction (no lost updates).
    // Errors: as Create, plus kNotFound; with `expected`, kPreconditionFailed when the record is
    // missing or at another version (the message names both versions).
    [[nodiscard]] Result<Record> Replace(const RequestContext& ctx, const schema::Entity& entity,
                                         std::string_view id, const Record& body,
                                         const std::optional<Precondition>& expected = {});

    // Partial update (PATCH): only the fields in `body` change; two concurrent patches of
    // different fields both survive. Errors: as Replace.
    [[nodiscard]] Result<Record> Patch(const RequestContext& ctx, const schema::Entity& entity,
                                       std::string_view id, const Record& body,
                                       const std::optional<Precondition>& expected = {});

    // Deletes `id` and returns what was deleted, applying on_delete along incoming references.
    // Errors: kMethodNotAllowed, kNotFound, kConflict (a restrict reference); with `expected`,
    // kPreconditionFailed as for Replace.
    [[nodiscard]] Result<Record> Delete(const RequestContext& ctx, const schema::Entity& entity,
                                        std::string_view id,
                                        const std::optional<Precondition>& expected = {});

    // Creates every body in one transaction: all or nothing. Field errors are prefixed "[i].";
    // at most kMaxFieldErrors are returned. More than limits.max_batch bodies: kTooLarge.
    [[nodiscard]] Result<std::vector<Record>> CreateMany(const RequestContext& ctx,
                                                         const schema::Entity& entity,
                                                         const std::vector<Record>& bodies);

    // Creates records of any entities in one transaction: all or nothing (e.g. a user and the
    // account it needs). Field errors are prefixed "[i].".
    struct NewRecord {
        const schema::Entity* entity = nullptr;
        Record body;
    };
    [[nodiscard]] Result<std::vector<Record>> CreateAll(const RequestContext& ctx,
                                                        const std::vector<NewRecord>& records);

    // Patches every {id, ...fields} body in one transaction: all or nothing (each record read
    // and merged inside it). More than limits.max_batch bodies: kTooLarge.
    [[nodiscard]] Result<std::vector<Record>> PatchMany(const RequestContext& ctx,
                                                        const schema::Entity& entity,
                                                        const std::vector<Record>& bodies);

    // Creates and updates records of any entities in one transaction: all or nothing. Each item
    // passes exactly the checks of Create or Patch (operations, the role, validation, row scope);
    // errors name the item: field errors "[3].email", denials "[3] ai_agent role cannot ...".
    // Field problems are collected from every item; a denial or a store error ends the batch.
    // More than limits.max_batch items: kTooLarge.
    struct BatchWrite {
        enum class Op { kCreate, kUpdate };
        Op op = Op::kCreate;
        const schema::Entity* entity = nullptr;
        std::string id;  // kUpdate: the record to change
        Record body;     // kCreate: the new record; kUpdate: the fields to change
    };
    [[nodiscard]] Result<std::vector<Record>> WriteAll(const RequestContext& ctx,
                                                       const std::vector<BatchWrite>& writes);

    // count, sum, avg, min and max over the records matching query.filter, grouped by
    // query.group_by, under the read rules (rbac::GuardAggregate: the read grant, the filter's
    // and every aggregated or grouped field's rules, the row scope). At most limits.max_groups
    // groups (fewer when query.max_groups asks for fewer); AggregateResult::truncated says more
    // exist. Errors: kMethodNotAllowed, kForbidden (the same denials as List), kInvalidArgument,
    // kUnavailable (the store's query time limit).
    [[nodiscard]] Result<store::AggregateResult> Aggregate(const RequestContext& ctx,
                                                           const schema::Entity& entity,
                                                           query::AggregateQuery query);

    const schema::Schema& schema() const { return schema_; }
    // The store's backend name ("sqlite", "postgresql"), for reports and metadata.
    std::string_view backend() const { return store_.backend(); }

private:
    // The operations themselves; the public methods of the same name audit them.
    Result<store::AggregateResult> AggregateUnaudited(const RequestContext& ctx,
                                                      const schema::Entity& entity,
                                                      query::AggregateQuery query);
    Result<std::vector<Record>> WriteAllUnaudited(const RequestContext& ctx,
                                                  const std::vector<BatchWrite>& writes);
    Result<store::ListResult> ListUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                            const query::Query& query);
    Result<store::GetResult> GetUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                          std::string_view id,
                                          const std::vector<query::ViewSpec>& view,
                                          const std::vector<const schema::Field*>& fields);
    Result<Record> CreateUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                   const Record& body);
    Result<Record> ReplaceUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                    std::string_view id, const Record& body,
                                    const std::optional<Precondition>& expected);
    Result<Record> PatchUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                  std::string_view id, const Record& body,
                                  const std::optional<Precondition>& expected);
    Result<Record> DeleteUnaudited(const RequestContext& ctx, const schema::Entity& entity,
                                   std::string_view id,
                                   const std::optional<Precondition>& expected);
    Result<std::vector<Record>> CreateAllUnaudited(const RequestContext& ctx,
                                                   const std::vector<NewRecord>& records);
    Result<std::vector<Record>> PatchManyUnaudited(const RequestContext& ctx,
                                                   const schema::Entity& entity,
                                                   const std::vector<Record>& bodies);

    // The role's checks (operation, writable fields, row scope), validation, server-set fields and
    // hashing for one create; `index` >= 0 prefixes errors with the batch position.
    Result<Record> PrepareCreate(const RequestContext& ctx, const rbac::EntityAccess& access,
                                 const Record& body, int index) const;
    // Everything of one update that happens before the store's transaction (the role's checks,
    // validation, hashing, the row scope resolved), returned as the merge to run inside it: it
    // checks the existing and the merged record against the scope and merges, with no store
    // calls. `index` >= 0 prefixes errors with the batch position.
    Result<std::function<Result<Record>(const Record&)>> PrepareUpdate(
        const RequestContext& ctx, const rbac::EntityAccess& access, const Record& body,
        validate::Mode mode, int index) const;
    // Ids of records matching a filter, all pages: how rbac follows a multi-step row scope.
    rbac::IdLookup IdsInStore() const;
    // The caller's row scope for `action` (none on the CLI channel).
    Result<rbac::ResolvedScope> ScopeFor(const RequestContext& ctx,
                                         const rbac::EntityAccess& access,
                                         rbac::Action action) const;
    // What the caller may read of `record`: the role's field rules on the API channels
    // (rbac::MaskForRead, view sub-objects included), write-only fields dropped on the CLI.
    Record Masked(const RequestContext& ctx, const rbac::EntityAccess& access, Record record,
                  const std::vector<query::ViewSpec>& view = {}) const;
    // Replace (kReplace) or Patch (kPatch) one record.
    Result<Record> Update(const RequestContext& ctx, const schema::Entity& entity,
                          std::string_view id, const Record& body, validate::Mode mode,
                          const std::optional<Precondition>& expected);
    // The record to store for validated, hashed `changes` to `existing`: a patch overlays them;
    // a replacement keeps only id, createdAt and write-only fields. Stamps updatedAt (the next
    // version). Pure and quick: it runs inside the store's write transaction.
    static Record Merge(const RequestContext& ctx, const schema::Entity& entity,
                        const Record& existing, const Record& changes, validate::Mode mode);
    Status CheckBatchSize(std::size_t count) const;
    Status HashPasswords(const schema::Entity& entity, Record& record) const;
    Record MaskForRead(const schema::Entity& entity, Record record) const;
    // Tells the observers; their first error is the caller's answer (the write stays committed).
    Status Notify(const RequestContext& ctx, std::span<const Change> changes) const;

    const schema::Schema& schema_;
    store::DocumentStore& store_;
    std::vector<ChangeObserver*> observers_;
    ServiceLimits limits_;
    const CallLimiter* limiter_ = nullptr;
    Status Admit(const RequestContext& ctx) const { return limiter_ ? limiter_->Admit(ctx) : Ok(); }
    AuditSink* audit_ = nullptr;
};

}  // namespace ea::service
