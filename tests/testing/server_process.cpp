#include "testing/server_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing/text_file.hpp"

extern char** environ;

namespace ea::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The child's environment: ours without any EVENTS_API_* setting (so a developer's shell cannot
// change what a test sees), plus `extra`.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        if (text.starts_with("EVENTS_API_")) {
            continue;
        }
        env.emplace_back(text);
    }
    for (const auto& [key, value] : extra) {
        env.push_back(key + "=" + value);
    }
    return env;
}

// fork + exec with stdout and stderr redirected to files; -1 when fork fails.
pid_t Spawn(const std::filesystem::path& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& extra_env,
            const std::filesystem::path& out_path, const std::filesystem::path& err_path) {
    // Everything the child needs is built before fork: only async-signal-safe calls after it.
    std::vector<std::string> argv_text;
    argv_text.push_back(binary.string());
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    auto env_text = ChildEnvironment(extra_env);
    std::vector<char*> envp;
    for (auto& entry : env_text) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    const std::string out = out_path.string();
    const std::string err = err_path.string();

    const pid_t pid = ::fork();
    if (pid != 0) {
        return pid;
    }
    // If the test binary dies without running destructors, its servers stop too.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
        ::_exit(126);
    }
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
}

// Waits for `pid` until `deadline`: its wait status, or nullopt when it is still running.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline) {
    while (true) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            return status;
        }
        if (done < 0) {
            return -1;
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

int ExitCodeOf(int wait_status) {
    return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

}  // namespace

CommandResult RunCommand(const std::filesystem::path& binary, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout) {
    TempDir dir;
    CommandResult result;
    const pid_t pid = Spawn(binary, args, env, dir / "stdout", dir / "stderr");
    if (pid < 0) {
        result.err = std::string("fork failed: ") + std::strerror(errno);
        return result;
    }
    auto status = WaitUntil(pid, Clock::now() + timeout);
    if (!status) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    } else {
        result.exit_code = ExitCodeOf(*status);
    }
    result.out = ReadTextFile(dir / "stdout");
    result.err = ReadTextFile(dir / "stderr");
    return result;
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const ServerOptions& options,
                                                    std::string* error) {
    std::unique_ptr<ServerProcess> server(new ServerProcess());
    server->db_url_ = options.db_url;
    if (options.db_url.empty()) {
        server->db_path_ = server->dir_ / "events.db";
    }
    server->stdout_path_ = server->dir_ / "serve.stdout";
    server->stderr_path_ = server->dir_ / "serve.stderr";
    const std::vector<std::string> common = {
        "--schema", options.schema.string(), "--db",
        options.db_url.empty() ? server->db_url() : options.db_url};

    auto env = options.env;
    const bool sessions_named = env.contains("EVENTS_API_SESSIONS") ||
                                std::find(options.extra_args.begin(), options.extra_args.end(),
                                          "--sessions") != options.extra_args.end();
    if (!options.db_url.empty() && !sessions_named) {
        server->sessions_url_ = "sqlite://" + (server->dir_ / "sessions.db").string();
        env.emplace("EVENTS_API_SESSIONS", server->sessions_url_);
    } else if (auto named = env.find("EVENTS_API_SESSIONS"); named != env.end()) {
        server->sessions_url_ = named->second;
    }
    if (!options.db_url.empty()) {
        env.emplace("EVENTS_API_AUDIT_FILE", server->audit_file().string());
    }

    if (!options.db_url.empty()) {
        // prepared by the caller
    } else if (options.template_db) {
        std::error_code ec;
        std::filesystem::copy_file(*options.template_db, server->db_path_, ec);
        if (ec) {
            *error = "copying " + options.template_db->string() + ": " + ec.message();
            return nullptr;
        }
    } else if (options.seed_demo) {
        auto args = common;
        args.push_back("seed-demo");
        auto seeded = RunCommand(options.binary, args);
        if (seeded.exit_code != 0) {
            *error = "seed-demo failed (" + std::to_string(seeded.exit_code) + "): " + seeded.err;
            return nullptr;
        }
    }

    auto args = common;
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    args.push_back("serve");
    if (!options.admin_password.empty()) {
        env.emplace("EVENTS_API_ADMIN_PASSWORD", options.admin_password);
    }
    server->pid_ = Spawn(options.binary, args, env, server->stdout_path_, server->stderr_path_);
    if (server->pid_ < 0) {
        *error = std::string("fork failed: ") + std::strerror(errno);
        return nullptr;
    }

    // The port is announced on stderr once the listener is bound.
    static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
    const auto deadline = Clock::now() + options.start_timeout;
    while (Clock::now() < deadline) {
        std::smatch match;
        const std::string err = server->StderrText();
        if (std::regex_search(err, match, kListening)) {
            server->port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
            return server;
        }
        int status = 0;
        if (::waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
            server->pid_ = -1;
            *error = "serve exited (" + std::to_string(ExitCodeOf(status)) +
                     ") before listening: " + err;
            return nullptr;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    *error = "serve did not report its port within the timeout; stderr: " + server->StderrText();
    return nullptr;  // the destructor kills it
}

int ServerProcess::Terminate(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) {
        return -1;
    }
    ::kill(pid_, SIGTERM);
    auto status = WaitUntil(pid_, Clock::now() + timeout);
    int code = -1;
    if (!status) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    } else {
        code = ExitCodeOf(*status);
    }
    pid_ = -1;
    return code;
}

ServerProcess::~ServerProcess() {
    Terminate();
}

std::string ServerProcess::StdoutText() const {
    return ReadTextFile(stdout_path_);
}
std::string ServerProcess::StderrText() const {
    return ReadTextFile(stderr_path_);
}

}  // namespace ea::testing
