#include "testing/redis_server.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ea::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr int kPortAttempts = 5;

std::string FindRedisServer() {
    if (const char* configured = std::getenv("EA_REDIS_SERVER"); configured != nullptr) {
        return configured;
    }
    if (::access("/usr/bin/redis-server", X_OK) == 0) {
        return "/usr/bin/redis-server";
    }
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string_view rest = path;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const auto candidate =
                std::filesystem::path(std::string(rest.substr(0, colon))) / "redis-server";
            if (::access(candidate.c_str(), X_OK) == 0) {
                return candidate.string();
            }
            rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
        }
    }
    return {};
}

// A port the kernel just handed out on 127.0.0.1; free unless someone grabs it in between
// (Start retries with another port if redis-server cannot bind).
int FreeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
}

std::string ReplyText(const redisReply* reply) {
    switch (reply->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
        case REDIS_REPLY_ERROR:
            return std::string(reply->str, reply->len);
        case REDIS_REPLY_INTEGER:
            return std::to_string(reply->integer);
        case REDIS_REPLY_NIL:
            return "(nil)";
        case REDIS_REPLY_ARRAY: {
            std::string joined;
            for (std::size_t i = 0; i < reply->elements; ++i) {
                joined += (i == 0 ? "" : ",") + ReplyText(reply->element[i]);
            }
            return joined;
        }
        default:
            return "(unknown reply)";
    }
}

std::string RunCommand(int port, const std::string& password,
                       const std::vector<std::string>& args) {
    redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeval{0, 200'000});
    if (context == nullptr || context->err != 0) {
        std::string reason = context != nullptr ? context->errstr : "cannot allocate";
        redisFree(context);
        return "(connect failed: " + reason + ")";
    }
    auto run = [&](const std::vector<std::string>& command) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const auto& arg : command) {
            argv.push_back(arg.data());
            lengths.push_back(arg.size());
        }
        auto* reply = static_cast<redisReply*>(
            redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
        if (reply == nullptr) {
            return std::string("(io error: ") + context->errstr + ")";
        }
        std::string text = ReplyText(reply);
        freeReplyObject(reply);
        return text;
    };
    if (!password.empty()) {
        run({"AUTH", password});
    }
    std::string text = run(args);
    redisFree(context);
    return text;
}

}  // namespace

Result<std::unique_ptr<RedisServer>> RedisServer::Start(std::vector<std::string> extra_args) {
    std::unique_ptr<RedisServer> server(new RedisServer());
    server->binary_ = FindRedisServer();
    if (const char* configured = std::getenv("EA_REDIS_SERVER");
        configured != nullptr && ::access(configured, X_OK) != 0) {
        return Unavailable(std::string("EA_REDIS_SERVER=") + configured +
                           " is not an executable redis-server");
    }
    if (server->binary_.empty()) {
        return Unavailable(
            "redis-server is not installed: the redis tests need it (Debian: apt-get install "
            "redis-server), or set EA_REDIS_SERVER to its path");
    }
    for (std::size_t i = 0; i + 1 < extra_args.size(); ++i) {
        if (extra_args[i] == "--requirepass") {
            server->password_ = extra_args[i + 1];
        }
    }
    server->extra_args_ = std::move(extra_args);
    Status launched = Ok();
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        server->port_ = FreeLoopbackPort();
        launched = server->Launch();
        if (launched) {
            return server;
        }
    }
    return launched.error();
}

Status RedisServer::Launch() {
    const std::string log_file = (dir_ / "redis.log").string();
    std::vector<std::string> args = {
        binary_,  "--port", std::to_string(port_), "--bind",    "127.0.0.1",
        "--save", "",       "--appendonly",        "no",        "--daemonize",
        "no",     "--dir",  dir_.path().string(),  "--logfile", log_file};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) {
        return Unavailable("fork failed starting redis-server");
    }
    if (pid_ == 0) {
        // The server must not outlive a test process that dies without running destructors (a
        // sanitizer report, a signal): it would keep running, and would hold ctest's output pipe
        // open, so ctest would wait for the test until its timeout instead of reporting it.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);  // the parent died before prctl took effect
        }
        const int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);  // it logs to its log file
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }

    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int wait_status = 0;
        if (::waitpid(pid_, &wait_status, WNOHANG) == pid_) {
            pid_ = -1;
            return Unavailable("redis-server exited at startup (port " + std::to_string(port_) +
                               " taken, or bad arguments); see its log " + log_file);
        }
        const std::string pong = RunCommand(port_, password_, {"PING"});
        if (pong == "PONG") {
            return Ok();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Stop();
    return Unavailable("redis-server did not answer PING within 10 s on port " +
                       std::to_string(port_));
}

RedisServer::~RedisServer() {
    Stop();
}

std::string RedisServer::Url() const {
    return "redis://127.0.0.1:" + std::to_string(port_);
}

std::string RedisServer::AuthenticatedUrl() const {
    return password_.empty() ? Url()
                             : "redis://:" + password_ + "@127.0.0.1:" + std::to_string(port_);
}

void RedisServer::Stop() {
    if (pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGKILL);
    int wait_status = 0;
    ::waitpid(pid_, &wait_status, 0);
    pid_ = -1;
}

Status RedisServer::Restart() {
    Stop();
    return Launch();
}

std::string RedisServer::Command(const std::vector<std::string>& args) const {
    return RunCommand(port_, password_, args);
}

}  // namespace ea::testing
