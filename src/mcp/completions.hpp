// completion/complete: suggestions for a prompt argument or a resource template variable.
//   ref/prompt      entity names (find_records.entity), enum values (summarise_upcoming_events
//                   .recurrence), the free-text fields of context.arguments.entity
//                   (find_records.field); other arguments have none
//   ref/resource    events://schema/{Entity}: entity names; events://{plural}/{id}: ids of that
//                   entity starting with the value, read through DocumentService::List as the
//                   principal (so only records the principal may read), at most 100, id order
// Matching is by prefix, ignoring case. Errors (-32602): an unknown prompt or template, an
// argument the prompt or template does not have, a malformed request. A refused id lookup is
// -32000 with the tool-call message. Thread-safe.
#pragma once

#include <variant>

#include <boost/json/object.hpp>

#include "mcp/jsonrpc.hpp"
#include "mcp/prompts.hpp"
#include "mcp/resources.hpp"
#include "service/document_service.hpp"
#include "service/request_context.hpp"

namespace ea::mcp {

// CompleteResult.completion.values holds at most this many (the schema's maxItems).
inline constexpr std::size_t kMaxCompletionValues = 100;

class Completer {
public:
    // All must outlive the completer.
    Completer(service::DocumentService& documents, const PromptCatalog& prompts,
              const ResourceCatalog& resources);

    // The CompleteResult for completion/complete's params.
    std::variant<boost::json::object, RpcError> Complete(const service::RequestContext& ctx,
                                                         const boost::json::object& params) const;

private:
    std::variant<boost::json::object, RpcError> RecordIds(const service::RequestContext& ctx,
                                                          const schema::Entity& entity,
                                                          std::string_view prefix) const;

    service::DocumentService& documents_;
    const PromptCatalog& prompts_;
    const ResourceCatalog& resources_;
};

}  // namespace ea::mcp
