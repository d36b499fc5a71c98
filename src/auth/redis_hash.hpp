// Reading Redis hashes back (the HGETALL reply, field, value, field, value...): what the Redis
// session and access token stores share when they turn a stored hash into a record. Internal to
// auth/; includes hiredis, so only the Redis stores' .cpp files include it.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <hiredis/hiredis.h>

namespace ea::auth::detail {

// The whole of `text` as a decimal integer (how the stores write times, in ms); nullopt when it
// is anything else.
inline std::optional<std::int64_t> ParseRedisInteger(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Calls on_field(field, value) for each pair of an HGETALL-shaped reply, in order. false, before
// any call, when the reply is not an array of string pairs (a key someone else wrote); an empty
// array is a hash with no fields (true, no call).
template <class OnField>
[[nodiscard]] bool ForEachHashField(const redisReply& reply, OnField&& on_field) {
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements % 2 != 0) {
        return false;
    }
    for (std::size_t i = 0; i < reply.elements; ++i) {
        if (reply.element[i]->type != REDIS_REPLY_STRING) {
            return false;
        }
    }
    for (std::size_t i = 0; i < reply.elements; i += 2) {
        const redisReply* name = reply.element[i];
        const redisReply* value = reply.element[i + 1];
        on_field(std::string_view(name->str, name->len), std::string_view(value->str, value->len));
    }
    return true;
}

}  // namespace ea::auth::detail
