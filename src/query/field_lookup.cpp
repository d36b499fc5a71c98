#include "query/field_lookup.hpp"

#include <algorithm>

#include <boost/json/value.hpp>

#include "query/value_coercion.hpp"

namespace ea::query::detail {

namespace {
constexpr std::size_t kMaxPlainNameBytes = 100;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
    }
    return true;
}

std::string QuoteName(std::string_view name) {
    return DescribeValue(boost::json::value(boost::json::string_view(name.data(), name.size())));
}

std::string FieldErrorName(std::string_view name) {
    bool plain = name.size() <= kMaxPlainNameBytes && IsValidUtf8(name);
    for (char c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) plain = false;
    }
    return plain ? std::string(name) : QuoteName(name);
}

std::string JoinNames(const std::vector<std::string>& names, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
        if (i > 0) out += ", ";
        out += names[i];
    }
    if (names.size() > limit) out += ", ...";
    return out;
}

Error QueryError(std::string message, std::string field) {
    FieldError field_error{std::move(field), message};
    return Error{ErrorCode::kInvalidArgument, std::move(message), {std::move(field_error)}};
}

namespace {

// The edit distance (insert, delete, substitute, swap two neighbours) between a and b ignoring
// ASCII case, or limit + 1 when it exceeds `limit`. Only on the error path.
std::size_t Distance(std::string_view a, std::string_view b, std::size_t limit) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) {
        return limit + 1;
    }
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = AsciiLower(a[i - 1]) == AsciiLower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && AsciiLower(a[i - 1]) == AsciiLower(b[j - 2]) &&
                AsciiLower(a[i - 2]) == AsciiLower(b[j - 1])) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return std::min(d[a.size()][b.size()], limit + 1);
}

}  // namespace

Result<const schema::Field*> LookupField(const schema::Entity& entity, std::string_view name,
                                         std::string_view where) {
    if (const auto* field = entity.ResolveField(name)) {
        return field;
    }
    std::string message = "unknown field " + QuoteName(name) + " on " + entity.name() + " in " +
                          std::string(where);
    // The closest readable field within a third of the name's length (at most 3 edits).
    const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3));
    const schema::Field* closest = nullptr;
    std::size_t best = limit + 1;
    std::vector<std::string> valid;
    for (const auto& field : entity.fields()) {
        if (field.write_only) {
            continue;
        }
        valid.push_back(field.name);
        if (name.empty() || name.size() > kMaxPlainNameBytes) {
            continue;
        }
        if (const auto distance = Distance(name, field.name, limit); distance < best) {
            best = distance;
            closest = &field;
        }
    }
    if (closest != nullptr) {
        message += "; did you mean '" + closest->name + "'?";
    }
    message += "; valid fields: " + JoinNames(valid);
    return QueryError(std::move(message), FieldErrorName(name));
}

}  // namespace ea::query::detail
