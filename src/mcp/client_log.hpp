// Log messages to the client (the session era's `logging` capability): the levels of
// logging/setLevel (RFC 5424's eight, least severe first) and the notifications/message the
// server sends once a client has chosen a level. 2026-07-28 removed this feature; the server's
// own log (stderr or stdout) is unaffected by it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace ea::mcp {

// 0 (debug) .. 7 (emergency), or nullopt for a name that is not a level.
std::optional<int> ParseLogLevel(std::string_view name);

// The serialized notifications/message with `level` (a valid level name) from logger
// "events-api" carrying `data`.
std::string LogNotification(std::string_view level, boost::json::object data);

}  // namespace ea::mcp
