#include "testing/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ea::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

int MillisUntil(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

HttpResponse Failed(std::string why) {
    HttpResponse response;
    response.error = std::move(why);
    return response;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) {
            return value;
        }
    }
    return {};
}

bool HttpResponse::HasHeader(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> HttpResponse::HeaderValues(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : headers) {
        if (EqualsIgnoreCase(key, name)) {
            values.push_back(value);
        }
    }
    return values;
}

boost::json::value HttpResponse::Json() const {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) {
        return nullptr;
    }
    return value;
}

HttpConnection::HttpConnection(std::uint16_t port) {
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

HttpConnection::~HttpConnection() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool HttpConnection::Send(std::string_view bytes) {
    if (fd_ < 0) {
        return false;
    }
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void HttpConnection::ShutdownWrite() {
    if (fd_ >= 0) {
        ::shutdown(fd_, SHUT_WR);
    }
}

bool HttpConnection::Fill(Clock::time_point deadline) {
    if (eof_ || fd_ < 0) {
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

HttpResponse HttpConnection::Read(std::chrono::milliseconds timeout, bool head_request) {
    const auto deadline = Clock::now() + timeout;
    std::size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (!Fill(deadline)) {
            return Failed(eof_ ? "connection closed before a response" : "timed out");
        }
    }
    HttpResponse response;
    response.raw_head = buffer_.substr(0, end + 2);
    const std::string_view head = response.raw_head;
    buffer_.erase(0, end + 4);

    const auto first_line_end = head.find("\r\n");
    const std::string status_line(head.substr(0, first_line_end));
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
        return Failed("bad status line: " + status_line);
    }
    response.status = std::atoi(status_line.substr(9, 3).c_str());
    std::string_view rest = head.substr(first_line_end + 2);
    while (!rest.empty()) {
        const auto line_end = rest.find("\r\n");
        const std::string_view line = rest.substr(0, line_end);
        const auto colon = line.find(':');
        std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        if (line_end == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(line_end + 2);
    }
    if (head_request || response.status == 204 || response.status == 304 || response.status < 200) {
        return response;
    }
    if (response.HasHeader("Content-Length")) {
        const auto length = std::stoul(response.Header("Content-Length"));
        while (buffer_.size() < length) {
            if (!Fill(deadline)) {
                return Failed("body cut short");
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
                    return Failed("chunk cut short");
                }
            }
            const auto size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
            while (buffer_.size() < line_end + 2 + size + 2) {
                if (!Fill(deadline)) {
                    return Failed("chunk cut short");
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

std::optional<std::string> HttpConnection::ReadUntil(std::string_view needle,
                                                     std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find(needle) == std::string::npos) {
        if (!Fill(deadline)) {
            return std::nullopt;
        }
    }
    return buffer_;
}

bool HttpConnection::WaitForClose(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!eof_) {
        if (Clock::now() >= deadline || fd_ < 0) {
            return eof_;
        }
        buffer_.clear();
        Fill(deadline);
    }
    return true;
}

std::string FormatRequest(std::string_view method, std::string_view target, const Headers& headers,
                          std::string_view body, bool keep_alive) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    // "Host: 127.0.0.1" unless the caller sends a Host of its own.
    if (std::none_of(headers.begin(), headers.end(),
                     [](const auto& header) { return EqualsIgnoreCase(header.first, "Host"); })) {
        out.append("Host: 127.0.0.1\r\n");
    }
    bool has_length = false;
    for (const auto& [key, value] : headers) {
        out.append(key).append(": ").append(value).append("\r\n");
        has_length = has_length || EqualsIgnoreCase(key, "Content-Length");
    }
    if (!has_length &&
        (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    if (!keep_alive) {
        out.append("Connection: close\r\n");
    }
    out.append("\r\n").append(body);
    return out;
}

HttpResponse SendRaw(std::uint16_t port, std::string_view bytes,
                     std::chrono::milliseconds timeout) {
    HttpConnection connection(port);
    if (!connection.connected()) {
        return Failed("connect failed");
    }
    if (!connection.Send(bytes)) {
        return Failed("send failed");
    }
    return connection.Read(timeout);
}

HttpResponse Request(std::uint16_t port, std::string_view method, std::string_view target,
                     const Headers& headers, std::string_view body) {
    return SendRaw(port, FormatRequest(method, target, headers, body));
}

std::string UrlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        }
    }
    return out;
}

}  // namespace ea::testing
