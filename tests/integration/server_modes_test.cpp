// Server configurations that need a process of their own: the first-run administrator, the open
// (auth.required=false) loopback mode, and sessions kept in a real redis-server.
#include <fstream>
#include <regex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

using ea::testing::RunCommand;
using ea::testing::ServerOptions;
using ea::testing::TempDir;

// A port that was free a moment ago (redis-server cannot pick its own and report it).
int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        return 0;
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// redis-server daemonised on a loopback port with no persistence; shut down on destruction.
class Redis {
public:
    explicit Redis(std::string password) : password_(std::move(password)) {
        port_ = FreePort();
        auto started =
            RunCommand("/usr/bin/redis-server",
                       {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--daemonize", "yes", "--requirepass", password_,
                        "--dir", dir_.path().string(), "--pidfile", (dir_ / "redis.pid").string(),
                        "--logfile", (dir_ / "redis.log").string()});
        error_ = started.exit_code == 0 ? "" : "redis-server failed: " + started.err + started.out;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (error_.empty() && std::chrono::steady_clock::now() < deadline) {
            if (Cli({"PING"}) == "PONG") {
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (error_.empty()) {
            error_ = "redis-server did not answer PING on port " + std::to_string(port_);
        }
    }
    ~Redis() { Stop(); }

    void Stop() {
        if (!stopped_) {
            Cli({"SHUTDOWN", "NOSAVE"});
            stopped_ = true;
        }
    }
    // True once nothing accepts connections on the port any more (within `timeout`).
    bool WaitUntilDown(std::chrono::milliseconds timeout) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (ea::testing::HttpConnection(static_cast<std::uint16_t>(port_)).connected()) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return true;
    }
    std::string Cli(std::vector<std::string> args) const {
        args.insert(args.begin(), {"-h", "127.0.0.1", "-p", std::to_string(port_), "-a", password_,
                                   "--no-auth-warning"});
        auto result = RunCommand("/usr/bin/redis-cli", args, {}, std::chrono::seconds(10));
        std::string out = result.out;
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
            out.pop_back();
        }
        return out;
    }
    const std::string& error() const { return error_; }
    std::string Url() const {
        return "redis://:" + password_ + "@127.0.0.1:" + std::to_string(port_);
    }

private:
    TempDir dir_;
    std::string password_;
    int port_ = 0;
    bool stopped_ = false;
    std::string error_;
};

TEST(FirstRunTest, ServePrintsARandomAdminPasswordOnceAndKeepsIt) {
    auto options = DemoServerOptions();
    options.admin_password = "";  // no EVENTS_API_ADMIN_PASSWORD
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    std::smatch match;
    const std::string err = server->StderrText();
    ASSERT_TRUE(std::regex_search(err, match, std::regex(R"(password: (\S+))"))) << err;
    const std::string password = match[1].str();
    EXPECT_GE(password.size(), 16u);
    EXPECT_FALSE(LoginToken(server->port(), "admin", password).empty());
    EXPECT_EQ(server->StdoutText().find(password), std::string::npos) << "password in the log";

    // A second first run picks a different password: there is no fixed default.
    auto other = StartServer(options);
    ASSERT_TRUE(other);
    std::smatch other_match;
    const std::string other_err = other->StderrText();
    ASSERT_TRUE(std::regex_search(other_err, other_match, std::regex(R"(password: (\S+))")));
    EXPECT_NE(other_match[1].str(), password);

    // A restart on the same data neither prints nor changes it.
    EXPECT_EQ(server->Terminate(), 0);
    options.template_db = server->db_path();
    auto again = StartServer(options);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->StderrText().find("password:"), std::string::npos) << again->StderrText();
    EXPECT_FALSE(LoginToken(again->port(), "admin", password).empty());
}

TEST(OpenModeTest, AuthNotRequiredServesWithoutASessionAndSaysSoLoudly) {
    auto options = DemoServerOptions();
    options.extra_args = {"--auth-required", "false"};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    EXPECT_NE(server->StderrText().find("WARNING"), std::string::npos) << server->StderrText();
    Api anonymous(server->port(), "");
    auto list = anonymous.Get("/api/event?pageSize=2");
    EXPECT_TRUE(IsListEnvelope(list));
    EXPECT_TRUE(
        IsSuccess(anonymous.Post("/api/account", json::object{{"id", UniqueId("open")}}), 201));
    // A bad token is still refused: open mode is for no credentials, not wrong ones.
    EXPECT_TRUE(IsError(Api(server->port(), "forged").Get("/api/event"), 401, "unauthenticated"));
}

TEST(OpenModeTest, AuthNotRequiredIsRefusedOffLoopback) {
    auto options = DemoServerOptions();
    auto result = RunCommand(options.binary, {"--schema", options.schema.string(), "--db",
                                              "sqlite:///nonexistent-dir-for-test/x.db", "--listen",
                                              "0.0.0.0:0", "--auth-required", "false", "serve"});
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("loopback"), std::string::npos) << result.err;
}

TEST(RedisSessionsTest, SessionsLiveInRedisAndAnOutageIsNotA500) {
    const std::string redis_password = "redis-secret-" + UniqueId("pw");
    Redis redis(redis_password);
    ASSERT_TRUE(redis.error().empty()) << redis.error();
    auto options = DemoServerOptions();
    options.extra_args = {"--sessions", redis.Url()};
    auto server = StartServer(options);
    ASSERT_TRUE(server);
    const std::string keys_before = redis.Cli({"DBSIZE"});

    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    Api session(server->port(), token);
    EXPECT_TRUE(IsListEnvelope(session.Get("/api/event?pageSize=1")));
    EXPECT_NE(redis.Cli({"DBSIZE"}), keys_before) << "the session is not in redis";
    // Only the token's hash is stored: the token itself appears nowhere in redis.
    const std::string all = redis.Cli({"--scan"});
    EXPECT_EQ(all.find(token), std::string::npos);

    auto readyz = Api(server->port(), "").Get("/readyz");
    EXPECT_EQ(readyz.status, 200) << Describe(readyz);

    ASSERT_EQ(session.Send("POST", "/user/auth/logout", "").status, 200);
    EXPECT_TRUE(IsError(session.Get("/api/event"), 401, "unauthenticated"));

    const std::string second = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(second.empty());
    redis.Stop();
    ASSERT_TRUE(redis.WaitUntilDown(std::chrono::seconds(10))) << "redis-server did not stop";
    auto down = Api(server->port(), second).Get("/api/event?pageSize=1");
    EXPECT_TRUE(IsError(down, 503, "unavailable")) << Describe(down);
    EXPECT_EQ(down.body.find(redis_password), std::string::npos) << "a secret in the error";
    auto not_ready = Api(server->port(), "").Get("/readyz");
    EXPECT_EQ(not_ready.status, 503) << Describe(not_ready);
    EXPECT_EQ(Api(server->port(), "").Get("/healthz").status, 200);
    EXPECT_EQ(server->Terminate(), 0);
    EXPECT_EQ(server->StdoutText().find(redis_password), std::string::npos) << "secret in the log";
    EXPECT_EQ(server->StderrText().find(redis_password), std::string::npos) << "secret on stderr";
}

}  // namespace
}  // namespace ea::integration
