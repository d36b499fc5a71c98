// The `rbac` section of schema.yaml as loaded data: per role and entity, the operations granted,
// the field restrictions, the query rules and the row scope. Built by the schema loader (so a
// reloaded schema and its policy are swapped together: the rules point at that schema's Fields) and
// immutable afterwards. The decisions over it live in src/rbac/; nothing here decides anything.
// Format: docs/schema.md "Access control (rbac)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ea::schema {

class Entity;
struct Field;

// What a role may do with one field. A field the schema marks write_only (the auth password) is
// never kFull or kReadOnly for any role: the loader raises it to kWriteOnly (or kHidden).
enum class FieldAccess : std::uint8_t {
    kFull,       // returned and settable
    kWriteOnly,  // may be set, never returned, never queried
    kReadOnly,   // returned, never set
    kHidden,     // neither returned nor set nor queried
};

// One role's rule for one entity. Only entities with a rule appear in RolePolicy::rules; an entity
// without one grants nothing (default deny).
struct EntityRule {
    const Entity* entity = nullptr;
    std::uint8_t operations = 0;      // schema::Operation bits granted to the role
    std::vector<FieldAccess> fields;  // by position in entity->fields()
    // By position in entity->fields(): may be used in a filter, a sort or a completion. False for
    // fields outside `allowed_filters` (when given), in `forbidden_filters`, or not readable.
    std::vector<bool> queryable;
    // By position: named in `forbidden_filters` (also keeps the field out of `view` embeddings).
    std::vector<bool> forbidden;
    int max_page_size = 0;  // 0: the role's (or the global) maximum
    // The row scope: reference fields leading from this entity to the role's tenant entity; the
    // last field's value must be the caller's account id (for the tenant entity itself: its `id`).
    // Empty when the role has no row scope or this rule says `row_scope: none`.
    std::vector<const Field*> scope_path;
    int line = 0;  // where the rule was declared (0 for built-in rules)
};

struct RolePolicy {
    std::string name;
    int max_page_size = 0;           // 0: the global maximum only
    const Entity* tenant = nullptr;  // `row_scope: <Entity>`; null: no row scope
    std::unordered_map<const Entity*, EntityRule> rules;
    int line = 0;

    // The rule for `entity`, or null (the role can do nothing with it).
    const EntityRule* RuleFor(const Entity& entity) const {
        const auto it = rules.find(&entity);
        return it == rules.end() ? nullptr : &it->second;
    }
};

class AccessPolicy {
public:
    // The role named exactly `name`, or null (an unknown role can do nothing).
    const RolePolicy* FindRole(std::string_view name) const {
        for (const auto& role : roles_) {
            if (role.name == name) {
                return &role;
            }
        }
        return nullptr;
    }
    const std::vector<RolePolicy>& roles() const { return roles_; }
    // False when the schema has no `rbac` section and the built-in policy applies (admin: every
    // operation on every entity; read and ai_agent: read every entity; see docs/schema.md).
    bool declared() const { return declared_; }

private:
    friend class PolicyBuilder;
    std::vector<RolePolicy> roles_;
    bool declared_ = false;
};

}  // namespace ea::schema
