// A server suite with an ai_agent user (schema.yaml's role for the MCP service user), created by
// the administrator and logged in like anyone else: the rbac tests try to get around its rules.
#pragma once

#include <string>

#include "integration/integration_fixture.hpp"

namespace ea::integration {

inline constexpr const char* kAgentPassword = "agent-password-1";

class AgentSuite : public ServerSuite {
protected:
    void SetUp() override;
    static void TearDownTestSuite();

    // A valid User body; `role` set only when given.
    static json::object NewUserBody(const std::string& username, const char* role = nullptr);
    static Api Agent() { return Api(port(), agent_token_); }
    // The number of users named `username`, as the administrator sees it.
    static std::size_t UsersNamed(const std::string& username);

    static std::string agent_token_;
    static std::string agent_name_;
};

}  // namespace ea::integration
