#include "mcp/list_arguments.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "query/filter_parser.hpp"
#include "query/sort.hpp"
#include "query/view.hpp"

namespace ea::mcp::detail {
namespace {

Error BadArgument(const std::string& name, const std::string& problem) {
    return Error{ErrorCode::kInvalidArgument, name + " " + problem, {{name, problem}}};
}

Result<int> ReadInt(const boost::json::object& arguments, const char* name, int min, int max,
                    int fallback) {
    const auto* value = arguments.if_contains(name);
    if (value == nullptr || value->is_null()) {
        return fallback;
    }
    std::int64_t number = 0;
    if (value->is_int64()) {
        number = value->as_int64();
    } else if (value->is_uint64()) {
        number = static_cast<std::int64_t>(max) + 1;  // beyond int64: out of range for sure
    } else if (const double d = value->is_double() ? value->as_double() : 0.5;
               value->is_double() && std::fabs(d) < 1e15 && d == std::floor(d)) {
        number = static_cast<std::int64_t>(d);  // 10.0 is an integer in JSON Schema too
    } else {
        return BadArgument(name, "must be an integer");
    }
    if (number < min || number > max) {
        return BadArgument(name, "must be between " + std::to_string(min) + " and " +
                                     std::to_string(max) + ", got " + std::to_string(number));
    }
    return static_cast<int>(number);
}

}  // namespace

Result<query::Query> ListQueryFromArguments(const schema::Entity& entity,
                                            const boost::json::object& arguments,
                                            const ListLimits& limits) {
    query::Query query;
    query.matching = query::Matching::kExact;
    if (const auto* filter = arguments.if_contains("filter"); filter && !filter->is_null()) {
        auto parsed = query::ParseFilter(entity, *filter);
        if (!parsed) {
            return parsed.error();
        }
        query.filter = *std::move(parsed);
    }
    if (const auto* matching = arguments.if_contains("filter_matching");
        matching && !matching->is_null()) {
        const auto* text = matching->if_string();
        if (text != nullptr && *text == "exact") {
            query.matching = query::Matching::kExact;
        } else if (text != nullptr && *text == "contains") {
            query.matching = query::Matching::kContains;
        } else if (text != nullptr && *text == "fuzzy") {
            query.matching = query::Matching::kFuzzy;
        } else {
            return BadArgument("filter_matching", "must be \"exact\", \"contains\" or \"fuzzy\"");
        }
    }
    if (const auto* sort = arguments.if_contains("sort"); sort != nullptr) {
        auto parsed = query::ParseSort(entity, *sort);
        if (!parsed) {
            return parsed.error();
        }
        query.sort = *std::move(parsed);
    }
    auto page = ReadInt(arguments, "page", 1, 1'000'000'000, 1);
    if (!page) {
        return page.error();
    }
    query.page = *page;
    auto page_size =
        ReadInt(arguments, "pageSize", 1, limits.max_page_size, query::kDefaultPageSize);
    if (!page_size) {
        return page_size.error();
    }
    query.page_size = *page_size;
    if (const auto* view = arguments.if_contains("view"); view != nullptr) {
        auto parsed = query::ParseView(entity, *view);
        if (!parsed) {
            return parsed.error();
        }
        query.view = *std::move(parsed);
    }
    return query;
}

}  // namespace ea::mcp::detail
