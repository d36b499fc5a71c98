// May this principal do an operation on an entity, use these fields in a query, ask for this many
// rows? Pure decisions over Schema::access_policy(); default deny. Masking and write checks are in
// field_mask.hpp, the row scope in row_scope.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/principal.hpp"
#include "common/result.hpp"
#include "query/query.hpp"
#include "schema/schema.hpp"

namespace ea::rbac {

enum class Action { kRead, kCreate, kUpdate, kDelete };

// "read", "create", "update", "delete".
std::string_view ToString(Action action);

// One principal's rights on one entity, resolved once per call (no allocation): a view over the
// schema's policy, which must outlive it, as must `principal`. Without authentication, with an
// unknown role or with no rule for the entity, every answer is "no".
class EntityAccess {
public:
    EntityAccess(const schema::Schema& schema, const Principal& principal,
                 const schema::Entity& entity);
    // The access keeps a reference to the principal: a temporary one would dangle.
    EntityAccess(const schema::Schema& schema, Principal&& principal,
                 const schema::Entity& entity) = delete;

    const schema::Schema& schema() const { return *schema_; }
    const Principal& principal() const { return *principal_; }
    const schema::Entity& entity() const { return *entity_; }
    // The role's rule for the entity, or null (default deny).
    const schema::EntityRule* rule() const { return rule_; }

    // Whether the role grants `action` on the entity. The entity's own `operations` are the
    // service's check (kMethodNotAllowed), made before this one.
    bool Allows(Action action) const;
    // Allows(action) and the entity's `operations` allow it too: what a tool list, the metadata
    // and OpenAPI offer this principal (no delete_user for anyone: User is `rcu`).
    bool Offers(Action action) const;
    // Ok, or kForbidden "ai_agent role cannot update User" ("unauthenticated caller cannot ..."
    // when not signed in: the adapters answer 401 before the service is called; this is the
    // service's fail-closed backstop, as the fixed role table was).
    [[nodiscard]] Status Authorize(Action action) const;

    // The field's access for this role: kHidden when there is no rule.
    schema::FieldAccess FieldRule(const schema::Field& field) const;
    bool CanRead(const schema::Field& field) const;   // returned in records
    bool CanWrite(const schema::Field& field) const;  // may be set on create/update
    // May appear in a filter (any operator, $exists too), a sort key or a completion request.
    bool CanQuery(const schema::Field& field) const;
    // May be embedded by a `view` from another entity (readable and not in forbidden_filters).
    bool CanEmbed(const schema::Field& field) const;

    // The fields in entity order, for metadata, OpenAPI and MCP input schemas. They say what the
    // policy permits; the adapter still intersects them with what the query layer supports
    // (e.g. no sort on JSON fields).
    std::vector<const schema::Field*> ReadableFields() const;
    std::vector<const schema::Field*> WritableFields() const;
    std::vector<const schema::Field*> QueryableFields() const;
    std::vector<const schema::Field*> EmbeddableFields() const;

    // The largest page this role may ask for on this entity: the entity rule's max_page_size,
    // else the role's, never above query::kMaxPageSize.
    int MaxPageSize() const;

    // "ai_agent role" ("caller without a role", "unauthenticated caller"): how messages name the
    // principal.
    std::string Subject() const;

private:
    const schema::Schema* schema_;
    const Principal* principal_;
    const schema::Entity* entity_;
    const schema::EntityRule* rule_ = nullptr;
    const schema::RolePolicy* role_ = nullptr;
};

// Shorthand for EntityAccess(schema, principal, entity).Authorize(action).
[[nodiscard]] Status Authorize(const schema::Schema& schema, const Principal& principal,
                               Action action, const schema::Entity& entity);

struct PageSize {
    int page_size = 0;     // what to ask the store for
    bool clamped = false;  // true when the request asked for more than `maximum`
    int maximum = 0;       // the role's maximum (report it in the pagination block when clamped)
};

// The one exception to "refuse, never drop": a page size above the role's maximum is lowered to
// it and the clamp is reported. Sizes below 1 are the query layer's to reject; they pass through.
PageSize ClampPageSize(const EntityAccess& access, int requested);

// Checks a parsed query against the role: every field its filter names (through nested $and/$or,
// $exists included), every sort key, and every view embedding (the reference, the referenced
// entity's own read rule, each embedded field). The first violation, in that order, is returned as
// kForbidden naming the rule: "ai_agent role cannot filter User on password", "... cannot sort User
// on password", "... cannot read Crawl", "... cannot view User on password". The page size is not
// checked here (ClampPageSize), nor is the row scope (row_scope.hpp).
// REQUIRES: query was parsed against access.entity() of the same schema.
[[nodiscard]] Status CheckQuery(const EntityAccess& access, const query::Query& query);

// The filter part of CheckQuery alone (null: no filter, allowed).
[[nodiscard]] Status CheckFilter(const EntityAccess& access, const query::FilterNode* filter);

// A completion (values of `field` by prefix): "ai_agent role cannot complete User on password".
[[nodiscard]] Status CheckCompletion(const EntityAccess& access, const schema::Field& field);

}  // namespace ea::rbac
