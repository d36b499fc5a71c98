// MCP over stdio benchmark (not a test): drives a real `events-api mcp` process through its pipes,
// as a desktop assistant does, and prints
//   - cold start: process start to the first `tools/list` answer (median of COLD_RUNS starts);
//   - `tools/list` size in bytes and approximate tokens (bytes / 4);
//   - per tool call (`get_user`, a filtered sorted `list_events` page): calls/s, p50 and p99 with
//     one call in flight (a client waiting for each answer) and calls/s with 64 in flight
//     (pipelined on the one pipe), and the server's CPU time per call (user + system from
//     /proc/PID/stat, so load from other processes hardly moves it);
//   - the server's RSS after 10,000 calls, and the size of one list_events answer.
// Requests use revision 2026-07-28 (per-request _meta, no initialize), the path a stateless
// client takes. Results are recorded in docs/performance.md.
//
// Usage: mcp_stdio_bench BINARY CALLS [COLD_RUNS=20]
// Environment: EVENTS_API_DB / EVENTS_API_SCHEMA name the seeded database and schema;
// MCP_TOKEN, or MCP_USER / MCP_PASSWORD, the user the server runs as (as for `events-api mcp`
// itself; a token starts it without argon2id, see docs/performance.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kMeta = R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                              R"("io.modelcontextprotocol/clientCapabilities":{}})";

std::string Request(int id, const std::string& method, const std::string& params_body) {
    std::string params = params_body.empty() ? std::string("{") + kMeta + "}"
                                             : "{" + params_body + "," + kMeta + "}";
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method +
           R"(","params":)" + params + "}\n";
}

std::string ToolCall(int id, const std::string& name, const std::string& arguments) {
    return Request(id, "tools/call", R"("name":")" + name + R"(","arguments":)" + arguments);
}

// One `events-api mcp` child with its stdin and stdout.
class Server {
public:
    explicit Server(const std::string& binary) {
        int in[2];
        int out[2];
        if (pipe(in) != 0 || pipe(out) != 0) {
            throw std::runtime_error("pipe");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addclose(&actions, in[1]);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        std::vector<char*> argv{const_cast<char*>(binary.c_str()), const_cast<char*>("mcp"),
                                nullptr};
        started_ = Clock::now();
        if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + binary);
        }
        posix_spawn_file_actions_destroy(&actions);
        close(in[0]);
        close(out[1]);
        to_ = in[1];
        from_ = out[0];
    }
    ~Server() {
        close(to_);
        close(from_);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void Send(const std::string& text) {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = write(to_, text.data() + done, text.size() - done);
            if (n <= 0) {
                throw std::runtime_error("the server closed its stdin");
            }
            done += static_cast<std::size_t>(n);
        }
    }

    // The next line the server writes (without the newline).
    std::string ReadLine() {
        for (;;) {
            if (const auto end = buffer_.find('\n', scanned_); end != std::string::npos) {
                std::string line = buffer_.substr(0, end);
                buffer_.erase(0, end + 1);
                scanned_ = 0;
                return line;
            }
            scanned_ = buffer_.size();
            char chunk[65536];
            const ssize_t n = read(from_, chunk, sizeof chunk);
            if (n <= 0) {
                throw std::runtime_error("the server closed its stdout");
            }
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

    // A response, checked: a result, and not a tool error.
    std::string ReadResult() {
        std::string line = ReadLine();
        if (line.find("\"result\"") == std::string::npos ||
            line.find("\"isError\":true") != std::string::npos) {
            throw std::runtime_error("unexpected answer: " + line.substr(0, 300));
        }
        return line;
    }

    double CpuSeconds() const {
        std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), {});
        std::istringstream fields(text.substr(text.rfind(')') + 2));
        std::string field;
        long utime = 0;
        long stime = 0;
        for (int i = 3; i <= 15 && fields >> field; ++i) {
            if (i == 14)
                utime = std::stol(field);
            if (i == 15)
                stime = std::stol(field);
        }
        return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }

    long RssKb() const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind("VmRSS:", 0) == 0) {
                return std::stol(line.substr(6));
            }
        }
        return -1;
    }

    Clock::time_point started() const { return started_; }

