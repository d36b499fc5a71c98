// The `rbac` section -> AccessPolicy. Every mistake is reported (with a did-you-mean for names)
// and loading goes on, so one `schema check` lists them all. The format is documented in
// docs/schema.md "Access control (rbac)"; keep the two in step.
#include "schema/policy_builder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace ea::schema {
namespace {

constexpr std::string_view kAllEntities = "*";
constexpr std::string_view kNoScope = "none";

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Case-insensitive edit distance, for did-you-mean suggestions.
std::size_t Distance(std::string_view a, std::string_view b) {
    const std::string x = Lower(a);
    const std::string y = Lower(b);
    std::vector<std::size_t> row(y.size() + 1);
    for (std::size_t j = 0; j <= y.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= x.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= y.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[y.size()];
}

// " (did you mean 'x'?)" for the closest candidate within a few edits, else "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
    const std::string* best = nullptr;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& candidate : candidates) {
        // A name cut short ("max_page" for max_page_size) is as good a guess as a typo.
        const std::string lower_name = Lower(name);
        if (lower_name.size() >= 3 && Lower(candidate).starts_with(lower_name)) {
            return " (did you mean '" + candidate + "'?)";
        }
    }
    for (const auto& candidate : candidates) {
        const std::size_t d = Distance(name, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = &candidate;
        }
    }
    return best == nullptr ? std::string() : " (did you mean '" + *best + "'?)";
}

std::string Join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

std::size_t Position(const Entity& entity, const Field& field) {
    return static_cast<std::size_t>(&field - entity.fields().data());
}

std::vector<std::string> FieldNames(const Entity& entity) {
    std::vector<std::string> names;
    for (const auto& field : entity.fields()) {
        names.push_back(field.name);
    }
    return names;
}

bool IsReadable(FieldAccess access) {
    return access == FieldAccess::kFull || access == FieldAccess::kReadOnly;
}

// The access a schema-level write_only field (a password) ends up with: never readable.
FieldAccess NeverReadable(FieldAccess access) {
    return IsReadable(access)
               ? (access == FieldAccess::kReadOnly ? FieldAccess::kHidden : FieldAccess::kWriteOnly)
               : access;
}

struct OperationKey {
    std::string_view key;
    Operation bit;
};
constexpr std::array<OperationKey, 4> kOperationKeys = {{
    {"read", kRead},
    {"create", kCreate},
    {"update", kUpdate},
    {"delete", kDelete},
}};

const std::vector<std::string> kRoleKeys = {"entities", "max_page_size", "row_scope"};
const std::vector<std::string> kRuleKeys = {"read",
                                            "create",
                                            "update",
                                            "delete",
                                            "field_restrictions",
                                            "allowed_filters",
                                            "forbidden_filters",
                                            "max_page_size",
                                            "row_scope"};
const std::vector<std::string> kWildcardKeys = {"read", "create", "update", "delete",
                                                "max_page_size"};
const std::vector<std::string> kRestrictions = {"write_only", "read_only", "hidden"};

}  // namespace

struct PolicyBuilder::PendingRule {
    std::uint8_t operations = 0;
    std::map<std::size_t, FieldAccess> restrictions;  // by field position
    std::optional<std::vector<const Field*>> allowed;
    std::vector<const Field*> forbidden;
    int max_page_size = 0;
    bool scope_none = false;
    const Field* scope_first = nullptr;  // `row_scope: <reference field>`
    bool explicit_rule = true;           // false for an entity covered by "*"
    int line = 0;
};

PolicyBuilder::PolicyBuilder(const Schema& schema, ReportFn report)
    : schema_(schema), report_(std::move(report)) {
    for (const auto& entity : schema_.entities()) {
        if (!entity->auth()) {
            continue;
        }
        if (const Field* role = entity->FindField("role"); role != nullptr && role->enum_rule) {
            known_roles_ = role->enum_rule->values;
        }
    }
}

AccessPolicy PolicyBuilder::Build(const YAML::Node* rbac) {
    AccessPolicy policy;
    if (rbac == nullptr) {
        BuildBuiltIn(policy);
        return policy;
    }
    policy.declared_ = true;
    if (rbac->IsNull()) {
        return policy;  // `rbac:` with nothing under it: every role can do nothing
    }
    if (!rbac->IsMap()) {
        report_(rbac->Mark(), "rbac must be a mapping of role names to their rules");
        return policy;
    }
    ForEachEntry(*rbac, "rbac",
                 [&](const std::string& name, const YAML::Node& key, const YAML::Node& value) {
                     ParseRole(policy, name, key, value);
                 });
    return policy;
}

