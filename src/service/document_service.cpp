#include "service/document_service.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "auth/password.hpp"
#include "common/datetime.hpp"
#include "common/ids.hpp"
#include "query/field_selection.hpp"
#include "rbac/aggregate_guard.hpp"
#include "rbac/rbac.hpp"
#include "validate/validator.hpp"

namespace ea::service {
namespace {

constexpr std::string_view kId = "id";
constexpr std::string_view kCreatedAt = "createdAt";
constexpr std::string_view kUpdatedAt = "updatedAt";

std::string_view OperationName(schema::Operation op) {
    switch (op) {
        case schema::kCreate:
            return "create";
        case schema::kRead:
            return "read";
        case schema::kUpdate:
            return "update";
        case schema::kDelete:
            return "delete";
        default:
            return "this operation";
    }
}

rbac::Action ActionOf(schema::Operation op) {
    switch (op) {
        case schema::kCreate:
            return rbac::Action::kCreate;
        case schema::kUpdate:
            return rbac::Action::kUpdate;
        case schema::kDelete:
            return rbac::Action::kDelete;
        default:
            return rbac::Action::kRead;
    }
}

// `operations` is the contract of the API faces (REST, MCP); local system tools (seeding, imports,
// `user add`) act for the operator and may write entities the API only reads, such as Crawl.
// On the API faces the caller's role must grant the operation too: the schema's rbac policy,
// default deny (an unauthenticated caller, an unknown role or a role without a rule for the
// entity may do nothing).
Status CheckAllowed(const RequestContext& ctx, const rbac::EntityAccess& access,
                    schema::Operation op) {
    if (ctx.channel == Channel::kCli) {
        return Ok();
    }
    if (ctx.channel == Channel::kUnset) {
        return Error{ErrorCode::kForbidden, "the request names no channel; refused"};
    }
    const schema::Entity& entity = access.entity();
    if (!entity.Allows(op)) {
        return Error{ErrorCode::kMethodNotAllowed,
                     entity.name() + " does not allow " + std::string(OperationName(op))};
    }
    return access.Authorize(ActionOf(op));
}

// Whether the field rules apply: on the API faces. The CLI acts for the operator (it still never
// returns a password: MaskForRead drops write-only fields on every channel).
bool Enforced(const RequestContext& ctx) {
    return ctx.channel != Channel::kCli;
}

// Prefixes field errors with the batch position so a client can tell which item failed.
Error WithIndex(Error error, int index) {
    if (index < 0) {
        return error;
    }
    const std::string prefix = "[" + std::to_string(index) + "]";
    for (auto& field : error.fields) {
        field.field = prefix + "." + field.field;
    }
    // A denial names the item in its message too: "[2] ai_agent role cannot set User.role".
    if (error.fields.empty() || error.code == ErrorCode::kForbidden) {
        error.message = prefix + " " + error.message;
    }
    return error;
}

// `body` without its `id` key: in a batch patch the id names the target, it sets nothing.
Record WithoutId(const Record& body, int index) {
    if (index < 0 || !body.contains(kId)) {
        return body;
    }
    Record rest = body;
    rest.erase(kId);
    return rest;
}

// A copy of `query` the service may rewrite for the store (page clamp, row scope).
query::FilterPtr CopyFilter(const query::FilterNode* node) {
    if (node == nullptr) {
        return nullptr;
    }
    auto copy = std::make_unique<query::FilterNode>();
    copy->kind = node->kind;
    copy->comparison = node->comparison;
    copy->children.reserve(node->children.size());
    for (const auto& child : node->children) {
        copy->children.push_back(CopyFilter(child.get()));
    }
    return copy;
}

query::Query CopyQuery(const query::Query& query) {
    query::Query copy;
    copy.filter = CopyFilter(query.filter.get());
    copy.matching = query.matching;
    copy.fuzzy_threshold = query.fuzzy_threshold;
    copy.sort = query.sort;
    copy.page = query.page;
    copy.page_size = query.page_size;
    copy.view = query.view;
    copy.count = query.count;
    copy.fields = query.fields;
    // Every member but warnings (the store ignores them): a member added to query::Query must
    // be copied here too, or a clamped or scoped list loses it.
    return copy;
}

std::string Quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::string Expected(const Precondition& expected) {
    std::string out;
    for (const auto& version : expected.versions) {
        out += (out.empty() ? "" : " or ") + Quoted(version.substr(0, 64));
    }
    return out.empty() ? "none" : out;
}

// Passes when `existing` is at a version `expected` allows (see Precondition).
Status CheckPrecondition(const schema::Entity& entity, std::string_view id, const Record& existing,
                         const std::optional<Precondition>& expected) {
    if (!expected || expected->any) {
        return Ok();
    }
    const std::string_view current = DocumentService::VersionOf(existing);
    for (const auto& version : expected->versions) {
        if (version == current) {
            return Ok();
        }
    }
    return PreconditionFailed(entity.name() + " " + std::string(id) + " is at version " +
                              Quoted(current) + ", not the expected " + Expected(*expected) +
                              ": it changed since it was read; read it again and retry");
}

// With a precondition, a missing record fails it (If-Match needs a current record) rather than
// being not found, so a client that expected a version learns that it is gone.
Error MissingWithPrecondition(Error error, const schema::Entity& entity, std::string_view id,
                              const std::optional<Precondition>& expected) {
    if (!expected || error.code != ErrorCode::kNotFound) {
        return error;
    }
    return PreconditionFailed(entity.name() + " " + std::string(id.substr(0, 64)) +
                              " does not exist, so it is not at the expected " +
                              (expected->any ? std::string("version (any)") : Expected(*expected)));
}

// The updatedAt of a write at `now` to a record last written at `previous`: `now`, or 1 ms past
// `previous` when the clock has not moved past it (two writes in one millisecond, a clock
// stepped back), so every write gives the record a new version.
std::string NextVersion(const Record& previous, std::chrono::system_clock::time_point now) {
    std::string next = FormatDatetime(now);
    const std::string_view last = DocumentService::VersionOf(previous);
    if (!last.empty() && next <= last) {
        if (const auto parsed = ParseDatetime(last)) {
            next = FormatDatetime(*parsed + std::chrono::milliseconds(1));
        }
    }
    return next;
}

// An id that cannot exist is simply not found; it never reaches the store.
Result<std::string> CheckedId(const schema::Entity& entity, std::string_view id) {
    if (!IsValidId(id)) {
        return NotFound(entity.name() + " '" + std::string(id.substr(0, 64)) + "' not found");
    }
    return NormalizeId(id);
}

// What an update changed: the fields whose stored value differs between `before` and `after`.
Change Updated(const schema::Entity& entity, std::string id, const Record& before,
               const Record& after) {
    Change change{&entity, std::move(id), ChangeKind::kUpdated, {}};
    for (const auto& [key, value] : after) {
        const auto* old = before.if_contains(key);
        if (old == nullptr || *old != value) {
            change.changed_fields.emplace_back(key);
        }
    }
    for (const auto& [key, value] : before) {
        if (!after.contains(key)) {
            change.changed_fields.emplace_back(key);
        }
    }
    return change;
}

std::string IdOf(const Record& record) {
    const auto* id = record.if_contains(kId);
    return id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string();
}

}  // namespace

DocumentService::DocumentService(const schema::Schema& schema, store::DocumentStore& store,
                                 ServiceLimits limits)
    : schema_(schema), store_(store), limits_(limits) {}

std::string_view DocumentService::VersionOf(const Record& record) {
    const auto* updated = record.if_contains(kUpdatedAt);
    if (updated == nullptr || !updated->is_string()) {
        return {};
    }
    return updated->get_string();
}

Status DocumentService::CheckBatchSize(std::size_t count) const {
    if (count > limits_.max_batch) {
        return Error{ErrorCode::kTooLarge,
                     "the batch has " + std::to_string(count) + " records; the limit is " +
                         std::to_string(limits_.max_batch) +
                         " per request (limits.max_batch): split it into smaller batches"};
    }
    return Ok();
}

void DocumentService::AddObserver(ChangeObserver& observer) {
    observers_.push_back(&observer);
}

Status DocumentService::Notify(const RequestContext& ctx, std::span<const Change> changes) const {
    if (observers_.empty()) {
        return Ok();
    }
    return NotifyAll(observers_, ctx, changes);
}

rbac::IdLookup DocumentService::IdsInStore() const {
    return [this](const schema::Entity& entity,
                  query::FilterPtr filter) -> Result<std::vector<std::string>> {
        query::Query query;
        query.filter = std::move(filter);
        query.page_size = query::kMaxPageSize;
        std::vector<std::string> ids;
        for (int page = 1;; ++page) {
            query.page = page;
            auto listed = store_.List(entity, query);
            if (!listed) {
                return listed.error();
            }
            for (const auto& row : listed->rows) {
                ids.push_back(IdOf(row));
            }
            if (listed->rows.empty() || page >= listed->page.total_pages) {
                return ids;
            }
        }
    };
}

Result<rbac::ResolvedScope> DocumentService::ScopeFor(const RequestContext& ctx,
                                                      const rbac::EntityAccess& access,
                                                      rbac::Action action) const {
    if (!Enforced(ctx)) {
        return rbac::ResolvedScope{};
    }
    return rbac::ResolvedScope::Resolve(access, action, IdsInStore());
}

Record DocumentService::Masked(const RequestContext& ctx, const rbac::EntityAccess& access,
                               Record record, const std::vector<query::ViewSpec>& view) const {
    if (Enforced(ctx)) {
        rbac::MaskForRead(access, record, view);
        return record;
    }
    return MaskForRead(access.entity(), std::move(record));
}

Result<store::ListResult> DocumentService::ListUnaudited(const RequestContext& ctx,
                                                         const schema::Entity& entity,
                                                         const query::Query& query) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    if (auto allowed = CheckAllowed(ctx, access, schema::kRead); !allowed) {
        return allowed.error();
    }
    Result<store::ListResult> result = store::ListResult{};
    int clamped_from = 0;
    if (!Enforced(ctx)) {
        result = store_.List(entity, query);
    } else if (!rbac::IsScoped(access) && query.page_size <= access.MaxPageSize()) {
        // Nothing to rewrite: checked, and handed to the store as it is (no copy).
        if (auto checked = rbac::CheckQuery(access, query); !checked) {
            return checked.error();
        }
        result = store_.List(entity, query);
    } else {
        query::Query guarded = CopyQuery(query);
        auto page = rbac::GuardList(access, guarded, IdsInStore());
        if (!page) {
            return page.error();
        }
        if (page->clamped) {
            clamped_from = query.page_size;
        }
        result = store_.List(entity, guarded);
    }
    if (!result) {
        return result.error();
    }
    result->page.page_size_clamped_from = clamped_from;
    for (auto& row : result->rows) {
        row = Masked(ctx, access, std::move(row), query.view);
        query::SelectFields(row, query.fields, query.view);
    }
    return result;
}

