#include "mcp/stdio_transport.hpp"

#include <cerrno>
#include <csignal>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace ea::mcp {
namespace {

// Blocks SIGTERM/SIGINT for the run and delivers them through a signalfd, restoring the mask on
// exit. -1 when signals are not wanted (or signalfd fails: then they keep their default action).
class SignalWatch {
public:
    SignalWatch(bool enabled, bool hangup) {
        if (!enabled) {
            return;
        }
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        if (hangup) {
            sigaddset(&set, SIGHUP);
        }
        if (pthread_sigmask(SIG_BLOCK, &set, &previous_) != 0) {
            return;
        }
        fd_ = signalfd(-1, &set, SFD_CLOEXEC);
        if (fd_ < 0) {
            pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        }
    }
    ~SignalWatch() {
        if (fd_ >= 0) {
            close(fd_);
            pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        }
    }
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;
    int fd() const { return fd_; }
    // The signal that made fd() readable (0 when none could be read).
    int Take() const {
        signalfd_siginfo info{};
        if (read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
            return 0;
        }
        return static_cast<int>(info.ssi_signo);
    }

private:
    int fd_ = -1;
    sigset_t previous_{};
};

bool WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool WriteMessages(int fd, const std::vector<std::string>& messages) {
    std::string out;
    for (const auto& message : messages) {
        out += message;
        out += '\n';
    }
    return WriteAll(fd, out);
}

}  // namespace

void BlockStopSignals(bool and_hangup) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (and_hangup) {
        sigaddset(&set, SIGHUP);
    }
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

StdioEnd RunStdio(const std::function<std::vector<std::string>(std::string_view)>& handle,
                  const std::function<std::string()>& on_oversized, std::size_t max_line_bytes,
                  const StdioOptions& options) {
    // A client that stops reading must end this loop with an error, not kill the process.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous_pipe {};
    sigaction(SIGPIPE, &ignore, &previous_pipe);
    struct RestorePipe {
        struct sigaction& saved;
        ~RestorePipe() { sigaction(SIGPIPE, &saved, nullptr); }
    } restore{previous_pipe};

    SignalWatch signals(options.stop_on_signals, static_cast<bool>(options.on_hangup));
    const bool wakes = options.wake_fd >= 0 && options.drain;
    std::string line;
    bool skipping = false;  // inside an oversized line, until its newline
    char buffer[64 * 1024];
    for (;;) {
        // Unused slots hold fd -1, which poll ignores.
        pollfd fds[3] = {{options.input_fd, POLLIN, 0},
                         {signals.fd(), POLLIN, 0},
                         {wakes ? options.wake_fd : -1, POLLIN, 0}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return StdioEnd::kInputError;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            if (signals.Take() != SIGHUP) {
                return StdioEnd::kSignal;
            }
            options.on_hangup();
        }
        if ((fds[2].revents & POLLIN) != 0) {
            if (!WriteMessages(options.output_fd, options.drain())) {
                return StdioEnd::kOutputClosed;
            }
        }
        if (fds[0].revents == 0) {
            continue;
        }
        const ssize_t n = read(options.input_fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return StdioEnd::kInputError;
        }
        const bool at_end = n == 0;
        std::string_view chunk(buffer, static_cast<std::size_t>(n));
        if (at_end && !line.empty() && !skipping) {
            chunk = "\n";  // a last line without its newline is still a message
        }
        while (!chunk.empty()) {
            const auto newline = chunk.find('\n');
            const std::string_view piece = chunk.substr(0, newline);
            if (!skipping) {
                line.append(piece);
                if (line.size() > max_line_bytes) {
                    line.clear();
                    skipping = true;
                    if (!WriteMessages(options.output_fd, {on_oversized()})) {
                        return StdioEnd::kOutputClosed;
                    }
                }
            }
            if (newline == std::string_view::npos) {
                break;
            }
            chunk.remove_prefix(newline + 1);
            if (skipping) {
                skipping = false;
                continue;
            }
            std::string_view message(line);
            if (!message.empty() && message.back() == '\r') {
                message.remove_suffix(1);
            }
            if (message.find_first_not_of(" \t") != std::string_view::npos) {
                if (!WriteMessages(options.output_fd, handle(message))) {
                    return StdioEnd::kOutputClosed;
                }
            }
            line.clear();
        }
        if (at_end) {
            return StdioEnd::kEndOfInput;
        }
    }
}

}  // namespace ea::mcp