void PolicyBuilder::BuildBuiltIn(AccessPolicy& policy) {
    const std::array<std::pair<std::string_view, std::uint8_t>, 3> kBuiltIn = {{
        {"admin", kAllOperations},
        {"read", kRead},
        {"ai_agent", kRead},
    }};
    for (const auto& [name, operations] : kBuiltIn) {
        RolePolicy role;
        role.name = std::string(name);
        for (const auto& entity : schema_.entities()) {
            PendingRule pending;
            pending.operations = operations;
            pending.explicit_rule = false;
            Finish(role, *entity, pending, YAML::Mark());
        }
        policy.roles_.push_back(std::move(role));
    }
}

void PolicyBuilder::ParseRole(AccessPolicy& policy, const std::string& name, const YAML::Node& key,
                              const YAML::Node& value) {
    const std::string context = "rbac." + name;
    if (!known_roles_.empty() &&
        std::find(known_roles_.begin(), known_roles_.end(), name) == known_roles_.end()) {
        report_(key.Mark(),
                "rbac: unknown role '" + name + "'" + DidYouMean(name, known_roles_) +
                    "; roles (the `role` enum of the auth entity): " + Join(known_roles_));
        return;
    }
    RolePolicy role;
    role.name = name;
    role.line = key.Mark().line + 1;
    if (value.IsNull()) {
        policy.roles_.push_back(std::move(role));  // a role that can do nothing, said explicitly
        return;
    }
    if (!value.IsMap()) {
        report_(value.Mark(), context + " must be a mapping (entities, max_page_size, row_scope)");
        return;
    }
    std::optional<YAML::Node> entities;
    ForEachEntry(
        value, context, [&](const std::string& k, const YAML::Node& k_node, const YAML::Node& v) {
            if (k == "entities") {
                entities.emplace(v);
            } else if (k == "max_page_size") {
                role.max_page_size = ReadPageSize(v, context + ": max_page_size").value_or(0);
            } else if (k == "row_scope") {
                const Entity* tenant = v.IsScalar() ? schema_.FindEntity(v.Scalar()) : nullptr;
                if (tenant == nullptr) {
                    std::vector<std::string> names;
                    for (const auto& entity : schema_.entities()) {
                        names.push_back(entity->name());
                    }
                    const std::string given = v.IsScalar() ? v.Scalar() : "";
                    report_(v.Mark(), context + ": row_scope must name the tenant entity; " +
                                          "unknown entity '" + given + "'" +
                                          DidYouMean(given, names));
                }
                role.tenant = tenant;
            } else {
                report_(k_node.Mark(), context + ": unknown key '" + k + "'" +
                                           DidYouMean(k, kRoleKeys) + "; expected " +
                                           Join(kRoleKeys));
            }
        });
    if (!entities || entities->IsNull()) {
        policy.roles_.push_back(std::move(role));
        return;
    }
    if (!entities->IsMap()) {
        report_(entities->Mark(), context +
                                      ": entities must be a mapping of entity names (or \"*\") "
                                      "to rules");
        policy.roles_.push_back(std::move(role));
        return;
    }
    std::map<const Entity*, std::pair<PendingRule, YAML::Mark>> named;
    std::optional<std::pair<PendingRule, YAML::Mark>> wildcard;
    std::vector<std::string> entity_names;
    for (const auto& entity : schema_.entities()) {
        entity_names.push_back(entity->name());
    }
    ForEachEntry(*entities, context + ".entities",
                 [&](const std::string& entity_name, const YAML::Node& k, const YAML::Node& v) {
                     PendingRule pending;
                     pending.line = k.Mark().line + 1;
                     if (entity_name == kAllEntities) {
                         pending.explicit_rule = false;
                         ParseOperationsOnly(role, v, pending);
                         wildcard.emplace(std::move(pending), k.Mark());
                         return;
                     }
                     const Entity* entity = schema_.FindEntity(entity_name);
                     if (entity == nullptr) {
                         report_(k.Mark(), context + ": unknown entity '" + entity_name + "'" +
                                               DidYouMean(entity_name, entity_names) +
                                               "; entities: " + Join(entity_names) + ", or \"*\"");
                         return;
                     }
                     if (named.count(entity) != 0) {
                         report_(k.Mark(), context + ": a second rule for " + entity->name() +
                                               " (first at line " +
                                               std::to_string(named.at(entity).first.line) +
                                               "); entity names are case-insensitive");
                         return;
                     }
                     ParseRule(role, *entity, v, pending);
                     named.emplace(entity, std::make_pair(std::move(pending), k.Mark()));
                 });
    for (const auto& entity : schema_.entities()) {
        if (auto it = named.find(entity.get()); it != named.end()) {
            Finish(role, *entity, it->second.first, it->second.second);
        } else if (wildcard) {
            PendingRule copy = wildcard->first;
            Finish(role, *entity, copy, wildcard->second);
        }
    }
    policy.roles_.push_back(std::move(role));
}

