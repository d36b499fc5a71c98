// The tools this server offers, generated from the Schema once per schema load (never per call):
// per entity list_{plural}, get_, create_, update_, delete_{singular} minus what the entity's
// `operations` forbid, plus {entity}_auth_login/_logout/_refresh for each entity with the auth
// service, then `aggregate` and `batch` (aggregate_tool.hpp, batch_tool.hpp). tools/list serves a
// JSON array built at construction, in a deterministic order (entities in schema order; list, get,
// create, update, delete, then the auth tools). Thread-safe after construction: calls only read it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "mcp/jsonrpc.hpp"
#include "mcp/tool_schema.hpp"
#include "schema/schema.hpp"
#include "service/auth_service.hpp"
#include "service/document_service.hpp"
#include "service/request_context.hpp"

namespace ea::mcp {

enum class ToolKind {
    kList,
    kGet,
    kCreate,
    kUpdate,
    kDelete,
    kLogin,
    kLogout,
    kRefresh,
    kAggregate,  // one tool for every entity (entity == nullptr; the entity is an argument)
    kBatch,      // likewise: atomic creates and updates of any entities
    // Compact mode (compact_tools.hpp): generic tools taking the entity as an argument.
    kDescribe,
    kQueryAny,
    kGetAny,
    kCreateAny,
    kUpdateAny,
    kDeleteAny,
};

struct Tool {
    std::string name;
    std::string title;
    std::string description;
    boost::json::object input_schema;
    boost::json::object annotations;
    ToolKind kind = ToolKind::kList;
    const schema::Entity* entity = nullptr;
};

// What the tools call. Both must outlive the registry.
struct ToolServices {
    service::DocumentService& documents;
    service::AuthService& auth;
};

// What a tool produced: its structured result, and warnings to say beside it (what was asked for
// and served without, e.g. a view of a reference whose record is gone).
struct ToolOutput {
    ToolOutput(boost::json::value value) : structured(std::move(value)) {}  // NOLINT: implicit
    boost::json::value structured;
    std::vector<std::string> warnings;
};

// A tools/call's outcome: a CallToolResult (success, or isError for a domain failure), or a
// JSON-RPC error (unknown tool, malformed call, a bug).
using CallOutcome = std::variant<boost::json::object, RpcError>;

class ToolRegistry {
public:
    ToolRegistry(const schema::Schema& schema, ToolServices services, ToolSchemaOptions options);

    // The tools `schema` gets, in tools/list order, without services (for docs/mcp/tools.md).
    static std::vector<Tool> Definitions(const schema::Schema& schema,
                                         const ToolSchemaOptions& options);

    // Compact mode's tools, in tools/list order: describe_entities, query, get, create, update,
    // delete, aggregate, batch, then the auth tools (each only when some entity needs it).
    static std::vector<Tool> CompactDefinitions(const schema::Schema& schema,
                                                const ToolSchemaOptions& options);

    const std::vector<Tool>& tools() const { return tools_; }
    const std::vector<Tool>& compact_tools() const { return compact_.tools; }
    ToolsMode default_mode() const { return default_mode_; }
    // tools/list's `tools` array, serialized form of tools().
    const boost::json::array& listing() const { return listing_; }
    // tools/list's `tools` for `principal`: only the entity tools its role may call (the schema's
    // rbac policy, rbac::EntityAccess::Offers), plus the auth tools, which anyone may call. The
    // full listing() is never handed to a caller.
    // `mode` picks the set (the registry's default when absent); the entity enums of the generic
    // tools list only the entities the principal may use that way.
    boost::json::array ListingFor(const Principal& principal,
                                  std::optional<ToolsMode> mode = {}) const;
    // Exact, case-sensitive name in the per-entity set; null when there is none.
    const Tool* Find(std::string_view name) const;
    const Tool* Find(std::string_view name, ToolsMode mode) const;

    // Runs `name` with `arguments` as ctx.principal. Unknown tool: -32602 "Unknown tool: x". A
    // tool the principal is not offered (see ListingFor) answers isError with the service's
    // denial ("ai_agent role cannot delete Profile", as REST's 403 says it) before its arguments
    // are looked at: hidden from the list, and refused by name too.
    // The result carries structuredContent and the same JSON as one compact text block.
    // A compact tool runs the per-entity tool of the entity it names, through the same path.
    CallOutcome Call(const service::RequestContext& ctx, std::string_view name,
                     const boost::json::object& arguments,
                     std::optional<ToolsMode> mode = {}) const;

private:
    ToolServices services_;
    std::vector<Tool> tools_;
    // Looked up by string_view without building a string (transparent hash).
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const {
            return std::hash<std::string_view>{}(name);
        }
    };
    std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> by_name_;
    const schema::Schema* schema_ = nullptr;
    boost::json::array listing_;
    struct ToolSet {
        std::vector<Tool> tools;
        std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> by_name;
        boost::json::array listing;
    };
    ToolSet compact_;
    ToolsMode default_mode_ = ToolsMode::kPerEntity;

    Result<ToolOutput> Run(const service::RequestContext& ctx, const Tool& tool,
                           const boost::json::object& arguments) const;
};

}  // namespace ea::mcp
