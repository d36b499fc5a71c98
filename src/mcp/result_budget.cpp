#include "mcp/result_budget.hpp"

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "common/json_text.hpp"

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;

std::int64_t Int(const object& block, const char* key) {
    const auto* v = block.if_contains(key);
    return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

Error TooLarge(std::string_view entity, std::size_t max_bytes) {
    return Error{ErrorCode::kTooLarge,
                 "one " + std::string(entity) + " record is larger than the result budget of " +
                     std::to_string(max_bytes) +
                     " bytes (mcp.max_result_bytes); ask for fewer fields with `fields`"};
}

// The pagination block of rows [offset, offset + rows) served as one page of `rows`.
object CutPagination(const object& asked, std::int64_t offset, std::int64_t rows,
                     std::size_t max_bytes) {
    object block = asked;
    const std::int64_t page = offset / rows + 1;
    block["page"] = page;
    block["pageSize"] = rows;
    if (const auto* total = asked.if_contains("total"); total != nullptr && total->is_int64()) {
        block["totalPages"] = (total->as_int64() + rows - 1) / rows;
    }
    block["hasMore"] = true;  // the rows cut off are still to come
    block["truncated"] = true;
    block["returned"] = rows;
    block["requestedPage"] = Int(asked, "page");
    block["requestedPageSize"] = Int(asked, "pageSize");
    block["hint"] = "Cut to " + std::to_string(rows) + " whole rows to stay within the " +
                    std::to_string(max_bytes) + "-byte result budget: this is page " +
                    std::to_string(page) + " at pageSize " + std::to_string(rows) +
                    ". Continue with page " + std::to_string(page + 1) + " and pageSize " +
                    std::to_string(rows) +
                    ", or ask for fewer fields (fields) or a smaller pageSize.";
    return block;
}

}  // namespace

Status FitListToBudget(object& list, std::string& json, std::size_t max_bytes,
                       std::string_view entity) {
    if (json.size() <= max_bytes) {
        return Ok();
    }
    auto* data = list.if_contains("data") ? list["data"].if_array() : nullptr;
    auto* pagination = list.if_contains("pagination") ? list["pagination"].if_object() : nullptr;
    if (data == nullptr || pagination == nullptr || data->empty()) {
        return TooLarge(entity, max_bytes);
    }
    const object asked = *pagination;
    const std::int64_t offset = (Int(asked, "page") - 1) * Int(asked, "pageSize");
    std::vector<std::size_t> sizes;
    sizes.reserve(data->size());
    for (const auto& row : *data) {
        sizes.push_back(boost::json::serialize(row).size());
    }
    array all = std::move(*data);
    // Everything but the rows, with the longest pagination block a cut can give.
    *data = array{};
    *pagination = CutPagination(asked, offset, static_cast<std::int64_t>(all.size()), max_bytes);
    const std::size_t frame = ToJsonText(list).size() + 8;  // digits may grow a little
    std::int64_t fit = 0;
    std::size_t used = frame;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        used += sizes[i] + (i > 0 ? 1 : 0);
        if (used > max_bytes) {
            break;
        }
        fit = static_cast<std::int64_t>(i) + 1;
    }
    // The largest page size that fits and divides the rows before this page.
    for (; fit > 0; --fit) {
        if (offset % fit != 0) {
            continue;
        }
        array kept;
        kept.reserve(static_cast<std::size_t>(fit));
        for (std::int64_t i = 0; i < fit; ++i) {
            kept.push_back(all[static_cast<std::size_t>(i)]);
        }
        list["data"] = std::move(kept);
        list["pagination"] = CutPagination(asked, offset, fit, max_bytes);
        json = ToJsonText(list);
        if (json.size() <= max_bytes) {
            return Ok();
        }
    }
    return TooLarge(entity, max_bytes);
}

Status CheckRecordBudget(const std::string& json, std::size_t max_bytes, std::string_view entity) {
    if (json.size() <= max_bytes) {
        return Ok();
    }
    return Error{ErrorCode::kTooLarge,
                 "the " + std::string(entity) + " record is " + std::to_string(json.size()) +
                     " bytes, over the result budget of " + std::to_string(max_bytes) +
                     " bytes (mcp.max_result_bytes); ask for fewer fields "
                     "with `fields`"};
}

}  // namespace ea::mcp
