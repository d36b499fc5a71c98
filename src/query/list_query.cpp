#include "query/list_query.hpp"

#include <charconv>
#include <string>

#include "query/field_lookup.hpp"
#include "query/field_selection.hpp"
#include "query/filter_parser.hpp"
#include "query/sort.hpp"
#include "query/view.hpp"

namespace ea::query {
namespace {

namespace json = boost::json;

Error BadArgument(std::string_view name, std::string message) {
    return Error{ErrorCode::kInvalidArgument,
                 std::string(name) + ": " + message,
                 {FieldError{std::string(name), message}}};
}

// A JSON integer, or decimal text (digits, an optional '-'), within [min, max].
Result<int> BoundedInt(std::string_view name, const json::value& value, int min, int max) {
    const auto out_of_bounds = [&](const std::string& shown) {
        return BadArgument(name, "must be between " + std::to_string(min) + " and " +
                                     std::to_string(max) + ", got " + shown);
    };
    std::int64_t number = 0;
    if (value.is_int64()) {
        number = value.get_int64();
    } else if (value.is_uint64()) {
        return out_of_bounds(std::to_string(value.get_uint64()));  // only past int64's range
    } else if (value.is_string()) {
        const std::string_view text = value.get_string();
        const std::string shown(text.substr(0, 40));
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, number);
        if (text.empty() || ptr != end || ec == std::errc::invalid_argument) {
            return BadArgument(name, "must be an integer, got '" + shown + "'");
        }
        if (ec != std::errc() || number < min || number > max) {
            return out_of_bounds(shown);
        }
    } else {
        return BadArgument(name, "must be an integer, got " + DescribeValue(value));
    }
    if (number < min || number > max) {
        return out_of_bounds(std::to_string(number));
    }
    return static_cast<int>(number);
}

Result<Matching> MatchingOf(const json::value& value, Matching fallback) {
    if (value.is_null()) {
        return fallback;
    }
    if (value.is_string()) {
        const std::string_view text = value.get_string();
        if (detail::EqualsIgnoreCase(text, "exact")) {
            return Matching::kExact;
        }
        if (detail::EqualsIgnoreCase(text, "contains")) {
            return Matching::kContains;
        }
        if (detail::EqualsIgnoreCase(text, "fuzzy")) {
            return Matching::kFuzzy;
        }
    }
    return BadArgument("filter_matching",
                       "must be exact, contains or fuzzy, got " + DescribeValue(value));
}

Result<CountMode> CountModeOf(const json::value& value) {
    if (value.is_null()) {
        return CountMode::kAuto;
    }
    if (value.is_string()) {
        const std::string_view text = value.get_string();
        if (detail::EqualsIgnoreCase(text, "auto")) {
            return CountMode::kAuto;
        }
        if (detail::EqualsIgnoreCase(text, "exact")) {
            return CountMode::kExact;
        }
        if (detail::EqualsIgnoreCase(text, "estimated")) {
            return CountMode::kEstimated;
        }
        if (detail::EqualsIgnoreCase(text, "none")) {
            return CountMode::kNone;
        }
    }
    return BadArgument("count",
                       "must be auto, exact, estimated or none, got " + DescribeValue(value));
}

}  // namespace

Result<Query> BuildListQuery(const schema::Entity& entity, const ListArguments& arguments,
                             const ListDefaults& defaults) {
    Query query;
    query.page_size = defaults.page_size;
    if (!arguments.page.is_null()) {
        auto page = BoundedInt("page", arguments.page, 1, 1'000'000'000);
        if (!page) {
            return page.error();
        }
        query.page = *page;
    }
    if (!arguments.page_size.is_null()) {
        auto size = BoundedInt("pageSize", arguments.page_size, 1, defaults.max_page_size);
        if (!size) {
            return size.error();
        }
        query.page_size = *size;
    }
    auto matching = MatchingOf(arguments.filter_matching, defaults.matching);
    if (!matching) {
        return matching.error();
    }
    query.matching = *matching;
    auto count = CountModeOf(arguments.count);
    if (!count) {
        return count.error();
    }
    query.count = *count;

    auto sort = ParseSort(entity, arguments.sort);
    if (!sort) {
        return sort.error();
    }
    query.sort = *std::move(sort);

    auto view = arguments.view.is_string() ? ParseViewText(entity, arguments.view.get_string())
                                           : ParseView(entity, arguments.view);
    if (!view) {
        return view.error();
    }
    query.view = std::move(view->specs);
    query.warnings = std::move(view->warnings);

    auto fields = ParseFieldSelection(entity, arguments.fields);
    if (!fields) {
        return fields.error();
    }
    query.fields = *std::move(fields);

    if (arguments.filter.is_string()) {
        auto filter = ParseFilterText(entity, arguments.filter.get_string());
        if (!filter) {
            return filter.error();
        }
        query.filter = *std::move(filter);
    } else if (!arguments.filter.is_null()) {
        auto filter = ParseFilter(entity, arguments.filter, arguments.filter_values);
        if (!filter) {
            return filter.error();
        }
        query.filter = *std::move(filter);
    }
    return query;
}

}  // namespace ea::query
