#include "integration/stdio_child.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ea::integration {

StdioChild::StdioChild(const std::string& binary, const std::map<std::string, std::string>& env) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
        return;
    }
    std::vector<std::string> entries;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto name = entry.substr(0, entry.find('='));
        if (!env.contains(std::string(name)) && !name.starts_with("MCP_") &&
            !name.starts_with("EVENTS_API_")) {
            entries.emplace_back(entry);
        }
    }
    for (const auto& [name, value] : env) {
        entries.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& entry : entries) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::string path = binary;
    std::string command = "mcp";
    char* argv[] = {path.data(), command.data(), nullptr};
    pid_ = fork();
    if (pid_ == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        execve(path.c_str(), argv, envp.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_ = in[1];
    out_ = out[0];
    err_fd_ = err[0];
    signal(SIGPIPE, SIG_IGN);  // a child that exited must not kill the test binary
}

StdioChild::~StdioChild() {
    if (pid_ > 0 && !exit_code_) {
        if (CloseAndWait(std::chrono::seconds(10)) == -1 && !exit_code_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    for (int fd : {in_, out_, err_fd_}) {
        if (fd >= 0) {
            close(fd);
        }
    }
}

bool StdioChild::Send(std::string_view line) {
    std::string data(line);
    data += '\n';
    std::string_view rest = data;
    while (!rest.empty()) {
        const ssize_t n = write(in_, rest.data(), rest.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool StdioChild::Pump(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (out_ < 0 && err_fd_ < 0) {
        return false;
    }
    const int ready = poll(fds, 2, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (ready <= 0) {
        return true;
    }
    char buffer[65536];
    for (int i = 0; i < 2; ++i) {
        if (fds[i].revents == 0) {
            continue;
        }
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
            close(fds[i].fd);
            (i == 0 ? out_ : err_fd_) = -1;
            continue;
        }
        if (i == 1) {
            err_.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        out_buffer_.append(buffer, static_cast<std::size_t>(n));
        for (auto newline = out_buffer_.find('\n'); newline != std::string::npos;
             newline = out_buffer_.find('\n')) {
            lines_.push_back(out_buffer_.substr(0, newline));
            out_buffer_.erase(0, newline + 1);
        }
    }
    return true;
}

std::optional<std::string> StdioChild::ReadLineWith(std::string_view needle,
                                                    std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        while (consumed_ < lines_.size()) {
            const std::string& line = lines_[consumed_++];
            if (line.find(needle) != std::string::npos) {
                return line;
            }
        }
        if (std::chrono::steady_clock::now() >= deadline || out_ < 0) {
            return std::nullopt;
        }
        Pump(deadline);
    }
}

bool StdioChild::WaitForStderr(std::string_view needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (err_.find(needle) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline || !Pump(deadline)) {
            return err_.find(needle) != std::string::npos;
        }
    }
    return true;
}

bool StdioChild::Signal(int signal_number) const {
    return pid_ > 0 && kill(pid_, signal_number) == 0;
}

int StdioChild::CloseAndWait(std::chrono::milliseconds timeout) {
    if (exit_code_) {
        return *exit_code_;
    }
    if (in_ >= 0) {
        close(in_);
        in_ = -1;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            while (Pump(std::chrono::steady_clock::now())) {
                if (out_ < 0 && err_fd_ < 0) {
                    break;
                }
                if (out_ >= 0 || err_fd_ >= 0) {
                    // drain what is left without waiting
                    pollfd fds[2] = {{out_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
                    if (poll(fds, 2, 0) <= 0) {
                        break;
                    }
                }
            }
            return *exit_code_;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return -1;
        }
        Pump(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)));
    }
}

}  // namespace ea::integration
