// RequestContext: who is calling and through which face. Passed as a parameter to every service
// call (never a global), so audit and rules see the same facts on REST and MCP.
#pragma once

#include <chrono>
#include <string>

#include "common/principal.hpp"

namespace ea::service {

enum class Channel { kRest, kMcp, kCli };

struct RequestContext {
    Principal principal;
    std::string request_id;
    Channel channel = Channel::kCli;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

}  // namespace ea::service