Result<Record> DocumentService::Get(const RequestContext& ctx, const schema::Entity& entity,
                                    std::string_view id) {
    auto got = Get(ctx, entity, id, {});
    if (!got) {
        return got.error();
    }
    return std::move(got->record);
}

Result<store::GetResult> DocumentService::GetUnaudited(
    const RequestContext& ctx, const schema::Entity& entity, std::string_view id,
    const std::vector<query::ViewSpec>& view, const std::vector<const schema::Field*>& fields) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    if (auto allowed = CheckAllowed(ctx, access, schema::kRead); !allowed) {
        return allowed.error();
    }
    if (Enforced(ctx) && (!view.empty() || !fields.empty())) {
        // The view's and the selection's rules, as a list checks them: the reference, the
        // target's read rule, each embedded and each selected field.
        query::Query viewed;
        viewed.view = view;
        viewed.fields = fields;
        if (auto checked = rbac::CheckQuery(access, viewed); !checked) {
            return checked.error();
        }
    }
    auto scope = ScopeFor(ctx, access, rbac::Action::kRead);
    if (!scope) {
        return scope.error();
    }
    auto checked = CheckedId(entity, id);
    if (!checked) {
        return checked.error();
    }
    auto got = store_.GetWithView(entity, *checked, view);
    if (!got) {
        return got.error();
    }
    if (auto inside = scope->Check(got->record); !inside) {
        return inside.error();
    }
    got->record = Masked(ctx, access, std::move(got->record), view);
    query::SelectFields(got->record, fields, view);
    return got;
}

