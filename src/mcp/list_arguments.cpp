#include "mcp/list_arguments.hpp"

#include "query/list_query.hpp"

namespace ea::mcp::detail {
namespace {

boost::json::value Argument(const boost::json::object& arguments, const char* name) {
    const auto* value = arguments.if_contains(name);
    return value != nullptr ? *value : boost::json::value();
}

}  // namespace

Result<query::Query> ListQueryFromArguments(const schema::Entity& entity,
                                            const boost::json::object& arguments) {
    query::ListArguments list;
    list.page = Argument(arguments, "page");
    list.page_size = Argument(arguments, "pageSize");
    list.filter = Argument(arguments, "filter");
    list.filter_matching = Argument(arguments, "filter_matching");
    list.sort = Argument(arguments, "sort");
    list.view = Argument(arguments, "view");
    list.count = Argument(arguments, "count");
    list.fields = Argument(arguments, "fields");
    return query::BuildListQuery(entity, list, query::kMcpListDefaults);
}

}  // namespace ea::mcp::detail
