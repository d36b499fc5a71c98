#include "mcp/pagination.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace ea::mcp {
namespace {

using boost::json::array;
using boost::json::object;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(std::string_view bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
        }
    }
    if (bits > 0) {
        out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
    }
    return out;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const auto index = kAlphabet.find(c);
        if (index == std::string_view::npos) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

// The offset `cursor` names in `list`, or nullopt when it is not one of this list's cursors.
std::optional<std::size_t> DecodeCursor(std::string_view list, std::string_view cursor) {
    if (cursor.size() > 128) {
        return std::nullopt;
    }
    auto decoded = FromBase64Url(cursor);
    if (!decoded || !decoded->starts_with("ea1:") ||
        std::string_view(*decoded).substr(4, list.size()) != list ||
        decoded->size() < 4 + list.size() + 2 || (*decoded)[4 + list.size()] != ':') {
        return std::nullopt;
    }
    const std::string_view digits = std::string_view(*decoded).substr(4 + list.size() + 1);
    std::size_t offset = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return offset;
}

}  // namespace

std::string EncodeCursor(std::string_view list, std::size_t offset) {
    return Base64Url("ea1:" + std::string(list) + ":" + std::to_string(offset));
}

std::variant<object, RpcError> Paginate(std::string_view list, std::string_view key,
                                        const array& items, const object& params,
                                        std::size_t page_size) {
    std::size_t offset = 0;
    if (const auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
        std::optional<std::size_t> decoded;
        if (cursor->is_string()) {
            decoded = DecodeCursor(list, cursor->as_string());
        }
        // A cursor is only ever handed out for an offset inside the list.
        if (!decoded || *decoded == 0 || *decoded >= items.size()) {
            return InvalidParams("Invalid params: unknown cursor for " + std::string(list) +
                                 "/list; send the nextCursor of a previous page, or none");
        }
        offset = *decoded;
    }
    const std::size_t end = std::min(items.size(), offset + page_size);
    array page;
    page.reserve(end - offset);
    for (std::size_t i = offset; i < end; ++i) {
        page.push_back(items[i]);
    }
    object result{{key, std::move(page)}};
    if (end < items.size()) {
        result["nextCursor"] = EncodeCursor(list, end);
    }
    return result;
}

}  // namespace ea::mcp
