#include "store/sql/store_messages.hpp"

namespace ea::store::sql {

std::string WithArticle(const std::string& name) {
    const char first = name.empty() ? 'x' : static_cast<char>(name[0] | 0x20);
    // "u" is left out on purpose: "a User", "a Url" (a spelling rule cannot see sounds).
    const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o';
    return (vowel ? "an " : "a ") + name;
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += separator;
        }
        out += names[i];
    }
    return out;
}

Error QueryTimeoutError(std::chrono::microseconds limit) {
    const auto us = limit.count();
    const std::string amount =
        us % 1000 == 0 ? std::to_string(us / 1000) + " ms" : std::to_string(us) + " us";
    return Unavailable("the query took longer than the " + amount +
                       " limit (limits.query_timeout_ms); narrow the filter or the search");
}

Error RecordNotFound(const schema::Entity& entity, std::string_view id) {
    return NotFound(entity.name() + " " + std::string(id) + " not found");
}

Error MissingReference() {
    return Error{ErrorCode::kValidationFailed, "a referenced record does not exist"};
}

}  // namespace ea::store::sql
