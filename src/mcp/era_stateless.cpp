#include "mcp/era_stateless.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

namespace ea::mcp {

using boost::json::array;
using boost::json::object;

bool IsStatelessRequest(const object& params) {
    const auto* meta = params.if_contains("_meta");
    return meta != nullptr && meta->is_object() && meta->as_object().contains(kProtocolVersionKey);
}

std::variant<std::string_view, RpcError> CheckRequestMeta(const object& params) {
    const object& meta = params.at("_meta").as_object();
    const auto& version = meta.at(kProtocolVersionKey);
    if (!version.is_string()) {
        return InvalidParams("Invalid params: _meta[\"" + std::string(kProtocolVersionKey) +
                             "\"] must be a string");
    }
    const std::string_view requested = version.as_string();
    const auto* found = std::find(kStatelessVersions.begin(), kStatelessVersions.end(), requested);
    if (found == kStatelessVersions.end()) {
        array supported;
        for (auto v : kStatelessVersions) {
            supported.emplace_back(v);
        }
        return RpcError{rpc_code::kUnsupportedProtocolVersion, "Unsupported protocol version",
                        object{{"supported", std::move(supported)},
                               {"requested", std::string(requested.substr(0, 64))}}};
    }
    const auto* capabilities = meta.if_contains(kClientCapabilitiesKey);
    if (capabilities == nullptr || !capabilities->is_object()) {
        return InvalidParams("Invalid params: _meta[\"" + std::string(kClientCapabilitiesKey) +
                             "\"] is required (an object; {} when the client has none)");
    }
    return *found;
}

object DiscoverResult(const ServerIdentity& identity) {
    array versions;
    for (auto v : kStatelessVersions) {
        versions.emplace_back(v);
    }
    object result{{"supportedVersions", std::move(versions)},
                  {"capabilities", object{{"tools", object{{"listChanged", false}}}}}};
    if (!identity.instructions.empty()) {
        result["instructions"] = identity.instructions;
    }
    AddCacheHints(result, kDiscoverTtlMs, false);
    return result;
}

object Complete(object result, const ServerIdentity& identity) {
    result["resultType"] = "complete";
    object meta;
    if (const auto* existing = result.if_contains("_meta"); existing && existing->is_object()) {
        meta = existing->as_object();
    }
    meta[kServerInfoKey] =
        object{{"name", identity.name}, {"title", identity.title}, {"version", identity.version}};
    result["_meta"] = std::move(meta);
    return result;
}

void AddCacheHints(object& result, std::int64_t ttl_ms, bool is_private) {
    result["ttlMs"] = ttl_ms;
    result["cacheScope"] = is_private ? "private" : "public";
}

}  // namespace ea::mcp
