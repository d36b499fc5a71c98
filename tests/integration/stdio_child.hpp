// `events-api mcp` as a live child process for the integration tests: lines written to its stdin
// one at a time, its stdout read line by line with a deadline, its stderr collected, signals sent
// to it. For what a one-shot script (McpClient::Stdio) cannot show: a notification that arrives
// between two requests, a SIGHUP reload in the middle of a session.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace ea::integration {

class StdioChild {
public:
    // Starts `binary mcp` with `env` added to the environment. started() tells whether it did.
    StdioChild(const std::string& binary, const std::map<std::string, std::string>& env);
    ~StdioChild();  // closes stdin, then SIGKILLs the child if it has not exited within 10 s
    StdioChild(const StdioChild&) = delete;
    StdioChild& operator=(const StdioChild&) = delete;

    bool started() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }

    // Writes `line` and a newline to the child's stdin.
    bool Send(std::string_view line);
    // The next stdout line holding `needle`; the lines read on the way are kept in skipped().
    // Nullopt when none arrives within `timeout` or stdout ends.
    std::optional<std::string> ReadLineWith(std::string_view needle,
                                            std::chrono::milliseconds timeout);
    // Every stdout line read so far, in order.
    const std::vector<std::string>& lines() const { return lines_; }
    // Waits until stderr holds `needle` (within `timeout`).
    bool WaitForStderr(std::string_view needle, std::chrono::milliseconds timeout);
    const std::string& stderr_text() const { return err_; }
    bool Signal(int signal_number) const;
    // Closes stdin and waits for the exit: the exit code, -1 on a timeout or a signal.
    int CloseAndWait(std::chrono::milliseconds timeout);

private:
    // Reads what is available from stdout and stderr until `deadline`; false once both ended.
    bool Pump(std::chrono::steady_clock::time_point deadline);

    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_fd_ = -1;
    std::string out_buffer_;
    std::string err_;
    std::vector<std::string> lines_;
    std::size_t consumed_ = 0;  // lines_ already returned or skipped by ReadLineWith
    std::optional<int> exit_code_;
};

}  // namespace ea::integration
