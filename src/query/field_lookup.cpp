#include "query/field_lookup.hpp"

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

Result<const schema::Field*> LookupField(const schema::Entity& entity, std::string_view name,
                                         std::string_view where) {
    if (const auto* field = entity.FindField(name)) return field;
    std::string message = "unknown field " + QuoteName(name) + " on " + entity.name() + " in " +
                          std::string(where);
    std::vector<std::string> valid;
    for (const auto& field : entity.fields()) {
        if (EqualsIgnoreCase(field.name, name)) message += "; did you mean '" + field.name + "'?";
        if (!field.write_only) valid.push_back(field.name);
    }
    message += "; valid fields: " + JoinNames(valid);
    return QueryError(std::move(message), FieldErrorName(name));
}

}  // namespace ea::query::detail
