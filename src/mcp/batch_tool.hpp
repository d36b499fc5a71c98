// Internal to mcp/: the one `batch` tool: creates and updates of any entities in one transaction,
// all or nothing (DocumentService::WriteAll). One tool rather than a create_many_/update_many_
// per entity: the tool count stays flat (42, not 56), one call can create an Account and the
// User that needs it, and creates and updates mix; each item is validated exactly as
// create_{entity} / update_{entity} validate it, and errors name the item ("[3].email: ...").
#pragma once

#include <optional>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "common/result.hpp"
#include "mcp/tool_registry.hpp"

namespace ea::mcp::detail {

// Items one batch call takes at most (the service's limits.max_batch applies too).
constexpr std::size_t kMaxBatchItems = 100;

// The tool, its items' `entity` enum listing every entity whose operations allow create or
// update; nullopt when none does.
std::optional<Tool> BatchTool(const schema::Schema& schema);

// `input_schema` with the items' entity enum narrowed to `entities`.
boost::json::object WithBatchEntityEnum(const boost::json::object& input_schema,
                                        const boost::json::array& entities);

// {"data": [the stored records, in item order], "count": n}.
Result<ToolOutput> RunBatch(service::DocumentService& documents, const service::RequestContext& ctx,
                            const boost::json::object& arguments);

}  // namespace ea::mcp::detail
