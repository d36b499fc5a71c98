#include "service/access_token_service.hpp"

#include <charconv>
#include <utility>

#include <boost/json.hpp>

#include "auth/token.hpp"
#include "query/filter.hpp"

namespace ea::service {
namespace {

constexpr std::size_t kMaxNameLength = 100;

std::string StringField(const Record& record, std::string_view name) {
    const auto* value = record.if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->get_string())
                                                  : std::string();
}

Status CheckName(std::string_view name) {
    if (name.size() > kMaxNameLength) {
        return InvalidArgument("token name: at most 100 characters");
    }
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) {
            return InvalidArgument("token name: control characters are not allowed");
        }
    }
    return Ok();
}

}  // namespace

Result<std::chrono::seconds> ParseTokenLifetime(std::string_view text) {
    const auto bad = [&] {
        return InvalidArgument(
            "--expires: expected a positive whole number and a unit, as in 90d, 12h, 30m or 45s "
            "(at most 3660d)");
    };
    if (text.size() < 2) {
        return bad();
    }
    std::int64_t unit = 0;
    switch (text.back()) {
        case 'd':
            unit = 86400;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'm':
            unit = 60;
            break;
        case 's':
            unit = 1;
            break;
        default:
            return bad();
    }
    const std::string_view digits = text.substr(0, text.size() - 1);
    std::int64_t count = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || end != digits.data() + digits.size() || count <= 0 ||
        count > std::chrono::duration_cast<std::chrono::seconds>(auth::kMaxAccessTokenTtl).count() /
                    unit) {
        return bad();
    }
    return std::chrono::seconds(count * unit);
}

Result<IssuedAccessToken> AccessTokenService::Create(const schema::Entity& entity,
                                                     std::string_view username,
                                                     std::string_view name,
                                                     std::chrono::seconds ttl,
                                                     std::chrono::system_clock::time_point now) {
    if (!entity.auth()) {
        return InvalidArgument(entity.name() + " has no login, so it cannot own access tokens");
    }
    if (ttl <= std::chrono::seconds::zero() || ttl > auth::kMaxAccessTokenTtl) {
        return InvalidArgument("token lifetime must be positive and at most 3660 days");
    }
    if (auto valid = CheckName(name); !valid) {
        return valid.error();
    }
    const auto* login = entity.FindField(entity.auth()->login_field);
    if (login == nullptr || username.empty() || username.size() > 200) {
        return NotFound("no user named '" + std::string(username.substr(0, 200)) + "'");
    }
    query::Query query;
    query.filter = std::make_unique<query::FilterNode>();
    query.filter->kind = query::FilterNode::Kind::kComparison;
    query.filter->comparison =
        query::Comparison{login, query::Op::kEq, boost::json::string(username)};
    query.matching = query::Matching::kExact;
    query.page_size = 1;
    auto found = store_.List(entity, query);
    if (!found) {
        return found.error();
    }
    if (found->rows.empty()) {
        return NotFound("no user named '" + std::string(username) + "'");
    }
    const Record& user = found->rows.front();

    IssuedAccessToken issued;
    issued.token = auth::NewAccessToken();
    auto& record = issued.record;
    // 64 random bits from a fresh token's hash: unguessable and unrelated to the token itself.
    record.id = "tok_" + auth::HashToken(auth::NewToken()).substr(0, 16);
    record.name = name;
    record.token_hash = auth::HashToken(issued.token);
    record.user_id = StringField(user, "id");
    record.username = StringField(user, entity.auth()->login_field);
    record.role = StringField(user, "role");
    record.account_id = StringField(user, "accountId");
    record.created_at = now;
    record.expires_at = now + ttl;
    if (auto put = tokens_.Put(record); !put) {
        return put.error();
    }
    return issued;
}

}  // namespace ea::service
