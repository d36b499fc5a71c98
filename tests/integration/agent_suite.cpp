#include "integration/agent_suite.hpp"

namespace ea::integration {

std::string AgentSuite::agent_token_;
std::string AgentSuite::agent_name_;

void AgentSuite::SetUp() {
    ServerSuite::SetUp();
    if (agent_token_.empty()) {
        agent_name_ = UniqueId("agent");
        auto created = Admin().Post("/api/user", NewUserBody(agent_name_, "ai_agent"));
        ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
        agent_token_ = LoginToken(port(), agent_name_, kAgentPassword);
        ASSERT_FALSE(agent_token_.empty());
    }
}

void AgentSuite::TearDownTestSuite() {
    agent_token_.clear();
    ServerSuite::TearDownTestSuite();
}

json::object AgentSuite::NewUserBody(const std::string& username, const char* role) {
    json::object body{{"username", username},       {"email", username + "@example.org"},
                      {"password", kAgentPassword}, {"firstName", "Casey"},
                      {"lastName", "Tester"},       {"isAccountOwner", false},
                      {"accountId", "acc_demo_0"}};
    if (role != nullptr) {
        body["role"] = role;
    }
    return body;
}

std::size_t AgentSuite::UsersNamed(const std::string& username) {
    return RowsOf(Admin().Get("/api/user?filter=username:" + username)).size();
}

}  // namespace ea::integration
