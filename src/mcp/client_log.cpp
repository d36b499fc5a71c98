#include "mcp/client_log.hpp"

#include <array>

#include "common/json_text.hpp"

namespace ea::mcp {
namespace {

constexpr std::array<std::string_view, 8> kLevels = {"debug", "info",     "notice", "warning",
                                                     "error", "critical", "alert",  "emergency"};

}  // namespace

std::optional<int> ParseLogLevel(std::string_view name) {
    for (std::size_t i = 0; i < kLevels.size(); ++i) {
        if (kLevels[i] == name) {
            return static_cast<int>(i);
        }
    }
    return std::nullopt;
}

std::string LogNotification(std::string_view level, boost::json::object data) {
    return ToJsonText(boost::json::object{
        {"jsonrpc", "2.0"},
        {"method", "notifications/message"},
        {"params", boost::json::object{
                       {"level", level}, {"logger", "events-api"}, {"data", std::move(data)}}}});
}

}  // namespace ea::mcp
