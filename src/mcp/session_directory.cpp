#include "mcp/session_directory.hpp"

#include <boost/json.hpp>

namespace ea::mcp {

std::string EncodeSharedSession(const SharedSession& session) {
    boost::json::object state;
    if (session.state.version) {
        state["version"] = *session.state.version;
    }
    state["initialized"] = session.state.client_initialized;
    if (session.state.log_level) {
        state["logLevel"] = *session.state.log_level;
    }
    state["clientCapabilities"] = session.state.client_capabilities;
    boost::json::array subscriptions;
    for (const auto& uri : session.subscriptions) {
        subscriptions.emplace_back(uri);
    }
    boost::json::object out{{"owner", session.owner},
                            {"state", std::move(state)},
                            {"subscriptions", std::move(subscriptions)}};
    if (session.tools_mode) {
        out["toolsMode"] = *session.tools_mode == ToolsMode::kCompact ? "compact" : "entity";
    }
    return boost::json::serialize(out);
}

std::optional<SharedSession> DecodeSharedSession(std::string_view text) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        return std::nullopt;
    }
    const auto& object = value.get_object();
    const auto* owner = object.if_contains("owner");
    const auto* state = object.if_contains("state");
    const auto* subscriptions = object.if_contains("subscriptions");
    if (owner == nullptr || !owner->is_string() || state == nullptr || !state->is_object() ||
        subscriptions == nullptr || !subscriptions->is_array()) {
        return std::nullopt;
    }
    SharedSession session;
    session.owner = owner->get_string();
    const auto& fields = state->get_object();
    if (const auto* version = fields.if_contains("version")) {
        if (!version->is_string()) {
            return std::nullopt;
        }
        session.state.version = std::string(version->get_string());
    }
    const auto* initialized = fields.if_contains("initialized");
    if (initialized == nullptr || !initialized->is_bool()) {
        return std::nullopt;
    }
    session.state.client_initialized = initialized->get_bool();
    if (const auto* level = fields.if_contains("logLevel")) {
        if (!level->is_int64()) {
            return std::nullopt;
        }
        session.state.log_level = static_cast<int>(level->get_int64());
    }
    if (const auto* capabilities = fields.if_contains("clientCapabilities")) {
        if (!capabilities->is_object()) {
            return std::nullopt;
        }
        session.state.client_capabilities = capabilities->get_object();
    }
    if (const auto* mode = object.if_contains("toolsMode")) {
        if (!mode->is_string() ||
            (mode->get_string() != "compact" && mode->get_string() != "entity")) {
            return std::nullopt;
        }
        session.tools_mode =
            mode->get_string() == "compact" ? ToolsMode::kCompact : ToolsMode::kPerEntity;
    }
    for (const auto& uri : subscriptions->get_array()) {
        if (!uri.is_string()) {
            return std::nullopt;
        }
        session.subscriptions.emplace(uri.get_string());
    }
    return session;
}

}  // namespace ea::mcp