Result<Record> DocumentService::CreateUnaudited(const RequestContext& ctx,
                                                const schema::Entity& entity, const Record& body) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    auto record = PrepareCreate(ctx, access, body, -1);
    if (!record) {
        return record.error();
    }
    auto stored = store_.Create(entity, *record);
    if (!stored) {
        return stored.error();
    }
    const Change created[] = {{&entity, IdOf(*stored), ChangeKind::kCreated, {}}};
    if (auto notified = Notify(ctx, created); !notified) {
        return notified.error();
    }
    return Masked(ctx, access, *std::move(stored));
}

Result<Record> DocumentService::ReplaceUnaudited(const RequestContext& ctx,
                                                 const schema::Entity& entity, std::string_view id,
                                                 const Record& body,
                                                 const std::optional<Precondition>& expected) {
    return Update(ctx, entity, id, body, validate::Mode::kReplace, expected);
}

Result<Record> DocumentService::PatchUnaudited(const RequestContext& ctx,
                                               const schema::Entity& entity, std::string_view id,
                                               const Record& body,
                                               const std::optional<Precondition>& expected) {
    return Update(ctx, entity, id, body, validate::Mode::kPatch, expected);
}

Result<std::function<Result<Record>(const Record&)>> DocumentService::PrepareUpdate(
    const RequestContext& ctx, const rbac::EntityAccess& access, const Record& body,
    validate::Mode mode, int index) const {
    const schema::Entity& entity = access.entity();
    if (auto allowed = CheckAllowed(ctx, access, schema::kUpdate); !allowed) {
        return WithIndex(allowed.error(), index);
    }
    if (Enforced(ctx)) {
        if (auto writable = rbac::CheckWrite(access, WithoutId(body, index)); !writable) {
            return WithIndex(writable.error(), index);
        }
    }
    // The body is checked before the lookup: a bad body is 422 even for a missing id.
    auto changes = validate::Validate(entity, body, mode);
    if (!changes) {
        return WithIndex(changes.error(), index);
    }
    // Hashed before the transaction: argon2id takes tens of milliseconds and must not hold the
    // store's write lock.
    if (auto hashed = HashPasswords(entity, *changes); !hashed) {
        return WithIndex(hashed.error(), index);
    }
    // Resolved before the transaction too: the merge must not call back into the store.
    auto scope = ScopeFor(ctx, access, rbac::Action::kUpdate);
    if (!scope) {
        return WithIndex(scope.error(), index);
    }
    return std::function<Result<Record>(const Record&)>(
        [&ctx, &entity, mode, changes = *std::move(changes),
         scope = *std::move(scope)](const Record& existing) -> Result<Record> {
            // Both ends of the update stay inside the scope: no reaching in, no moving out.
            // In a batch the store names the item in what the merge returns: no prefix here.
            if (auto inside = scope.Check(existing); !inside) {
                return inside.error();
            }
            Record merged = Merge(ctx, entity, existing, changes, mode);
            if (auto inside = scope.Check(merged); !inside) {
                return inside.error();
            }
            return merged;
        });
}

