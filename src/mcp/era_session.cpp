#include "mcp/era_session.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

namespace ea::mcp {

using boost::json::object;

std::string_view NegotiateSessionVersion(std::string_view requested) {
    const auto* found = std::find(kSessionVersions.begin(), kSessionVersions.end(), requested);
    return found != kSessionVersions.end() ? *found : kSessionVersions.front();
}

std::variant<object, RpcError> Initialize(SessionState& state, const object& params,
                                          const ServerIdentity& identity) {
    if (state.version) {
        return RpcError{
            rpc_code::kInvalidRequest,
            "Invalid Request: already initialized (protocol version " + *state.version + ")",
            {}};
    }
    const auto* requested = params.if_contains("protocolVersion");
    if (requested == nullptr || !requested->is_string()) {
        return InvalidParams("Invalid params: initialize needs params.protocolVersion (a string)");
    }
    const std::string_view version = NegotiateSessionVersion(requested->as_string());
    state.version = std::string(version);
    if (const auto* capabilities = params.if_contains("capabilities");
        capabilities != nullptr && capabilities->is_object()) {
        state.client_capabilities = capabilities->get_object();
    }
    object server_info{{"name", identity.name}, {"version", identity.version}};
    if (version >= std::string_view("2025-06-18")) {
        server_info["title"] = identity.title;  // Implementation.title is 2025-06-18 and later
    }
    object result{{"protocolVersion", version},
                  // The tool list changes only with the schema; no list_changed yet.
                  {"capabilities", object{{"tools", object{{"listChanged", false}}}}},
                  {"serverInfo", std::move(server_info)}};
    if (!identity.instructions.empty()) {
        result["instructions"] = identity.instructions;
    }
    return result;
}

bool HasStructuredContent(std::string_view version) {
    return version >= "2025-06-18";
}

bool AllowsBatches(std::string_view version) {
    return version == "2025-03-26";
}

}  // namespace ea::mcp
