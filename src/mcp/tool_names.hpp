// The names MCP tools give entities: snake_case ("TagAffinity" -> "tag_affinity") and its English
// plural ("tag_affinities", "users", "addresses"). Computed once when the tools are generated.
// (The lead plans an entity lookup in query/ that also accepts these forms; until then this is the
// one place that spells them.)
#pragma once

#include <string>
#include <string_view>

namespace ea::mcp {

// "User" -> "user", "TagAffinity" -> "tag_affinity", "UserEvent" -> "user_event",
// "URLCrawl" -> "url_crawl", "Crawl2Log" -> "crawl2_log".
std::string SnakeCase(std::string_view name);

// The plural of a snake_case name, inflecting its last word: "user" -> "users",
// "tag_affinity" -> "tag_affinities", "address" -> "addresses", "day" -> "days".
std::string Plural(std::string_view snake_name);

}  // namespace ea::mcp