void PolicyBuilder::ParseOperationsOnly(const RolePolicy& role, const YAML::Node& value,
                                        PendingRule& rule) {
    const std::string context = "rbac." + role.name + ".entities.*";
    if (!value.IsMap()) {
        report_(value.Mark(), context +
                                  " must be a mapping of read, create, update, delete, "
                                  "max_page_size");
        return;
    }
    ForEachEntry(
        value, context, [&](const std::string& k, const YAML::Node& k_node, const YAML::Node& v) {
            for (const auto& [name, bit] : kOperationKeys) {
                if (k == name) {
                    if (ReadBool(v, context + ": " + k).value_or(false)) {
                        rule.operations = static_cast<std::uint8_t>(rule.operations | bit);
                    }
                    return;
                }
            }
            if (k == "max_page_size") {
                rule.max_page_size = ReadPageSize(v, context + ": max_page_size").value_or(0);
                return;
            }
            report_(k_node.Mark(), context + ": '" + k +
                                       "' is not allowed in the \"*\" rule (it names " +
                                       "no entity's fields); expected " + Join(kWildcardKeys) +
                                       ", or give the entity its own rule");
        });
}

void PolicyBuilder::ParseRule(RolePolicy& role, const Entity& entity, const YAML::Node& value,
                              PendingRule& rule) {
    const std::string context = "rbac." + role.name + "." + entity.name();
    if (value.IsNull()) {
        return;  // a rule that grants nothing
    }
    if (!value.IsMap()) {
        report_(value.Mark(), context + " must be a mapping (" + Join(kRuleKeys) + ")");
        return;
    }
    ForEachEntry(
        value, context, [&](const std::string& k, const YAML::Node& k_node, const YAML::Node& v) {
            for (const auto& [name, bit] : kOperationKeys) {
                if (k != name) {
                    continue;
                }
                if (ReadBool(v, context + ": " + k).value_or(false)) {
                    if (!entity.Allows(bit)) {
                        report_(v.Mark(), context + ": " + k + ": " + entity.name() +
                                              " does not allow " + k + " (its operations)");
                    }
                    rule.operations = static_cast<std::uint8_t>(rule.operations | bit);
                }
                return;
            }
            if (k == "field_restrictions") {
                if (!v.IsMap()) {
                    report_(v.Mark(), context +
                                          ": field_restrictions must be a mapping of field "
                                          "names to write_only, read_only or hidden");
                    return;
                }
                ForEachEntry(
                    v, context + ".field_restrictions",
                    [&](const std::string&, const YAML::Node& f_node, const YAML::Node& r) {
                        const Field* field =
                            ResolveField(context + ".field_restrictions", entity, f_node);
                        const std::string what = r.IsScalar() ? r.Scalar() : "";
                        const auto it = std::find(kRestrictions.begin(), kRestrictions.end(), what);
                        if (it == kRestrictions.end()) {
                            report_(r.Mark(), context + ".field_restrictions: '" + what +
                                                  "' is not a restriction" +
                                                  DidYouMean(what, kRestrictions) +
                                                  "; expected write_only, read_only or hidden");
                            return;
                        }
                        if (field == nullptr) {
                            return;
                        }
                        const FieldAccess access = what == "write_only"  ? FieldAccess::kWriteOnly
                                                   : what == "read_only" ? FieldAccess::kReadOnly
                                                                         : FieldAccess::kHidden;
                        if (field->write_only && access == FieldAccess::kReadOnly) {
                            report_(r.Mark(), context + "." + field->name +
                                                  ": is write-only for every role (it is "
                                                  "never returned); use write_only or hidden");
                            return;
                        }
                        if (field->name == "id" && access != FieldAccess::kReadOnly) {
                            report_(r.Mark(), context +
                                                  ".id: id is always returned; only "
                                                  "read_only applies to it");
                            return;
                        }
                        rule.restrictions[Position(entity, *field)] = access;
                    });
            } else if (k == "allowed_filters") {
                rule.allowed = ParseFieldList(context + ": allowed_filters", entity, v);
            } else if (k == "forbidden_filters") {
                rule.forbidden = ParseFieldList(context + ": forbidden_filters", entity, v);
            } else if (k == "max_page_size") {
                rule.max_page_size = ReadPageSize(v, context + ": max_page_size").value_or(0);
            } else if (k == "row_scope") {
                if (role.tenant == nullptr) {
                    report_(k_node.Mark(), context +
                                               ": row_scope needs the role's own row_scope "
                                               "(rbac." +
                                               role.name + ".row_scope: <Entity>)");
                    return;
                }
                if (v.IsScalar() && v.Scalar() == kNoScope) {
                    rule.scope_none = true;
                    return;
                }
                const Field* field = ResolveField(context + ": row_scope", entity, v);
                if (field != nullptr && !field->is_reference()) {
                    report_(v.Mark(), context + ": row_scope: '" + field->name +
                                          "' is not a reference; name a reference field or none");
                    return;
                }
                rule.scope_first = field;
            } else {
                report_(k_node.Mark(), context + ": unknown key '" + k + "'" +
                                           DidYouMean(k, kRuleKeys) + "; expected " +
                                           Join(kRuleKeys));
            }
        });
    if (rule.allowed) {
        for (const Field* field : rule.forbidden) {
            if (std::find(rule.allowed->begin(), rule.allowed->end(), field) !=
                rule.allowed->end()) {
                report_(value.Mark(), context + ": '" + field->name +
                                          "' is in both allowed_filters and forbidden_filters");
            }
        }
    }
}