Result<Record> DocumentService::Update(const RequestContext& ctx, const schema::Entity& entity,
                                       std::string_view id, const Record& body, validate::Mode mode,
                                       const std::optional<Precondition>& expected) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    auto merge = PrepareUpdate(ctx, access, body, mode, -1);
    if (!merge) {
        return merge.error();
    }
    auto checked = CheckedId(entity, id);
    if (!checked) {
        return checked.error();
    }
    // The store reads the record (unmasked: stored password hashes survive an update that does
    // not change them), checks and merges, and writes, all in one write transaction.
    Record before;  // the stored record, for the change report
    auto stored = store_.Update(entity, *checked, [&](const Record& existing) -> Result<Record> {
        if (auto passed = CheckPrecondition(entity, *checked, existing, expected); !passed) {
            return passed.error();
        }
        if (!observers_.empty()) {
            before = existing;
        }
        return (*merge)(existing);
    });
    if (!stored) {
        return MissingWithPrecondition(stored.error(), entity, *checked, expected);
    }
    const Change updated[] = {Updated(entity, *checked, before, *stored)};
    if (auto notified = Notify(ctx, updated); !notified) {
        return notified.error();
    }
    return Masked(ctx, access, *std::move(stored));
}

Result<Record> DocumentService::DeleteUnaudited(const RequestContext& ctx,
                                                const schema::Entity& entity, std::string_view id,
                                                const std::optional<Precondition>& expected) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    if (auto allowed = CheckAllowed(ctx, access, schema::kDelete); !allowed) {
        return allowed.error();
    }
    auto scope = ScopeFor(ctx, access, rbac::Action::kDelete);
    if (!scope) {
        return scope.error();
    }
    auto checked = CheckedId(entity, id);
    if (!checked) {
        return checked.error();
    }
    // Checked on the record as stored at the moment of the delete, inside its transaction.
    auto deleted = store_.DeleteIf(entity, *checked, [&](const Record& existing) -> Status {
        if (auto inside = scope->Check(existing); !inside) {
            return inside;
        }
        return CheckPrecondition(entity, *checked, existing, expected);
    });
    if (!deleted) {
        return MissingWithPrecondition(deleted.error(), entity, *checked, expected);
    }
    const Change removed[] = {{&entity, *checked, ChangeKind::kDeleted, {}}};
    if (auto notified = Notify(ctx, removed); !notified) {
        return notified.error();
    }
    return Masked(ctx, access, *std::move(deleted));
}

