// RedisServer: a real redis-server process for one test, on a free loopback port, with no
// persistence. It is stopped (and its directory removed) when the object is destroyed. The one
// Redis fixture of every test binary (auth, ratelimit, integration).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "common/result.hpp"
#include "testing/temp_dir.hpp"

namespace ea::testing {

class RedisServer {
public:
    // Starts redis-server (EA_REDIS_SERVER, else /usr/bin/redis-server, else redis-server on
    // PATH) with `extra_args` (e.g. {"--requirepass", "pw"}) and waits until it answers PING.
    // kUnavailable with the reason when it is not installed or does not come up, so the
    // calling test fails saying why (it never skips).
    static Result<std::unique_ptr<RedisServer>> Start(std::vector<std::string> extra_args = {});

    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    std::string Url() const;  // "redis://127.0.0.1:PORT"
    // Url() with the --requirepass password in it ("redis://:PASSWORD@127.0.0.1:PORT").
    std::string AuthenticatedUrl() const;

    // Kills the server (SIGKILL, like a crash) and waits for it to exit.
    void Stop();
    // Starts it again on the same port (after Stop) with the same arguments.
    Status Restart();

    // Runs one command on a fresh connection (AUTH first when --requirepass was given) and
    // returns the reply as text: a string or status as is, an integer in decimal, nil as
    // "(nil)", an array as its elements joined by ",", an error as "ERR...".
    std::string Command(const std::vector<std::string>& args) const;

private:
    RedisServer() = default;
    Status Launch();

    TempDir dir_;
    std::string binary_;
    std::vector<std::string> extra_args_;
    std::string password_;  // from --requirepass, for Command()
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace ea::testing
