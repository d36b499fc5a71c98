// The one RE2 -> ECMA-262 pattern translator, shared by every generated JSON Schema (the OpenAPI
// document of the REST face and the MCP tools' input schemas), so both state the same constraint.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ea::schema {

// Converts a schema pattern (RE2 syntax, full-match semantics) into an anchored ECMA-262 pattern
// (JSON Schema's dialect) that accepts the same strings: "^(?:...)$", with `(?i:...)` groups
// expanded into case classes and escapes ECMA's unicode mode refuses removed. Returns nullopt when
// the pattern uses RE2 syntax with no faithful ECMA spelling (flags other than i, \Q..\E, \C,
// \pN, POSIX classes); the document then omits `pattern` rather than state a wrong constraint.
std::optional<std::string> EcmaPattern(std::string_view re2_pattern);

}  // namespace ea::schema
