// Cursor pagination of the MCP list methods (tools/list, resources/list, resources/templates/list,
// prompts/list). Every list is built once per schema load, so a page is a slice of a fixed array
// and a cursor only has to carry an offset. Cursors are opaque to clients (base64url of the list's
// name and the offset) and bound to the list they came from: a cursor of another list, a made-up
// one or one past the end is -32602, as the pagination utility says.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "mcp/jsonrpc.hpp"

namespace ea::mcp {

// Items per page unless a test asks for fewer: every list this server has fits on one page today
// (42 tools), so clients that never follow nextCursor still see everything.
inline constexpr std::size_t kListPageSize = 100;

// {`key`: the page of `items` that params.cursor points at, "nextCursor" when more follow}.
// `list` names the list in its cursors ("tools", "prompts", ...).
std::variant<boost::json::object, RpcError> Paginate(std::string_view list, std::string_view key,
                                                     const boost::json::array& items,
                                                     const boost::json::object& params,
                                                     std::size_t page_size = kListPageSize);

// The opaque cursor for `offset` in `list` (exposed for tests).
std::string EncodeCursor(std::string_view list, std::size_t offset);

}  // namespace ea::mcp
