#include "integration/service_user_suite.hpp"

#include <chrono>
#include <filesystem>

namespace ea::integration {

std::string ServiceUserSuite::CreateUser(const std::string& username, const std::string& role) {
    auto created = Admin().Post("/api/user", json::object{{"username", username},
                                                          {"email", username + "@example.org"},
                                                          {"password", "svc-password-1"},
                                                          {"role", role},
                                                          {"firstName", "Service"},
                                                          {"lastName", "Client"},
                                                          {"isAccountOwner", false},
                                                          {"accountId", "acc_demo_0"}});
    EXPECT_TRUE(IsSuccess(created, 201)) << Describe(created);
    return Str(DataOf(created).at("id"));
}

ea::testing::CommandResult ServiceUserSuite::Token(std::vector<std::string> args) {
    // The binary and schema DemoServerOptions() names, without its fresh PostgreSQL database: the
    // command works on the suite server's own data.
    const std::string schema = (std::filesystem::path(EA_SOURCE_DIR) / "schema.yaml").string();
    std::vector<std::string> all = {"--schema", schema, "--db", server().db_url(), "token"};
    all.insert(all.end(), args.begin(), args.end());
    return ea::testing::RunCommand(EA_BINARY, all, CommandEnv(server()), std::chrono::seconds(60));
}

std::string ServiceUserSuite::CreateToken(const std::string& username,
                                          std::vector<std::string> args) {
    args.insert(args.begin(), {"create", username});
    const auto created = Token(args);
    EXPECT_EQ(created.exit_code, 0) << created.err;
    std::string token = created.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
        token.pop_back();
    }
    EXPECT_TRUE(token.starts_with("eat_") && token.size() == 47) << token;
    return token;
}

}  // namespace ea::integration
