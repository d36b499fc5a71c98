#include "service/audit.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>

#include "common/datetime.hpp"
#include "common/json_text.hpp"

namespace ea::service {
namespace {

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool IsSecret(const schema::Field* field) {
    if (field == nullptr) {
        return false;
    }
    if (field->is_password || field->write_only) {
        return true;
    }
    const std::string name = Lower(field->name);
    return name.find("password") != std::string::npos || name.find("token") != std::string::npos ||
           name.find("secret") != std::string::npos;
}

std::string_view OpName(query::Op op) {
    switch (op) {
        case query::Op::kEq:
            return "$eq";
        case query::Op::kNe:
            return "$ne";
        case query::Op::kGt:
            return "$gt";
        case query::Op::kGte:
            return "$gte";
        case query::Op::kLt:
            return "$lt";
        case query::Op::kLte:
            return "$lte";
        case query::Op::kIn:
            return "$in";
        case query::Op::kNin:
            return "$nin";
        case query::Op::kExists:
            return "$exists";
    }
    return "$eq";
}

boost::json::value FilterJson(const query::FilterNode& node) {
    if (node.kind == query::FilterNode::Kind::kComparison) {
        const auto& comparison = node.comparison;
        const bool masked = IsSecret(comparison.field) && comparison.op != query::Op::kExists;
        boost::json::object test{
            {OpName(comparison.op), masked ? boost::json::value("***") : comparison.value}};
        return boost::json::object{
            {comparison.field != nullptr ? comparison.field->name : std::string("?"),
             std::move(test)}};
    }
    boost::json::array children;
    for (const auto& child : node.children) {
        if (child) {
            children.push_back(FilterJson(*child));
        }
    }
    return boost::json::object{
        {node.kind == query::FilterNode::Kind::kOr ? "$or" : "$and", std::move(children)}};
}

}  // namespace

std::string_view ToString(AuditOutcome outcome) {
    switch (outcome) {
        case AuditOutcome::kOk:
            return "ok";
        case AuditOutcome::kDenied:
            return "denied";
        case AuditOutcome::kError:
            return "error";
    }
    return "error";
}

AuditOutcome OutcomeOf(ErrorCode code) {
    switch (code) {
        case ErrorCode::kForbidden:
        case ErrorCode::kUnauthenticated:
        case ErrorCode::kRateLimited:
            return AuditOutcome::kDenied;
        default:
            return AuditOutcome::kError;
    }
}

boost::json::object ToJson(const AuditEvent& event, boost::json::storage_ptr storage) {
    boost::json::array ids(storage);
    ids.reserve(event.ids.size());
    for (const auto& id : event.ids) {
        ids.emplace_back(id);
    }
    boost::json::object out(16, storage);
    out.emplace("time", FormatDatetime(event.time));
    out.emplace("userId", event.user_id);
    out.emplace("username", event.username);
    out.emplace("role", event.role);
    out.emplace("channel", event.channel);
    out.emplace("action", event.action);
    out.emplace("entity", event.entity);
    out.emplace("ids", std::move(ids));
    out.emplace("filter", event.filter);
    out.emplace("outcome", ToString(event.outcome));
    out.emplace("errorCode", event.error_code);
    out.emplace("rows", event.rows);
    out.emplace("durationMs", event.duration_ms);
    out.emplace("requestId", event.request_id);
    return out;
}

namespace {

// A double as boost::json::serialize writes it (its shortest form, 1.25E-2, 0E0): ToJson's
// durationMs, so the line reads back as the same number in the same text.
void AppendBoostDouble(double number, std::string& out) {
    const boost::json::value value(number);
    boost::json::serializer serializer;
    serializer.reset(&value);
    char buffer[64];  // boost::json's longest number is under 32 bytes: one read
    while (!serializer.done()) {
        out += serializer.read(buffer, sizeof buffer);
    }
}

}  // namespace

void AppendJsonLine(const AuditEvent& event, std::string& out) {
    // The keys need no escaping; values go through AppendJsonString, which escapes as
    // boost::json::serialize does. The order is ToJson's. `text` writes a key, with the
    // punctuation before it, and its string value.
    const auto text = [&out](std::string_view key, std::string_view value) {
        out += key;
        AppendJsonString(value, out);
    };
    text("{\"time\":", FormatDatetime(event.time));
    text(",\"userId\":", event.user_id);
    text(",\"username\":", event.username);
    text(",\"role\":", event.role);
    text(",\"channel\":", event.channel);
    text(",\"action\":", event.action);
    text(",\"entity\":", event.entity);
    out += ",\"ids\":";
    AppendJsonStrings(event.ids, out);
    text(",\"filter\":", event.filter);
    text(",\"outcome\":", ToString(event.outcome));
    text(",\"errorCode\":", event.error_code);
    out += ",\"rows\":";
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, event.rows).ptr);
    out += ",\"durationMs\":";
    AppendBoostDouble(event.duration_ms, out);
    text(",\"requestId\":", event.request_id);
    out += '}';
}

std::string MaskedFilterText(const query::FilterNode* filter) {
    if (filter == nullptr) {
        return {};
    }
    return boost::json::serialize(FilterJson(*filter));
}

}  // namespace ea::service
