// Names derived from an entity's name, and ASCII case-insensitive name comparison. The MCP tools
// (`list_tag_affinities`, `get_user_event`), the entity lookup (Schema::FindEntity) and the
// loader's collision check all derive names here, so they agree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ea::schema {

// "TagAffinity" -> "tag_affinity", "UserEvent" -> "user_event", "HTTPRequest" -> "http_request",
// "user_event" -> "user_event". ASCII only (entity names are ASCII identifiers).
std::string SnakeCase(std::string_view name);

// The English plural of SnakeCase(name): "TagAffinity" -> "tag_affinities", "UserEvent" ->
// "user_events", "User" -> "users", "Crawl" -> "crawls", "Address" -> "addresses", "Person" ->
// "people". Only the last word changes. Uncountable words ("data", "news") stay as they are.
std::string PluralSnakeCase(std::string_view name);

bool EqualsIgnoringCase(std::string_view a, std::string_view b);

// Hash and equality for unordered containers keyed by names compared ignoring ASCII case. Both
// are transparent, so a lookup by std::string_view allocates nothing.
struct IgnoringCaseHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const;
};
struct IgnoringCaseEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const {
        return EqualsIgnoringCase(a, b);
    }
};

// Exact hashing, transparent: find(std::string_view) without building a std::string.
struct ExactHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const;
};

}  // namespace ea::schema
