// A real PostgreSQL 15 server for tests: initdb into a temp dir (as the postgres user when run as
// root: PostgreSQL refuses to run as root), started by pg_ctl on a free loopback port with
// password authentication, waited for with a deadline, stopped when the process ends. One
// server per test process (Shared()); each test gets its own database (Database()), so tests
// stay independent and ctest -j runs them in parallel.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "testing/temp_dir.hpp"

namespace ea::testing {

class PostgresServer {
public:
    // The process's server, started on first use. Fails the calling test (ADD_FAILURE) and
    // returns nullptr when PostgreSQL cannot be started (e.g. the binaries are missing: install
    // them with scripts/install-deps.sh's test packages).
    static PostgresServer* Shared();

    // A server of the caller's own (for tests that stop and restart it: fault tests), started
    // the same way; nullptr with *error set when it cannot start.
    static std::unique_ptr<PostgresServer> StartOwn(std::string* error);

    ~PostgresServer();

    // Stops the server (pg_ctl -m fast: sessions are ended, as on a restart) and waits for it.
    void StopServer();
    // Starts it again on the same port and data after StopServer: "" or what went wrong.
    std::string StartAgain();

    // The URL of a database named after `key` (created on first request, empty).
    std::string Database(const std::string& key);
    // The URL of database `name` as `user`:`password` (no creation).
    std::string Url(const std::string& name, const std::string& user,
                    const std::string& password) const;

    // Runs `sql` as the superuser on database `name`; returns "" or the error message.
    std::string Execute(const std::string& name, const std::string& sql) const;
    // The first column of the first row `sql` returns on database `name` ("" when none).
    std::string Value(const std::string& name, const std::string& sql) const;

    int port() const { return port_; }
    static constexpr const char* kPassword = "pg-test-secret";

private:
    PostgresServer() = default;
    std::string Start();    // "" or what went wrong
    bool Launch(int port);  // pg_ctl start on `port`; whether it started
    void Stop();

    std::unique_ptr<TempDir> dir_;
    int port_ = 0;
    bool running_ = false;
    std::map<std::string, std::string> databases_;  // key -> name
    int next_database_ = 0;
};

}  // namespace ea::testing
