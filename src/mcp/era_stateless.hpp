// The stateless era (revision 2026-07-28): no initialize; every request carries
// `io.modelcontextprotocol/protocolVersion` and `io.modelcontextprotocol/clientCapabilities` in
// params._meta; `server/discover` says what the server speaks; every result has
// `resultType: "complete"` and `_meta["io.modelcontextprotocol/serverInfo"]`; list results carry
// `ttlMs` and `cacheScope`. There is no ping. A request is in this era when its _meta names a
// protocol version.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "mcp/era_session.hpp"
#include "mcp/jsonrpc.hpp"

namespace ea::mcp {

inline constexpr std::string_view kProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kClientCapabilitiesKey =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kServerInfoKey = "io.modelcontextprotocol/serverInfo";

// The per-request versions this server accepts in _meta.
inline constexpr std::array<std::string_view, 1> kStatelessVersions = {"2026-07-28"};

// How long clients may cache tools/list and server/discover (the tool list changes only with the
// schema). tools/list is "private": with access control its contents will depend on the caller.
inline constexpr std::int64_t kToolsTtlMs = 60'000;
inline constexpr std::int64_t kDiscoverTtlMs = 300'000;

// True when params._meta carries a protocol version key, whatever its value.
bool IsStatelessRequest(const boost::json::object& params);

// The request's version after checking _meta: -32022 UnsupportedProtocolVersion with
// data {supported, requested} for a version not in kStatelessVersions, -32602 when the version
// is not a string or clientCapabilities is missing or not an object.
std::variant<std::string_view, RpcError> CheckRequestMeta(const boost::json::object& params);

// The DiscoverResult (before Complete()).
boost::json::object DiscoverResult(const ServerIdentity& identity);

// Adds resultType "complete" and _meta serverInfo to any result.
boost::json::object Complete(boost::json::object result, const ServerIdentity& identity);

// Adds the caching hints tools/list, resources/* and server/discover must carry.
void AddCacheHints(boost::json::object& result, std::int64_t ttl_ms, bool is_private);

}  // namespace ea::mcp
