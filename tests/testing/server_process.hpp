// Runs the real events-api binary for integration tests: one-shot commands (seed-demo) and a
// `serve` child on a free loopback port, stopped with SIGTERM when the test is done.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "testing/temp_dir.hpp"

namespace ea::testing {

// What a finished child process left behind.
struct CommandResult {
    int exit_code = -1;  // -1 when it did not exit normally (killed by a signal, or never ran)
    std::string out;     // stdout
    std::string err;     // stderr
};

// Runs `binary args...` with `env` added to the environment and waits for it (at most `timeout`;
// after that the child is killed and exit_code is -1).
CommandResult RunCommand(const std::filesystem::path& binary, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

struct ServerOptions {
    std::filesystem::path binary;                      // the events-api executable
    std::filesystem::path schema;                      // schema.yaml
    std::optional<std::filesystem::path> template_db;  // copied as the database when set
    // A server store's URL (postgresql://..., e.g. one database several servers share), used
    // instead of the SQLite file (template_db and seed_demo then do nothing: the database is
    // prepared by the caller). Its sessions go to a
    // SQLite file in the server's directory unless `env` or `extra_args` name a place, and so
    // does its audit file.
    std::string db_url;
    bool seed_demo = true;                        // run seed-demo first (when no template is given)
    std::string admin_password = "adminpass123";  // "": serve generates and prints one
    std::map<std::string, std::string> env;       // extra environment for `serve`
    std::vector<std::string> extra_args;          // extra global flags, before `serve`
    std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
};

// A running `events-api serve` with its own temp directory and SQLite file. The destructor stops it
// (SIGTERM, then SIGKILL after a grace period) and removes the directory.
class ServerProcess {
public:
    // Prepares the database and starts the server; nullptr with *error set when it fails.
    static std::unique_ptr<ServerProcess> Start(const ServerOptions& options, std::string* error);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }
    // The SQLite file (empty on a server store).
    const std::filesystem::path& db_path() const { return db_path_; }
    std::string db_url() const {
        return db_url_.empty() ? "sqlite://" + db_path_.string() : db_url_;
    }
    // Where the sessions are when the options did not say: "" (embedded in the SQLite file) or
    // the SQLite file beside a server store. Commands run on this server's data pass it on as
    // EVENTS_API_SESSIONS.
    const std::string& sessions_url() const { return sessions_url_; }
    // The audit file when the options did not name one: beside the SQLite file, or in the
    // server's directory on a server store.
    std::filesystem::path audit_file() const {
        return db_path_.empty() ? dir_ / "audit.jsonl"
                                : std::filesystem::path(db_path_.string() + ".audit.jsonl");
    }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // Sends SIGTERM and waits up to `timeout` for the exit: the exit code, or -1 when it was
    // killed by a signal or did not stop in time (then it is SIGKILLed).
    int Terminate(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    // What the server wrote so far (stdout holds the JSON-lines request log).
    std::string StdoutText() const;
    std::string StderrText() const;

private:
    ServerProcess() = default;

    TempDir dir_;
    std::filesystem::path db_path_;
    std::string db_url_;
    std::string sessions_url_;
    std::filesystem::path stdout_path_;
    std::filesystem::path stderr_path_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace ea::testing
