// Request-target and query-string parsing: the one place that percent-decodes what a client sent
// and rejects hostile paths (dot segments, NUL, encoded '/', invalid UTF-8) before routing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace ea::http {

struct Target {
    std::string path;   // percent-decoded, validated
    std::string query;  // raw (still encoded), without the '?'
};

// Splits an origin-form target ("/a/b?x=1") into a decoded path and the raw query.
// Errors (kInvalidArgument, message names the problem): not origin-form (absolute URL, "*"),
// invalid percent-encoding or characters, a "." or ".." segment (raw or encoded), an encoded '/'
// or '\', NUL or another control character, invalid UTF-8 after decoding.
[[nodiscard]] Result<Target> ParseTarget(std::string_view target);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes "a=1&b=x%20y&c" into {{"a","1"},{"b","x y"},{"c",""}} in order ('+' is a space;
// empty pieces between '&' are skipped). Duplicates are kept; the caller picks its rule.
// Errors (kInvalidArgument): invalid percent-encoding, NUL, invalid UTF-8 in a name or value.
[[nodiscard]] Result<QueryParams> ParseQueryString(std::string_view raw_query);

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace ea::http