std::vector<const Field*> PolicyBuilder::ParseFieldList(const std::string& context,
                                                        const Entity& entity,
                                                        const YAML::Node& node) {
    std::vector<const Field*> fields;
    if (!node.IsSequence()) {
        report_(node.Mark(), context + " must be a list of field names, e.g. [username, email]");
        return fields;
    }
    for (const auto& element : node) {
        if (const Field* field = ResolveField(context, entity, element); field != nullptr) {
            if (std::find(fields.begin(), fields.end(), field) != fields.end()) {
                report_(element.Mark(), context + ": '" + field->name + "' is listed twice");
                continue;
            }
            fields.push_back(field);
        }
    }
    return fields;
}

const Field* PolicyBuilder::ResolveField(const std::string& context, const Entity& entity,
                                         const YAML::Node& name_node) {
    if (!name_node.IsScalar()) {
        report_(name_node.Mark(), context + ": a field name must be a string");
        return nullptr;
    }
    const std::string& name = name_node.Scalar();
    const Field* field = entity.ResolveField(name);  // ignoring case, as requests do
    if (field == nullptr) {
        report_(name_node.Mark(), context + ": unknown field '" + name + "' on " + entity.name() +
                                      DidYouMean(name, FieldNames(entity)));
    }
    return field;
}

void PolicyBuilder::Finish(RolePolicy& role, const Entity& entity, PendingRule& pending,
                           const YAML::Mark& mark) {
    EntityRule rule;
    rule.entity = &entity;
    rule.operations = pending.operations;
    rule.max_page_size = pending.max_page_size;
    rule.line = pending.line;
    const std::size_t count = entity.fields().size();
    rule.fields.assign(count, FieldAccess::kFull);
    rule.queryable.assign(count, true);
    rule.forbidden.assign(count, false);
    for (const auto& [position, access] : pending.restrictions) {
        rule.fields[position] = access;
    }
    for (const Field* field : pending.forbidden) {
        rule.forbidden[Position(entity, *field)] = true;
    }
    for (std::size_t i = 0; i < count; ++i) {
        const Field& field = entity.fields()[i];
        if (field.write_only) {
            rule.fields[i] = NeverReadable(rule.fields[i]);  // passwords: for every role
        }
        const bool allowed = !pending.allowed ||
                             std::find(pending.allowed->begin(), pending.allowed->end(), &field) !=
                                 pending.allowed->end();
        rule.queryable[i] = allowed && !rule.forbidden[i] && IsReadable(rule.fields[i]);
    }
    if (pending.allowed) {
        for (const Field* field : *pending.allowed) {
            if (!IsReadable(rule.fields[Position(entity, *field)])) {
                report_(mark, "rbac." + role.name + "." + entity.name() + ": allowed_filters: '" +
                                  field->name + "' is not readable by " + role.name +
                                  " and cannot be filtered on");
            }
        }
    }
    if (role.tenant != nullptr && !pending.scope_none) {
        const std::string context = "rbac." + role.name + "." + entity.name();
        if (pending.scope_first != nullptr) {
            if (pending.scope_first->target == role.tenant) {
                rule.scope_path = {pending.scope_first};
            } else {
                auto rest = ScopePath(context, *pending.scope_first->target, *role.tenant, mark);
                if (!rest.empty()) {
                    rule.scope_path.push_back(pending.scope_first);
                    rule.scope_path.insert(rule.scope_path.end(), rest.begin(), rest.end());
                }
            }
        } else {
            rule.scope_path = ScopePath(context, entity, *role.tenant, mark);
        }
    }
    role.rules.emplace(&entity, std::move(rule));
}

