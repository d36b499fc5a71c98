#include "testing/postgres_server.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/text_file.hpp"

namespace ea::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
constexpr auto kStartDeadline = std::chrono::seconds(30);

int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
}

// "runuser -u postgres -- " when we are root (PostgreSQL refuses to run as root), else "".
std::string AsServerUser() {
    return geteuid() == 0 ? "runuser -u postgres -- " : "";
}

std::mutex& SharedMutex() {
    static std::mutex mutex;
    return mutex;
}

// A child process that stops the server and removes its files when this process dies, however
// it dies (a crash or an abort skips the destructor): it waits for the parent-death signal,
// then runs `cleanup`. Everything after fork() is async-signal-safe.
void StartWatchdog(const std::string& cleanup) {
    const pid_t parent = getpid();
    const pid_t child = fork();
    if (child != 0) {
        return;  // the parent (or fork failed: no watchdog, the destructor still stops it)
    }
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGTERM);
    sigprocmask(SIG_BLOCK, &wanted, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == parent) {
        int signal_number = 0;
        sigwait(&wanted, &signal_number);
    }
    execl("/bin/sh", "sh", "-c", cleanup.c_str(), static_cast<char*>(nullptr));
    _exit(0);
}

}  // namespace

PostgresServer* PostgresServer::Shared() {
    static std::unique_ptr<PostgresServer> server;
    static std::string failure;
    std::lock_guard lock(SharedMutex());
    if (!server && failure.empty()) {
        std::unique_ptr<PostgresServer> started(new PostgresServer());
        failure = started->Start();
        if (failure.empty()) {
            server = std::move(started);
        }
    }
    if (!server) {
        ADD_FAILURE() << "cannot start a PostgreSQL server for the test: " << failure;
        return nullptr;
    }
    return server.get();
}

std::string PostgresServer::Start() {
    if (!std::filesystem::exists(std::string(kBinDir) + "/initdb")) {
        return std::string(kBinDir) +
               "/initdb is missing: install PostgreSQL 15 (scripts/install-deps.sh installs the "
               "test package postgresql)";
    }
    dir_ = std::make_unique<TempDir>();
    const auto data = *dir_ / "data";
    const auto password_file = *dir_ / "pw";
    std::ofstream(password_file) << kPassword << "\n";
    if (geteuid() == 0) {
        const passwd* user = getpwnam("postgres");
        if (user == nullptr) {
            return "no postgres user to run the server as";
        }
        for (const auto& path : {dir_->path(), password_file}) {
            if (chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
                return "cannot chown " + path.string() + " to postgres";
            }
        }
    }
    const std::string log = (*dir_ / "initdb.log").string();
    const std::string initdb = AsServerUser() + kBinDir + "/initdb -D " + data.string() +
                               " -U postgres -A scram-sha-256 --pwfile=" + password_file.string() +
                               " -E UTF8 --locale=C.UTF-8 -N > " + log + " 2>&1";
    if (std::system(initdb.c_str()) != 0) {
        return "initdb failed: " + ReadTextFile(log);
    }
    for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
        if (!Launch(FreePort())) {
            continue;  // the port may have been taken in between: try another
        }
        // pg_ctl -w waited for the server; confirm it answers on our port before the deadline.
        const std::string ping = Url("postgres", "postgres", kPassword);
        const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
        while (PQping(ping.c_str()) != PQPING_OK) {
            if (std::chrono::steady_clock::now() > deadline) {
                return "the server did not answer within " +
                       std::to_string(kStartDeadline.count()) +
                       " s: " + ReadTextFile(*dir_ / "server.log");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        running_ = true;
        StartWatchdog(AsServerUser() + kBinDir + "/pg_ctl -D " + data.string() +
                      " -m immediate -w stop > /dev/null 2>&1; rm -rf " + dir_->path().string());
    }
    if (!running_) {
        return "pg_ctl start failed: " + ReadTextFile(*dir_ / "server.log");
    }
    return {};
}

bool PostgresServer::Launch(int port) {
    port_ = port;
    const std::string server_log = (*dir_ / "server.log").string();
    const std::string options = "-p " + std::to_string(port_) + " -k " + dir_->path().string() +
                                " -c listen_addresses=127.0.0.1 -c fsync=off "
                                "-c synchronous_commit=off -c full_page_writes=off "
                                "-c max_connections=200";
    const std::string start = AsServerUser() + kBinDir + "/pg_ctl -D " + (*dir_ / "data").string() +
                              " -l " + server_log + " -w -t " +
                              std::to_string(kStartDeadline.count()) + " -o \"" + options +
                              "\" start > /dev/null 2>&1";
    return std::system(start.c_str()) == 0;
}

std::unique_ptr<PostgresServer> PostgresServer::StartOwn(std::string* error) {
    std::unique_ptr<PostgresServer> server(new PostgresServer());
    *error = server->Start();
    if (!error->empty()) {
        return nullptr;
    }
    return server;
}

void PostgresServer::StopServer() {
    const std::string stop = AsServerUser() + kBinDir + "/pg_ctl -D " + (*dir_ / "data").string() +
                             " -m fast -w stop > /dev/null 2>&1";
    (void)std::system(stop.c_str());
}

std::string PostgresServer::StartAgain() {
    if (!Launch(port_)) {
        return "pg_ctl start on port " + std::to_string(port_) +
               " failed: " + ReadTextFile(*dir_ / "server.log");
    }
    return {};
}

void PostgresServer::Stop() {
    if (!running_) {
        return;
    }
    const std::string stop = AsServerUser() + kBinDir + "/pg_ctl -D " + (*dir_ / "data").string() +
                             " -m immediate -w stop > /dev/null 2>&1";
    (void)std::system(stop.c_str());
    running_ = false;
}

PostgresServer::~PostgresServer() {
    Stop();
}

std::string PostgresServer::Url(const std::string& name, const std::string& user,
                                const std::string& password) const {
    return "postgresql://" + user + ":" + password + "@127.0.0.1:" + std::to_string(port_) + "/" +
           name;
}

std::string PostgresServer::Execute(const std::string& name, const std::string& sql) const {
    PGconn* conn = PQconnectdb(Url(name, "postgres", kPassword).c_str());
    std::string error;
    if (PQstatus(conn) != CONNECTION_OK) {
        error = PQerrorMessage(conn);
    } else {
        PGresult* result = PQexec(conn, sql.c_str());
        const auto status = PQresultStatus(result);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            error = PQresultErrorMessage(result);
        }
        PQclear(result);
    }
    PQfinish(conn);
    return error;
}

std::string PostgresServer::Value(const std::string& name, const std::string& sql) const {
    PGconn* conn = PQconnectdb(Url(name, "postgres", kPassword).c_str());
    std::string out;
    if (PQstatus(conn) == CONNECTION_OK) {
        PGresult* result = PQexec(conn, sql.c_str());
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0) {
            out = PQgetvalue(result, 0, 0);
        }
        PQclear(result);
    }
    PQfinish(conn);
    return out;
}

std::string PostgresServer::Database(const std::string& key) {
    std::lock_guard lock(SharedMutex());
    auto found = databases_.find(key);
    if (found == databases_.end()) {
        const std::string name = "test_" + std::to_string(++next_database_);
        if (auto error = Execute("postgres", "CREATE DATABASE " + name); !error.empty()) {
            ADD_FAILURE() << "CREATE DATABASE " << name << ": " << error;
        }
        found = databases_.emplace(key, name).first;
    }
    return Url(found->second, "postgres", kPassword);
}

}  // namespace ea::testing