Result<std::vector<Record>> DocumentService::CreateMany(const RequestContext& ctx,
                                                        const schema::Entity& entity,
                                                        const std::vector<Record>& bodies) {
    std::vector<NewRecord> records;
    records.reserve(bodies.size());
    for (const auto& body : bodies) {
        records.push_back({&entity, body});
    }
    return CreateAll(ctx, records);
}

Result<std::vector<Record>> DocumentService::CreateAllUnaudited(
    const RequestContext& ctx, const std::vector<NewRecord>& records) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    if (auto size = CheckBatchSize(records.size()); !size) {
        return size.error();
    }
    std::vector<store::DocumentStore::BatchItem> items;
    items.reserve(records.size());
    std::vector<FieldError> errors;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const rbac::EntityAccess access(schema_, ctx.principal, *records[i].entity);
        auto record = PrepareCreate(ctx, access, records[i].body, static_cast<int>(i));
        if (!record) {
            const auto fields = record.error().fields;
            // Access denials end the batch at once; field problems are collected from all items.
            if (fields.empty() || record.error().code != ErrorCode::kValidationFailed) {
                return record.error();
            }
            errors.insert(errors.end(), fields.begin(), fields.end());
            continue;
        }
        items.push_back({records[i].entity, *std::move(record), false});
    }
    if (!errors.empty()) {
        CapFieldErrors(errors);
        return Error{ErrorCode::kValidationFailed, "one or more records are invalid",
                     std::move(errors)};
    }
    auto stored = store_.Batch(std::move(items));
    if (!stored) {
        return stored.error();
    }
    if (!observers_.empty()) {
        std::vector<Change> created;
        created.reserve(stored->size());
        for (std::size_t i = 0; i < stored->size(); ++i) {
            created.push_back({records[i].entity, IdOf((*stored)[i]), ChangeKind::kCreated, {}});
        }
        if (auto notified = Notify(ctx, created); !notified) {
            return notified.error();
        }
    }
    for (std::size_t i = 0; i < stored->size(); ++i) {
        const rbac::EntityAccess access(schema_, ctx.principal, *records[i].entity);
        (*stored)[i] = Masked(ctx, access, std::move((*stored)[i]));
    }
    return stored;
}

Result<std::vector<Record>> DocumentService::PatchManyUnaudited(const RequestContext& ctx,
                                                                const schema::Entity& entity,
                                                                const std::vector<Record>& bodies) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    if (auto allowed = CheckAllowed(ctx, access, schema::kUpdate); !allowed) {
        return allowed.error();
    }
    if (auto size = CheckBatchSize(bodies.size()); !size) {
        return size.error();
    }
    std::vector<store::DocumentStore::BatchItem> items;
    items.reserve(bodies.size());
    std::vector<Record> before(bodies.size());  // the stored records, for the change report
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        const int index = static_cast<int>(i);
        const auto* id = bodies[i].if_contains(kId);
        if (id == nullptr || !id->is_string()) {
            return WithIndex(Error{ErrorCode::kValidationFailed,
                                   "record is invalid",
                                   {{"id", "is required to update a record"}}},
                             index);
        }
        auto checked = CheckedId(entity, id->get_string());
        if (!checked) {
            return WithIndex(checked.error(), index);
        }
        auto prepared = PrepareUpdate(ctx, access, bodies[i], validate::Mode::kPatch, index);
        if (!prepared) {
            return prepared.error();
        }
        // Read and merged by the store inside the batch's transaction, as Update does; the record
        // it read is kept for the change report.
        auto merge = [&before, i,
                      prepared = *std::move(prepared)](const Record& existing) -> Result<Record> {
            before[i] = existing;
            return prepared(existing);
        };
        items.push_back({&entity, Record{{kId, *checked}}, true, std::move(merge)});
    }
    auto stored = store_.Batch(std::move(items));
    if (!stored) {
        return stored.error();
    }
    if (!observers_.empty()) {
        std::vector<Change> updated;
        updated.reserve(stored->size());
        for (std::size_t i = 0; i < stored->size(); ++i) {
            updated.push_back(Updated(entity, IdOf((*stored)[i]), before[i], (*stored)[i]));
        }
        if (auto notified = Notify(ctx, updated); !notified) {
            return notified.error();
        }
    }
    for (auto& record : *stored) {
        record = Masked(ctx, access, std::move(record));
    }
    return stored;
}

