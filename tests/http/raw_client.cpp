#include "http/raw_client.hpp"

#include <cerrno>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http_types.hpp"

namespace ea::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

int MillisUntil(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string RawResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) {
            return value;
        }
    }
    return {};
}

bool RawResponse::HasHeader(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) {
            return true;
        }
    }
    return false;
}

RawConnection::RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) {
        return;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool RawConnection::Send(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void RawConnection::ShutdownWrite() {
    ::shutdown(fd_, SHUT_WR);
}

bool RawConnection::Fill(Clock::time_point deadline) {
    if (eof_) {
        return false;
    }
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, MillisUntil(deadline)) <= 0) {
        return false;
    }
    char chunk[65536];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::optional<RawResponse> RawConnection::Read(std::chrono::milliseconds timeout,
                                               bool head_request) {
    const auto deadline = Clock::now() + timeout;
    std::size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!Fill(deadline)) {
            return std::nullopt;
        }
    }
    RawResponse response;
    response.raw_head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);

    std::string_view head = response.raw_head;
    const auto first_line_end = head.find("\r\n");
    const std::string_view status_line = head.substr(0, first_line_end);
    if (status_line.size() < 12) {
        return std::nullopt;
    }
    response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    head.remove_prefix(first_line_end + 2);
    while (!head.empty()) {
        const auto line_end = head.find("\r\n");
        const std::string_view line = head.substr(0, line_end);
        const auto colon = line.find(':');
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        head.remove_prefix(line_end + 2);
    }
    if (head_request || response.status == 204 || response.status == 304 || response.status < 200) {
        return response;
    }
    if (response.HasHeader("Content-Length")) {
        const auto length = static_cast<std::size_t>(std::stoul(response.Header("Content-Length")));
        while (buffer_.size() < length) {
            if (!Fill(deadline)) {
                return std::nullopt;
            }
        }
        response.body = buffer_.substr(0, length);
        buffer_.erase(0, length);
        return response;
    }
    if (EqualsIgnoreCase(response.Header("Transfer-Encoding"), "chunked")) {
        while (true) {
            std::size_t line_end = 0;
            while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
                if (!Fill(deadline)) {
                    return std::nullopt;
                }
            }
            const auto size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
            while (buffer_.size() < line_end + 2 + size + 2) {
                if (!Fill(deadline)) {
                    return std::nullopt;
                }
            }
            response.body += buffer_.substr(line_end + 2, size);
            buffer_.erase(0, line_end + 2 + size + 2);
            if (size == 0) {
                return response;
            }
        }
    }
    while (Fill(deadline)) {
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
}

bool RawConnection::WaitForClose(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!eof_) {
        if (Clock::now() >= deadline) {
            return false;
        }
        buffer_.clear();
        Fill(deadline);
    }
    return true;
}

std::optional<std::string> RawConnection::ReadUntil(std::string_view needle,
                                                    std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (buffer_.find(needle) == std::string::npos) {
        if (!Fill(deadline)) {
            return std::nullopt;
        }
    }
    return buffer_;
}

std::optional<RawResponse> RoundTrip(std::uint16_t port, std::string_view request) {
    RawConnection connection(port);
    if (!connection.connected() || !connection.Send(request)) {
        return std::nullopt;
    }
    return connection.Read();
}

}  // namespace ea::http::testing
