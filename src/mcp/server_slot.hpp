// The McpServer in service. A schema reload puts a new one in; a request already being handled
// keeps the one it started with (it holds a reference), so nothing it uses goes away under it.
#pragma once

#include "common/swap_slot.hpp"

namespace ea::mcp {

class McpServer;

using McpServerSlot = SwapSlot<McpServer>;

}  // namespace ea::mcp