Result<Record> DocumentService::PrepareCreate(const RequestContext& ctx,
                                              const rbac::EntityAccess& access, const Record& body,
                                              int index) const {
    const schema::Entity& entity = access.entity();
    if (auto allowed = CheckAllowed(ctx, access, schema::kCreate); !allowed) {
        return WithIndex(allowed.error(), index);
    }
    // A field the role may not set is refused, never dropped (before validation, so the answer
    // is the denial, not a field problem of the same body).
    if (Enforced(ctx)) {
        if (auto writable = rbac::CheckWrite(access, body); !writable) {
            return WithIndex(writable.error(), index);
        }
    }
    auto scope = ScopeFor(ctx, access, rbac::Action::kCreate);
    if (!scope) {
        return WithIndex(scope.error(), index);
    }
    auto record = validate::Validate(entity, body, validate::Mode::kCreate);
    std::string id;
    if (const auto* given = body.if_contains(kId); given != nullptr && !given->is_null()) {
        if (!given->is_string() || !IsValidId(given->get_string())) {
            Error error{ErrorCode::kValidationFailed,
                        "record is invalid",
                        {{"id", "must be 1-64 characters of letters, digits, '_', '-', '.', ':'"}}};
            if (!record) {
                const auto more = record.error().fields;
                error.fields.insert(error.fields.end(), more.begin(), more.end());
            }
            return WithIndex(std::move(error), index);
        }
        id = NormalizeId(given->get_string());
    }
    if (!record) {
        return WithIndex(record.error(), index);
    }
    if (auto hashed = HashPasswords(entity, *record); !hashed) {
        return WithIndex(hashed.error(), index);
    }
    const auto now = FormatDatetime(ctx.now);
    (*record)[kId] = id.empty() ? NewId() : std::move(id);
    (*record)[kCreatedAt] = now;
    (*record)[kUpdatedAt] = now;
    if (auto inside = scope->Check(*record); !inside) {
        return WithIndex(inside.error(), index);
    }
    return record;
}

Record DocumentService::Merge(const RequestContext& ctx, const schema::Entity& entity,
                              const Record& existing, const Record& changes, validate::Mode mode) {
    Record merged;
    if (mode == validate::Mode::kPatch) {
        merged = existing;
    } else {
        // A replacement keeps only what the client cannot send: the identity, the creation time
        // and write-only fields (it can never read a password back to resend it).
        for (const auto& field : entity.fields()) {
            const bool kept = field.write_only || field.name == kId || field.name == kCreatedAt;
            if (const auto* stored = existing.if_contains(field.name); kept && stored) {
                merged[field.name] = *stored;
            }
        }
    }
    for (const auto& [key, value] : changes) {
        merged[key] = value;
    }
    merged[kUpdatedAt] = NextVersion(existing, ctx.now);
    return merged;
}

Status DocumentService::HashPasswords(const schema::Entity& entity, Record& record) const {
    for (const auto& field : entity.fields()) {
        if (!field.is_password) {
            continue;
        }
        auto* value = record.if_contains(field.name);
        if (value == nullptr || !value->is_string()) {
            continue;
        }
        auto hash = auth::HashPassword(value->get_string());
        if (!hash) {
            return hash.error();
        }
        *value = *std::move(hash);
    }
    return Ok();
}

Record DocumentService::MaskForRead(const schema::Entity& entity, Record record) const {
    for (const auto& field : entity.fields()) {
        if (field.write_only) {
            record.erase(field.name);
        }
    }
    return record;
}

