// JSON-RPC 2.0 as MCP uses it: one message is a request (string or integer id, never null), a
// notification (no id) or a response (which a server only receives from clients that answer its
// requests; this server sends none, so responses are ignored). `params`, when present, is an
// object. Ids are kept exactly as sent (a string stays a string, 7 stays 7) and echoed back.
// Parsing never throws and never trusts the input: every problem becomes an RpcError with the
// standard code and a message naming what is wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace ea::mcp {

// The standard JSON-RPC codes, and MCP's own (2026-07-28, basic/index "Error Codes").
namespace rpc_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace rpc_code

struct RpcError {
    int code = rpc_code::kInternalError;
    std::string message;
    boost::json::value data;  // null: no `data` member
};

// A request or a notification (is_notification: no id, so no response may be sent).
struct RpcRequest {
    boost::json::value id;  // string or int64/uint64; null for a notification
    std::string method;
    boost::json::object params;  // {} when absent
    bool has_params = false;
    bool is_notification = false;
};

// A message that could not be understood. `id` is the request's id when it could be read (the
// error response carries it), null otherwise.
struct RpcFailure {
    boost::json::value id;
    RpcError error;
};

// A client's response to a server request, or anything else a server ignores.
struct RpcIgnored {};

using ParsedMessage = std::variant<RpcRequest, RpcFailure, RpcIgnored>;

// What one line (stdio) or one POST body (HTTP) holds.
struct ParsedText {
    // One message, or the elements of a batch (JSON array) in order.
    std::vector<ParsedMessage> messages;
    bool is_batch = false;
    // Set when the text as a whole is unusable: not JSON (-32700), an empty batch (-32600).
    std::optional<RpcError> failure;
};

// Messages larger than this are refused with -32600 before parsing.
inline constexpr std::size_t kMaxMessageBytes = 4 * 1024 * 1024;
// JSON nesting deeper than this is a parse error (no stack exhaustion on hostile input).
inline constexpr std::size_t kMaxJsonDepth = 64;

// Parses `text` as JSON (UTF-8, bounded depth) and each message in it.
ParsedText ParseText(std::string_view text);

// Checks one already-parsed JSON value as a JSON-RPC message.
ParsedMessage ParseMessage(const boost::json::value& message);

// Serialized responses, compact, with no newline inside (stdio framing relies on that).
std::string ResultResponse(const boost::json::value& id, boost::json::object result);
std::string ErrorResponse(const boost::json::value& id, const RpcError& error);
// A JSON array of already-serialized responses (a batch's answer).
std::string BatchResponse(const std::vector<std::string>& responses);

RpcError InvalidParams(std::string message);
RpcError MethodNotFound(std::string_view method);

}  // namespace ea::mcp
