// The loaded data model: an immutable Schema of Entities and Fields, built once from schema.yaml by
// LoadSchema (schema_loader.hpp) and shared read-only by every layer. Nothing else reads YAML.
// Thread-safe after construction (all const).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "common/result.hpp"
#include "schema/access_policy.hpp"
#include "schema/field_type.hpp"
#include "schema/names.hpp"

namespace re2 {
class RE2;
}

namespace ea::schema {

enum class OnDelete { kRestrict, kCascade, kSetNull };

struct Pattern {
    std::string regex;    // as written (or taken from `_dictionaries`)
    std::string message;  // shown on mismatch; a default when the schema gives none
    std::shared_ptr<const re2::RE2> compiled;  // compiled once at load (RE2: linear time)
};

struct EnumRule {
    std::vector<std::string> values;
    std::string message;  // shown on mismatch; a default when the schema gives none
};

class Entity;

struct Field {
    std::string name;
    FieldType type = FieldType::kString;
    FieldType element_type = FieldType::kString;  // when type == kArray
    bool required = false;
    std::optional<boost::json::value> default_value;
    std::optional<std::int64_t> min_length;  // String: characters; Array: elements
    std::optional<std::int64_t> max_length;
    std::optional<Pattern> pattern;
    std::optional<double> ge;  // numbers: inclusive bounds
    std::optional<double> le;
    std::optional<EnumRule> enum_rule;
    bool auto_generate = false;  // set by the server on create (id, createdAt)
    bool auto_update = false;    // set by the server on every write (updatedAt)
    bool write_only = false;     // never returned (passwords)
    bool is_password = false;  // hashed with argon2id on write (the auth service's password field)
    bool built_in = false;     // id, createdAt, updatedAt
    // `search_index: false` (on the field or its entity): a free-text field without the trigram
    // search index. contains and fuzzy on it still answer, by scanning (docs/schema.md).
    bool search_index = true;
    // `sort_index: false` (on the field or its entity): a Date, Datetime, Integer, Number or
    // Currency field (or createdAt, updatedAt) without the B-tree index the store keeps for sorts
    // and range filters; those still answer, by a scan (docs/schema.md, "Sort index").
    bool sort_index = true;
    std::string description;

    // References (ObjectId fields).
    std::string references;          // target entity name, empty when not a reference
    const Entity* target = nullptr;  // resolved at load; null when not a reference
    OnDelete on_delete = OnDelete::kRestrict;

    int line = 0;  // where it was declared in schema.yaml (for messages); 0 for built-ins

    bool is_reference() const { return target != nullptr; }
    // Free text: a String without an enum. Only these take `contains` / `fuzzy` matching.
    bool is_free_text() const { return type == FieldType::kString && !enum_rule; }
    // A free-text field the store keeps a trigram search index for (every one unless the schema
    // says `search_index: false`): contains and fuzzy use its candidates. Never a write-only one
    // (the password hash): no query may name it, so an index of it would only cost writes.
    bool is_search_indexed() const { return is_free_text() && search_index && !write_only; }
};

// Operations an entity allows (`operations: rcu`). Enforced by the service layer.
enum Operation : std::uint8_t {
    kCreate = 1,
    kRead = 2,
    kUpdate = 4,
    kDelete = 8,
    kAllOperations = 15,
};

struct AuthService {
    std::string login_field = "username";
    std::string password_field = "password";
};

struct Relation {
    const Entity* from = nullptr;  // the entity holding the reference
    const Field* field = nullptr;  // its ObjectId field
    const Entity* to = nullptr;    // the referenced entity
};

class Entity {
public:
    const std::string& name() const { return name_; }
    const std::string& description() const { return description_; }
    const std::vector<Field>& fields() const { return fields_; }
    const std::vector<std::vector<std::string>>& uniques() const { return uniques_; }
    std::uint8_t operations() const { return operations_; }
    bool Allows(Operation op) const { return (operations_ & op) != 0; }
    const std::optional<AuthService>& auth() const { return auth_; }
    // References held by this entity (its ObjectId fields), in field order.
    const std::vector<Relation>& references() const { return references_; }
    // References to this entity held by others; on_delete is applied along these.
    const std::vector<Relation>& referenced_by() const { return referenced_by_; }

    // Field by exact name, or null. Allocates nothing.
    const Field* FindField(std::string_view name) const;
    // Field by the name a request used: the exact name first, else the one field whose name
    // equals it ignoring ASCII case ("firstname" -> firstName; the loader refuses two fields
    // differing only by case, so there is at most one). Null when neither. Allocates nothing.
    const Field* ResolveField(std::string_view name) const;
    int line() const { return line_; }
    // False when the entity says `search_index: false`: its fields' default.
    bool search_index() const { return search_index_; }
    // False when the entity says `sort_index: false`: its fields' default.
    bool sort_index() const { return sort_index_; }

private:
    friend class SchemaBuilder;
    std::string name_;
    std::string description_;
    std::vector<Field> fields_;  // id first, then declared fields, then createdAt, updatedAt
    std::unordered_map<std::string, std::size_t, ExactHash, std::equal_to<>> field_index_;
    std::unordered_map<std::string, std::size_t, IgnoringCaseHash, IgnoringCaseEqual>
        field_index_ignoring_case_;
    std::vector<std::vector<std::string>> uniques_;
    std::uint8_t operations_ = kAllOperations;
    std::optional<AuthService> auth_;
    std::vector<Relation> references_;
    std::vector<Relation> referenced_by_;
    bool search_index_ = true;
    bool sort_index_ = true;
    int line_ = 0;
};

class Schema {
public:
    Schema() = default;
    Schema(const Schema&) = delete;
    Schema& operator=(const Schema&) = delete;

    const std::string& project_name() const { return project_name_; }
    const std::filesystem::path& source() const { return source_; }
    // Entities in declaration order. Pointers stay valid for the Schema's lifetime.
    const std::vector<std::unique_ptr<Entity>>& entities() const { return entities_; }
    // Entity by name, ignoring case ("user", "User", "tagaffinity"), or by its snake_case
    // singular or plural form (SnakeCase, PluralSnakeCase: "tag_affinity", "tag_affinities") or
    // its plural name ("TagAffinities"), ignoring case too; null when absent. The loader refuses
    // a schema where two entities share any of these names. Allocates nothing.
    const Entity* FindEntity(std::string_view name) const;
    // FindEntity, or kNotFound "unknown entity 'x'; entities: A, B, ..." (what both faces answer).
    Result<const Entity*> LookupEntity(std::string_view name) const;
    // A hash of the schema text, for `db report` and migrations.
    const std::string& version() const { return version_; }
    // The `rbac` section: who may do what (decided by src/rbac/); the built-in policy when absent.
    const AccessPolicy& access_policy() const { return access_policy_; }

private:
    friend class SchemaBuilder;
    std::string project_name_ = "events-api";
    std::filesystem::path source_;
    std::vector<std::unique_ptr<Entity>> entities_;
    // Every name FindEntity accepts -> its entity.
    std::unordered_map<std::string, const Entity*, IgnoringCaseHash, IgnoringCaseEqual> by_name_;
    std::string version_;
    AccessPolicy access_policy_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace ea::schema