// The shortest chain of reference fields from `from` to `tenant` (for the tenant itself: its id).
// Reports when there is none or when two shortest chains differ, so the author picks one
// (`row_scope: <reference field>`) or says the entity is shared (`row_scope: none`).
std::vector<const Field*> PolicyBuilder::ScopePath(const std::string& context, const Entity& from,
                                                   const Entity& tenant, const YAML::Mark& mark) {
    if (&from == &tenant) {
        return {from.FindField("id")};
    }
    struct Step {
        const Field* via = nullptr;  // the reference taken into this entity
        const Entity* previous = nullptr;
        std::size_t depth = 0;
        std::size_t paths = 0;  // number of shortest paths reaching it
    };
    std::map<const Entity*, Step> steps;
    steps[&from] = Step{nullptr, nullptr, 0, 1};
    std::deque<const Entity*> queue{&from};
    while (!queue.empty()) {
        const Entity* current = queue.front();
        queue.pop_front();
        const Step here = steps.at(current);
        for (const auto& relation : current->references()) {
            const Entity* next = relation.to;
            auto it = steps.find(next);
            if (it == steps.end()) {
                steps[next] = Step{relation.field, current, here.depth + 1, here.paths};
                queue.push_back(next);
            } else if (it->second.depth == here.depth + 1) {
                it->second.paths += here.paths;
            }
        }
    }
    const auto found = steps.find(&tenant);
    if (found == steps.end()) {
        report_(mark, context + ": no reference path from " + from.name() + " to " + tenant.name() +
                          " for the row scope; give the rule `row_scope: none` " +
                          "(rows shared by every tenant) or leave the entity out");
        return {};
    }
    if (found->second.paths > 1) {
        report_(mark, context + ": several reference paths lead from " + from.name() + " to " +
                          tenant.name() + "; choose one with `row_scope: <reference field>`");
        return {};
    }
    std::vector<const Field*> path;
    for (const Entity* at = &tenant; at != &from; at = steps.at(at).previous) {
        path.push_back(steps.at(at).via);
    }
    std::reverse(path.begin(), path.end());
    return path;
}

std::optional<bool> PolicyBuilder::ReadBool(const YAML::Node& node, const std::string& what) {
    if (node.IsScalar() && node.Tag() == "?") {
        const std::string& text = node.Scalar();
        if (text == "true" || text == "True" || text == "TRUE") {
            return true;
        }
        if (text == "false" || text == "False" || text == "FALSE") {
            return false;
        }
    }
    report_(node.Mark(), what + " must be true or false, not " +
                             (node.IsScalar() ? "'" + node.Scalar() + "'" : "a collection"));
    return std::nullopt;
}

std::optional<int> PolicyBuilder::ReadPageSize(const YAML::Node& node, const std::string& what) {
    if (node.IsScalar() && node.Tag() == "?") {
        const std::string& text = node.Scalar();
        int value = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && ptr == text.data() + text.size() && value >= 1) {
            return value;
        }
    }
    report_(node.Mark(), what + " must be a positive integer, not " +
                             (node.IsScalar() ? "'" + node.Scalar() + "'" : "a collection"));
    return std::nullopt;
}

void PolicyBuilder::ForEachEntry(
    const YAML::Node& map, const std::string& context,
    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn) {
    std::map<std::string, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;  // a copy: it->first is a proxy temporary
        if (!key.IsScalar()) {
            report_(key.Mark(), context + ": a key must be a plain string");
            continue;
        }
        const auto [prev, inserted] = seen.emplace(key.Scalar(), key.Mark().line + 1);
        if (!inserted) {
            report_(key.Mark(), context + ": duplicate key '" + key.Scalar() + "' (first at line " +
                                    std::to_string(prev->second) + ")");
            continue;
        }
        fn(key.Scalar(), key, it->second);
    }
}

}  // namespace ea::schema
