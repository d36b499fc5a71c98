// Internal to schema/: the `rbac` section of schema.yaml -> AccessPolicy, reporting every problem
// through the loader's reporter (so `schema check` lists them with the others, as file:line:col).
// Runs once all entities and references are loaded. Not for other layers: they read
// Schema::access_policy() and decide with src/rbac/.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "schema/access_policy.hpp"
#include "schema/schema.hpp"

namespace ea::schema {

class PolicyBuilder {
public:
    using ReportFn = std::function<void(const YAML::Mark& mark, std::string message)>;

    PolicyBuilder(const Schema& schema, ReportFn report);

    // The policy of the `rbac` node, or the built-in one when `rbac` is null (no section).
    AccessPolicy Build(const YAML::Node* rbac);

private:
    struct PendingRule;

    void BuildBuiltIn(AccessPolicy& policy);
    void ParseRole(AccessPolicy& policy, const std::string& name, const YAML::Node& key,
                   const YAML::Node& value);
    void ParseRule(RolePolicy& role, const Entity& entity, const YAML::Node& value,
                   PendingRule& pending);
    void ParseOperationsOnly(const RolePolicy& role, const YAML::Node& value, PendingRule& rule);
    std::vector<const Field*> ParseFieldList(const std::string& context, const Entity& entity,
                                             const YAML::Node& node);
    const Field* ResolveField(const std::string& context, const Entity& entity,
                              const YAML::Node& name_node);
    void Finish(RolePolicy& role, const Entity& entity, PendingRule& pending,
                const YAML::Mark& mark);
    std::vector<const Field*> ScopePath(const std::string& context, const Entity& from,
                                        const Entity& tenant, const YAML::Mark& mark);
    std::optional<bool> ReadBool(const YAML::Node& node, const std::string& what);
    std::optional<int> ReadPageSize(const YAML::Node& node, const std::string& what);
    void ForEachEntry(
        const YAML::Node& map, const std::string& context,
        const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn);

    const Schema& schema_;
    ReportFn report_;
    std::vector<std::string> known_roles_;  // the auth entity's `role` enum; empty: any name
};

}  // namespace ea::schema
