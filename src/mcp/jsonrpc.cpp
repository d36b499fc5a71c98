#include "mcp/jsonrpc.hpp"

#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include "common/json_text.hpp"

namespace ea::mcp {
namespace {

using boost::json::object;
using boost::json::value;

RpcFailure Invalid(value id, std::string message) {
    return RpcFailure{std::move(id), RpcError{rpc_code::kInvalidRequest, std::move(message), {}}};
}

// MCP ids are strings or integers (never null, never fractional): anything else is refused
// rather than echoed back altered.
bool IsValidId(const value& id) {
    return id.is_string() || id.is_int64() || id.is_uint64();
}

object ErrorObject(const RpcError& error) {
    object out{{"code", error.code}, {"message", error.message}};
    if (!error.data.is_null()) {
        out["data"] = error.data;
    }
    return out;
}

}  // namespace

ParsedMessage ParseMessage(const value& message) {
    if (!message.is_object()) {
        return Invalid(nullptr, "Invalid Request: a JSON-RPC message must be an object");
    }
    const object& obj = message.as_object();
    value id = nullptr;
    const value* raw_id = obj.if_contains("id");
    if (raw_id != nullptr && IsValidId(*raw_id)) {
        id = *raw_id;
    }
    const value* version = obj.if_contains("jsonrpc");
    if (version == nullptr || !version->is_string() || version->as_string() != "2.0") {
        return Invalid(std::move(id), "Invalid Request: \"jsonrpc\" must be \"2.0\"");
    }
    const value* method = obj.if_contains("method");
    if (method == nullptr) {
        if (obj.contains("result") || obj.contains("error")) {
            return RpcIgnored{};  // a client's response; this server sends no requests
        }
        return Invalid(std::move(id), "Invalid Request: \"method\" is missing");
    }
    if (!method->is_string()) {
        return Invalid(std::move(id), "Invalid Request: \"method\" must be a string");
    }
    if (raw_id != nullptr && !IsValidId(*raw_id)) {
        return Invalid(nullptr, "Invalid Request: \"id\" must be a string or an integer");
    }
    RpcRequest request;
    request.method = std::string(method->as_string());
    request.is_notification = raw_id == nullptr;
    request.id = std::move(id);
    if (const value* params = obj.if_contains("params"); params != nullptr) {
        if (!params->is_object()) {
            return Invalid(request.id, "Invalid Request: \"params\" must be an object");
        }
        request.params = params->as_object();
        request.has_params = true;
    }
    return request;
}

ParsedText ParseText(std::string_view text) {
    ParsedText out;
    if (text.size() > kMaxMessageBytes) {
        out.failure = RpcError{
            rpc_code::kInvalidRequest,
            "Invalid Request: message larger than " + std::to_string(kMaxMessageBytes) + " bytes",
            {}};
        return out;
    }
    boost::json::parse_options options;
    options.max_depth = kMaxJsonDepth;
    boost::system::error_code ec;
    value parsed = boost::json::parse(text, ec, {}, options);
    if (ec) {
        out.failure =
            RpcError{rpc_code::kParseError, "Parse error: the message is not valid JSON", {}};
        return out;
    }
    if (parsed.is_array()) {
        out.is_batch = true;
        const auto& items = parsed.as_array();
        if (items.empty()) {
            out.failure = RpcError{rpc_code::kInvalidRequest, "Invalid Request: empty batch", {}};
            return out;
        }
        out.messages.reserve(items.size());
        for (const auto& item : items) {
            out.messages.push_back(ParseMessage(item));
        }
        return out;
    }
    out.messages.push_back(ParseMessage(parsed));
    return out;
}

std::string ResultResponse(const value& id, object result) {
    return ToJsonText(object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

std::string ErrorResponse(const value& id, const RpcError& error) {
    return ToJsonText(object{{"jsonrpc", "2.0"}, {"id", id}, {"error", ErrorObject(error)}});
}

std::string BatchResponse(const std::vector<std::string>& responses) {
    std::string out = "[";
    for (std::size_t i = 0; i < responses.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += responses[i];
    }
    out += ']';
    return out;
}

RpcError InvalidParams(std::string message) {
    return RpcError{rpc_code::kInvalidParams, std::move(message), {}};
}

RpcError MethodNotFound(std::string_view method) {
    std::string shown(method.substr(0, 100));
    return RpcError{rpc_code::kMethodNotFound, "Method not found: " + shown, {}};
}

}  // namespace ea::mcp
