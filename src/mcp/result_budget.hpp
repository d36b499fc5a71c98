// The response-size budget of tool results (mcp.max_result_bytes): a list page whose JSON would
// be larger is cut to whole rows, never to a cut-off JSON text, and says so in its pagination
// block. The cut keeps paging consistent: the rows served are exactly one page at a smaller page
// size (a size that divides the rows before them), so pagination.page and pageSize name that
// page and the client continues with page + 1 at the same pageSize without skipping or repeating
// a row. Only an over-budget result pays for the cut (each row is serialized once more).
#pragma once

#include <cstddef>
#include <string>

#include <boost/json/object.hpp>

#include "common/result.hpp"

namespace ea::mcp {

// The default budget: ~10,000 tokens at 4 bytes a token, the size at which Claude Code warns
// that a tool result is large.
inline constexpr std::size_t kDefaultMaxResultBytes = 40000;
inline constexpr std::size_t kMinMaxResultBytes = 1024;

struct ToolResultOptions {
    std::size_t max_result_bytes = kDefaultMaxResultBytes;
};

// `list` is a list tool's structured result ({data, pagination, warnings?}) and `json` its
// serialization. When json is larger than `max_bytes`, cuts list.data to the most rows that fit
// and serves as one page (see above), marking pagination with truncated: true, returned,
// requestedPage, requestedPageSize and a hint, and re-serializes json. Errors: kTooLarge when not
// even one row fits (the hint: select fewer fields).
Status FitListToBudget(boost::json::object& list, std::string& json, std::size_t max_bytes,
                       std::string_view entity);

// kTooLarge when a one-record result (`json`) is over `max_bytes`.
Status CheckRecordBudget(const std::string& json, std::size_t max_bytes, std::string_view entity);

}  // namespace ea::mcp
