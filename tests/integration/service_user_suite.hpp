// ServiceUserSuite: the suite server (ServerSuite) with service users and their access tokens,
// made the way an operator makes them: the user over REST as the administrator, the token with
// `events-api token` on the server's data. For the REST and the stdio MCP access token tests.
#pragma once

#include <string>
#include <vector>

#include "integration/integration_fixture.hpp"
#include "testing/server_process.hpp"

namespace ea::integration {

class ServiceUserSuite : public ServerSuite {
protected:
    // A fresh user with `role` (password "svc-password-1", account acc_demo_0), created over
    // REST; returns its id.
    static std::string CreateUser(const std::string& username, const std::string& role);

    // `events-api --schema S --db DB token ARGS...` on the server's data (with the session
    // store's place, which is not the database on PostgreSQL).
    static ea::testing::CommandResult Token(std::vector<std::string> args);

    // The token `token create USERNAME ARGS...` printed ("" with a test failure unless it exits 0
    // and prints an eat_ token of 47 characters).
    static std::string CreateToken(const std::string& username, std::vector<std::string> args = {});
};

}  // namespace ea::integration
