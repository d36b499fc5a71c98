// Revocation is instant on the real binary: a logout, a password change made over REST while the
// token is in use, and a password reset made by another process (`events-api user add --update`
// on the same database file while the server runs) are each refused on the very next request.
// Session lookups read the store on every request (no cache), and these tests keep it so.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::RunCommand;

class SessionRevocationTest : public ServerSuite {
protected:
    // A fresh user with role `read` and `password`, created over REST; returns its id.
    static std::string CreateUser(const std::string& username, const std::string& password) {
        auto created = Admin().Post("/api/user", json::object{{"username", username},
                                                              {"email", username + "@example.org"},
                                                              {"password", password},
                                                              {"role", "read"},
                                                              {"firstName", "Revoked"},
                                                              {"lastName", "Soon"},
                                                              {"isAccountOwner", false},
                                                              {"accountId", "acc_demo_0"}});
        EXPECT_TRUE(IsSuccess(created, 201)) << Describe(created);
        return Str(DataOf(created).at("id"));
    }

    // `events-api user add USERNAME --role read --password-stdin --update` as a process of its
    // own on the server's database file; the password goes in on stdin.
    static ea::testing::CommandResult ResetPasswordFromTheCli(const std::string& username,
                                                              const std::string& password) {
        const auto options = DemoServerOptions();
        const std::string command =
            "printf '%s\\n' \"$NEW_PASSWORD\" | \"$BIN\" --schema \"$SCHEMA\" "
            "--db \"$DB\" user add \"$NAME\" --role read --password-stdin "
            "--update";
        return RunCommand("/bin/sh", {"-c", command},
                          CommandEnv(server(), {{"NEW_PASSWORD", password},
                                                {"BIN", options.binary.string()},
                                                {"SCHEMA", options.schema.string()},
                                                {"DB", server().db_url()},
                                                {"NAME", username}}),
                          std::chrono::seconds(60));
    }
};

TEST_F(SessionRevocationTest, LogoutIsRefusedOnTheVeryNextRequest) {
    const std::string username = UniqueId("logout");
    const std::string id = CreateUser(username, "logout-password");
    Api session(port(), LoginToken(port(), username, "logout-password"));
    auto me = session.Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me)) << Describe(me);
    EXPECT_EQ(Str(DataOf(me).at("username")), username);
    ASSERT_TRUE(IsSuccess(session.Get("/api/user/" + id)));

    auto out = session.Send("POST", "/user/auth/logout", "");
    ASSERT_EQ(out.status, 200) << Describe(out);
    EXPECT_TRUE(IsError(session.Get("/api/user/" + id), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(session.Get("/user/auth/me"), 401, "unauthenticated"));
}

// Requests with the token run on several connections while the admin changes the password: every
// request sent after the PATCH answered is refused, with no grace period.
TEST_F(SessionRevocationTest, PasswordChangeIsRefusedOnTheNextRequestWhileTheTokenIsInUse) {
    const std::string username = UniqueId("pwrace");
    const std::string id = CreateUser(username, "race-password-1");
    const std::string token = LoginToken(port(), username, "race-password-1");
    ASSERT_FALSE(token.empty());

    std::atomic<bool> changing{false};  // the PATCH has been sent
    std::atomic<bool> changed{false};   // the PATCH has answered
    std::atomic<int> served_before{0};
    std::atomic<int> served_after{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
        clients.emplace_back([&] {
            Api session(port(), token);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (std::chrono::steady_clock::now() < deadline) {
                const bool after = changed.load(std::memory_order_acquire);
                const bool during = changing.load(std::memory_order_acquire);
                auto response = session.Get("/api/user/" + id);
                if (response.status == 200) {
                    ++(after ? served_after : served_before);
                } else if (response.status == 401) {
                    if (!during && !changing.load(std::memory_order_acquire)) {
                        ++unexpected;  // refused before the change was even sent
                    }
                    return;
                } else {
                    ++unexpected;
                    return;
                }
            }
            ++unexpected;  // never refused
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (served_before.load() < 20 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    changing.store(true, std::memory_order_release);
    auto patched = Admin().Patch("/api/user/" + id, json::object{{"password", "race-password-2"}});
    changed.store(true, std::memory_order_release);
    for (auto& client : clients) {
        client.join();
    }
    ASSERT_TRUE(IsSuccess(patched)) << Describe(patched);
    EXPECT_GE(served_before.load(), 20) << "the token was not in use when the password changed";
    EXPECT_EQ(served_after.load(), 0) << "a request sent after the change was served";
    EXPECT_EQ(unexpected.load(), 0);
    EXPECT_TRUE(IsError(Api(port(), token).Get("/user/auth/me"), 401, "unauthenticated"));
}

TEST_F(SessionRevocationTest, PasswordResetByAnotherProcessIsRefusedOnTheVeryNextRequest) {
    const std::string username = UniqueId("clireset");
    const std::string id = CreateUser(username, "cli-password-1");
    Api session(port(), LoginToken(port(), username, "cli-password-1"));
    Api other(port(), LoginToken(port(), username, "cli-password-1"));
    // Both sessions have been looked up (and would be cached, if anything cached them).
    ASSERT_TRUE(IsSuccess(session.Get("/user/auth/me")));
    ASSERT_TRUE(IsSuccess(session.Get("/api/user/" + id)));
    ASSERT_TRUE(IsSuccess(other.Get("/api/user/" + id)));

    auto reset = ResetPasswordFromTheCli(username, "cli-password-2");
    ASSERT_EQ(reset.exit_code, 0) << reset.out << reset.err;
    EXPECT_NE(reset.out.find("updated user " + username), std::string::npos) << reset.out;

    EXPECT_TRUE(IsError(session.Get("/api/user/" + id), 401, "unauthenticated"));
    EXPECT_TRUE(IsError(other.Get("/user/auth/me"), 401, "unauthenticated"));
    EXPECT_TRUE(IsListEnvelope(Admin().Get("/api/event?pageSize=1"))) << "other users unaffected";
    // The new password works, on this server, for a session of its own.
    Api renewed(port(), LoginToken(port(), username, "cli-password-2"));
    auto me = renewed.Get("/user/auth/me");
    ASSERT_TRUE(IsSuccess(me)) << Describe(me);
    EXPECT_EQ(Str(DataOf(me).at("id")), id);
}

}  // namespace
}  // namespace ea::integration