private:
    pid_t pid_ = -1;
    int to_ = -1;
    int from_ = -1;
    std::string buffer_;
    std::size_t scanned_ = 0;
    Clock::time_point started_;
};

double Percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(at, values.size() - 1)];
}

void Calls(Server& server, const char* label, const std::string& name, const std::string& args,
           int calls) {
    std::vector<double> latencies_ms;
    latencies_ms.reserve(static_cast<std::size_t>(calls));
    double cpu_before = server.CpuSeconds();
    auto start = Clock::now();
    for (int i = 0; i < calls; ++i) {
        const auto t0 = Clock::now();
        server.Send(ToolCall(1000 + i, name, args));
        server.ReadResult();
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    double cpu_us = (server.CpuSeconds() - cpu_before) * 1e6 / calls;
    std::printf(
        "%-12s 1 in flight: %8.0f calls/s  p50 %6.3f ms  p99 %6.3f ms  server CPU %6.1f us/call\n",
        label, calls / seconds, Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99),
        cpu_us);

    constexpr int kInFlight = 64;
    cpu_before = server.CpuSeconds();
    start = Clock::now();
    int sent = 0;
    int received = 0;
    for (; sent < std::min(kInFlight, calls); ++sent) {
        server.Send(ToolCall(100000 + sent, name, args));
    }
    while (received < calls) {
        server.ReadResult();
        ++received;
        if (sent < calls) {
            server.Send(ToolCall(100000 + sent, name, args));
            ++sent;
        }
    }
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
    cpu_us = (server.CpuSeconds() - cpu_before) * 1e6 / calls;
    std::printf(
        "%-12s %d in flight: %7.0f calls/s                           server CPU %6.1f us/call\n",
        label, kInFlight, calls / seconds, cpu_us);
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: mcp_stdio_bench BINARY CALLS [COLD_RUNS=20]\n";
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const std::string binary = argv[1];
    const int calls = std::max(100, std::atoi(argv[2]));
    const int cold_runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 20;

    std::vector<double> cold_ms;
    std::size_t tools_bytes = 0;
    for (int i = 0; i < cold_runs; ++i) {
        Server server(binary);
        server.Send(Request(1, "tools/list", ""));
        const std::string answer = server.ReadResult();
        cold_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - server.started()).count());
        tools_bytes = answer.size();
    }
    std::printf("cold start (spawn to first tools/list answer), median of %d: %.1f ms (p90 %.1f)\n",
                cold_runs, Percentile(cold_ms, 0.5), Percentile(cold_ms, 0.9));
    std::printf("tools/list answer: %zu bytes, ~%zu tokens (bytes / 4)\n", tools_bytes,
                tools_bytes / 4);

    Server server(binary);
    const std::string list_args =
        R"({"filter":{"cost":{"$lt":20},"numOfExpectedAttendees":{"$gte":500}},)"
        R"("sort":[{"field":"dateTime","direction":"desc"}],"page":3,"pageSize":25})";
    server.Send(ToolCall(1, "list_events", list_args));
    const std::string page = server.ReadResult();
    std::printf("list_events page of 25: %zu bytes, ~%zu tokens (bytes / 4)\n", page.size(),
                page.size() / 4);
    Calls(server, "get_user", "get_user", R"({"id":"usr_demo_1"})", calls);
    Calls(server, "list_events", "list_events", list_args, calls);

    const int total = 10'000;
    for (int i = 0; i < total; ++i) {
        server.Send(ToolCall(500000 + i, "get_user", R"({"id":"usr_demo_1"})"));
        server.ReadResult();
    }
    std::printf("server RSS after %d more get_user calls: %ld kB\n", total, server.RssKb());
    return 0;
} catch (const std::exception& error) {
    std::cerr << "mcp_stdio_bench: " << error.what() << "\n";
    return 1;
}
