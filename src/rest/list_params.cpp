#include "rest/list_params.hpp"

#include <array>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "query/list_query.hpp"

namespace ea::rest {
namespace {

constexpr std::array<std::string_view, 9> kParams = {"page",   "pageSize", "sort",
                                                     "filter", "view",     "filter_matching",
                                                     "count",  "fields",   "no_consistency"};
constexpr const char* kValidParams =
    "page, pageSize, sort, filter, view, filter_matching, count, fields";

// REST operator spelling -> the JSON language's.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kOps = {{
    {"eq", "$eq"},
    {"ne", "$ne"},
    {"lt", "$lt"},
    {"le", "$lte"},
    {"lte", "$lte"},
    {"gt", "$gt"},
    {"ge", "$gte"},
    {"gte", "$gte"},
    {"in", "$in"},
}};

std::optional<std::string_view> JsonOp(std::string_view rest_op) {
    for (const auto& [name, json] : kOps) {
        if (name == rest_op) {
            return json;
        }
    }
    return std::nullopt;
}

Error BadParam(const std::string& param, std::string message) {
    Error error = InvalidArgument(param + ": " + message);
    error.fields.push_back({param, std::move(message)});
    return error;
}

// The index of the quote closing the one at `open`, honouring backslash escapes; npos if none.
std::size_t ClosingQuote(std::string_view text, std::size_t open) {
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;
        } else if (text[i] == text[open]) {
            return i;
        }
    }
    return std::string_view::npos;
}

// Splits on commas outside quotes; keeps quotes (Unquote removes them per value). A quote opens
// only where a value starts (right after a ':'). An apostrophe that is never closed is a plain
// character ("title:'til dawn", "O'Brien" anywhere); a double quote that is never closed is a
// mistake worth naming.
Result<std::vector<std::string>> SplitTerms(std::string_view text) {
    std::vector<std::string> terms;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c == '"' || c == '\'') && !current.empty() && current.back() == ':') {
            if (const auto close = ClosingQuote(text, i); close != std::string_view::npos) {
                current.append(text.substr(i, close - i + 1));
                i = close;
                continue;
            }
            if (c == '"') {
                return BadParam("filter", "unterminated quote in '" +
                                              std::string(text.substr(0, 80)) + "'");
            }
        }
        if (c == ',') {
            terms.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    terms.push_back(std::move(current));
    return terms;
}

// A whole-value quote ("..." or '...') is removed and \x escapes resolved.
std::string Unquote(std::string_view value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        std::string out;
        for (std::size_t i = 1; i + 1 < value.size(); ++i) {
            if (value[i] == '\\' && i + 2 < value.size()) {
                ++i;
            }
            out += value[i];
        }
        return out;
    }
    return std::string(value);
}

bool LooksLikeOperator(std::string_view word) {
    if (word.empty() || word.size() > 6) {
        return false;
    }
    for (char c : word) {
        if (c < 'a' || c > 'z') {
            return false;
        }
    }
    return true;
}

}  // namespace

Result<boost::json::value> FilterTextToJson(std::string_view text) {
    auto terms = SplitTerms(text);
    if (!terms) {
        return terms.error();
    }
    boost::json::array all;
    for (const auto& term : *terms) {
        if (term.empty()) {
            continue;
        }
        const auto colon = term.find(':');
        if (colon == std::string::npos || colon == 0) {
            return BadParam("filter",
                            "'" + term.substr(0, 80) + "' must be field:value or field:op:value");
        }
        const std::string field = term.substr(0, colon);
        std::string_view rest = std::string_view(term).substr(colon + 1);
        std::string_view op = "$eq";
        const auto second = rest.find(':');
        if (second != std::string_view::npos) {
            const auto word = rest.substr(0, second);
            if (auto json_op = JsonOp(word)) {
                op = *json_op;
                rest = rest.substr(second + 1);
            } else if (LooksLikeOperator(word) &&
                       rest.substr(second + 1).find(':') == std::string_view::npos &&
                       word.size() <= 3) {
                return BadParam("filter", "unknown operator '" + std::string(word) + "' in '" +
                                              term.substr(0, 80) +
                                              "'; valid: eq ne lt le lte gt ge gte in");
            }
        }
        const std::string value = Unquote(rest);
        if (value.empty()) {
            return BadParam("filter", "'" + term.substr(0, 80) + "' has an empty value");
        }
        boost::json::value operand;
        if (op == "$in") {
            boost::json::array values;
            std::string_view remaining = value;
            while (true) {
                const auto bar = remaining.find('|');
                const auto piece = remaining.substr(0, bar);
                if (piece.empty()) {
                    return BadParam("filter", "'" + term.substr(0, 80) + "' has an empty value");
                }
                values.emplace_back(piece);
                if (bar == std::string_view::npos) {
                    break;
                }
                remaining = remaining.substr(bar + 1);
            }
            operand = std::move(values);
        } else {
            operand = boost::json::string(value);
        }
        boost::json::object condition;
        condition[op] = std::move(operand);
        all.push_back(boost::json::object{{field, std::move(condition)}});
    }
    if (all.empty()) {
        return boost::json::value(boost::json::object());
    }
    return boost::json::value(boost::json::object{{"$and", std::move(all)}});
}

Result<query::Query> ParseListParams(const schema::Entity& entity,
                                     const http::QueryParams& params) {
    // Names ignore case, as the original lower-cased them ("pagesize", "PAGE"); with duplicates
    // (in any spelling) the last wins.
    std::array<const std::string*, kParams.size()> last{};
    for (const auto& [name, value] : params) {
        std::size_t index = kParams.size();
        for (std::size_t i = 0; i < kParams.size(); ++i) {
            if (schema::EqualsIgnoringCase(name, kParams[i])) {
                index = i;
            }
        }
        if (index == kParams.size()) {
            return BadParam(name.substr(0, 40),
                            std::string("unknown query parameter; valid: ") + kValidParams);
        }
        last[index] = &value;
    }
    const auto get = [&](std::string_view name) -> const std::string* {
        for (std::size_t i = 0; i < kParams.size(); ++i) {
            if (kParams[i] == name) {
                return last[i];
            }
        }
        return nullptr;
    };
    // Every value is text; an empty sort, view, filter or filter_matching means none.
    const auto text = [&](std::string_view name) {
        const std::string* value = get(name);
        return value == nullptr ? boost::json::value() : boost::json::value(*value);
    };
    const auto non_empty = [&](std::string_view name) {
        const std::string* value = get(name);
        return value == nullptr || value->empty() ? boost::json::value()
                                                  : boost::json::value(*value);
    };
    query::ListArguments arguments;
    arguments.page = text("page");
    arguments.page_size = text("pageSize");
    arguments.filter_matching = non_empty("filter_matching");
    arguments.sort = non_empty("sort");
    arguments.view = non_empty("view");
    arguments.count = non_empty("count");
    arguments.fields = non_empty("fields");
    if (const std::string* filter = get("filter"); filter != nullptr && !filter->empty()) {
        if (filter->front() == '{') {
            arguments.filter = boost::json::value(*filter);  // JSON text
        } else {
            auto json = FilterTextToJson(*filter);
            if (!json) {
                return json.error();
            }
            arguments.filter = *std::move(json);
            arguments.filter_values = query::CoerceFrom::kText;
        }
    }
    return query::BuildListQuery(entity, arguments, query::kRestListDefaults);
}

}  // namespace ea::rest