Result<store::AggregateResult> DocumentService::AggregateUnaudited(const RequestContext& ctx,
                                                                  const schema::Entity& entity,
                                                                  query::AggregateQuery query) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    const rbac::EntityAccess access(schema_, ctx.principal, entity);
    if (auto allowed = CheckAllowed(ctx, access, schema::kRead); !allowed) {
        return allowed.error();
    }
    if (Enforced(ctx)) {
        if (auto guarded = rbac::GuardAggregate(access, query, IdsInStore()); !guarded) {
            return guarded.error();
        }
    } else {
        for (const auto& metric : query.metrics) {
            if (metric.field != nullptr && metric.field->write_only) {
                return Error{ErrorCode::kForbidden, "write-only " + entity.name() + "." +
                                                        metric.field->name +
                                                        " cannot be aggregated"};
            }
        }
    }
    query.max_groups = std::clamp(query.max_groups, 1, limits_.max_groups);
    return store_.Aggregate(entity, query);
}

Result<std::vector<Record>> DocumentService::WriteAllUnaudited(
    const RequestContext& ctx, const std::vector<BatchWrite>& writes) {
    if (auto admitted = Admit(ctx); !admitted) {
        return admitted.error();
    }
    if (auto size = CheckBatchSize(writes.size()); !size) {
        return size.error();
    }
    std::vector<store::DocumentStore::BatchItem> items;
    items.reserve(writes.size());
    std::vector<Record> before(writes.size());  // updated records as stored, for the report
    std::vector<FieldError> errors;
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const int index = static_cast<int>(i);
        const BatchWrite& write = writes[i];
        if (write.entity == nullptr) {
            return InvalidArgument("batch item " + std::to_string(i) + " names no entity");
        }
        const rbac::EntityAccess access(schema_, ctx.principal, *write.entity);
        if (write.op == BatchWrite::Op::kCreate) {
            auto record = PrepareCreate(ctx, access, write.body, index);
            if (!record) {
                if (record.error().fields.empty() ||
                    record.error().code != ErrorCode::kValidationFailed) {
                    return record.error();
                }
                const auto fields = record.error().fields;  // error() is a copy
                errors.insert(errors.end(), fields.begin(), fields.end());
                continue;
            }
            items.push_back({write.entity, *std::move(record), false});
            continue;
        }
        if (auto allowed = CheckAllowed(ctx, access, schema::kUpdate); !allowed) {
            return WithIndex(allowed.error(), index);
        }
        auto checked = CheckedId(*write.entity, write.id);
        if (!checked) {
            return WithIndex(checked.error(), index);
        }
        auto prepared = PrepareUpdate(ctx, access, write.body, validate::Mode::kPatch, index);
        if (!prepared) {
            if (prepared.error().fields.empty() ||
                prepared.error().code != ErrorCode::kValidationFailed) {
                return prepared.error();
            }
            const auto fields = prepared.error().fields;  // error() is a copy
            errors.insert(errors.end(), fields.begin(), fields.end());
            continue;
        }
        auto merge = [&before, i,
                      prepared = *std::move(prepared)](const Record& existing) -> Result<Record> {
            before[i] = existing;
            return prepared(existing);
        };
        items.push_back({write.entity, Record{{kId, *checked}}, true, std::move(merge)});
    }
    if (!errors.empty()) {
        CapFieldErrors(errors);
        return Error{ErrorCode::kValidationFailed, "one or more records are invalid",
                     std::move(errors)};
    }
    auto stored = store_.Batch(std::move(items));
    if (!stored) {
        return stored.error();
    }
    if (!observers_.empty()) {
        std::vector<Change> changes;
        changes.reserve(stored->size());
        for (std::size_t i = 0; i < stored->size(); ++i) {
            const auto& entity = *writes[i].entity;
            changes.push_back(writes[i].op == BatchWrite::Op::kCreate
                                  ? Change{&entity, IdOf((*stored)[i]), ChangeKind::kCreated, {}}
                                  : Updated(entity, IdOf((*stored)[i]), before[i], (*stored)[i]));
        }
        if (auto notified = Notify(ctx, changes); !notified) {
            return notified.error();
        }
    }
    for (std::size_t i = 0; i < stored->size(); ++i) {
        const rbac::EntityAccess access(schema_, ctx.principal, *writes[i].entity);
        (*stored)[i] = Masked(ctx, access, std::move((*stored)[i]));
    }
    return stored;
}

}  // namespace ea::service
