#include "http/http_types.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace ea::http {
namespace {

char LowerAscii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

Method ParseMethod(std::string_view text) {
    if (text == "GET") {
        return Method::kGet;
    }
    if (text == "HEAD") {
        return Method::kHead;
    }
    if (text == "POST") {
        return Method::kPost;
    }
    if (text == "PUT") {
        return Method::kPut;
    }
    if (text == "PATCH") {
        return Method::kPatch;
    }
    if (text == "DELETE") {
        return Method::kDelete;
    }
    if (text == "OPTIONS") {
        return Method::kOptions;
    }
    return Method::kOther;
}

std::string_view ToString(Method method) {
    switch (method) {
        case Method::kGet:
            return "GET";
        case Method::kHead:
            return "HEAD";
        case Method::kPost:
            return "POST";
        case Method::kPut:
            return "PUT";
        case Method::kPatch:
            return "PATCH";
        case Method::kDelete:
            return "DELETE";
        case Method::kOptions:
            return "OPTIONS";
        case Method::kOther:
            return "OTHER";
    }
    return "OTHER";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (LowerAscii(a[i]) != LowerAscii(b[i])) {
            return false;
        }
    }
    return true;
}

void Headers::Add(std::string name, std::string value) {
    entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string name, std::string value) {
    Remove(name);
    entries_.emplace_back(std::move(name), std::move(value));
}

std::size_t Headers::Remove(std::string_view name) {
    return std::erase_if(entries_,
                         [&](const Entry& entry) { return EqualsIgnoreCase(entry.first, name); });
}

std::optional<std::string_view> Headers::Find(std::string_view name) const {
    for (const auto& [key, value] : entries_) {
        if (EqualsIgnoreCase(key, name)) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> Headers::FindAll(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [key, value] : entries_) {
        if (EqualsIgnoreCase(key, name)) {
            out.emplace_back(value);
        }
    }
    return out;
}

std::optional<std::string_view> Request::Cookie(std::string_view name) const {
    // RFC 6265 §5.4: "a=b; c=d". Browsers send one Cookie header, HTTP/2 proxies may split it.
    for (std::string_view header : headers.FindAll("Cookie")) {
        while (!header.empty()) {
            const auto semi = header.find(';');
            std::string_view pair = TrimSpaces(header.substr(0, semi));
            header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos || TrimSpaces(pair.substr(0, eq)) != name) {
                continue;
            }
            std::string_view value = TrimSpaces(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            return value;
        }
    }
    return std::nullopt;
}

Response MakeResponse(int status, std::string body, std::string content_type) {
    Response response;
    response.status = status;
    response.body = std::move(body);
    response.content_type = std::move(content_type);
    return response;
}

Response DefaultErrorResponse(int status, std::string code, std::string message) {
    boost::json::object error;
    error["code"] = code;
    error["message"] = message;
    boost::json::object envelope;
    envelope["data"] = nullptr;
    envelope["notifications"] = boost::json::object{{"errors", boost::json::array{error}}};
    envelope["status"] = "error";
    return MakeResponse(status, boost::json::serialize(envelope), "application/json");
}

std::string SseEvent(std::string_view event, std::string_view data, std::string_view id) {
    std::string out;
    out.reserve(data.size() + event.size() + id.size() + 24);
    if (!id.empty()) {
        out.append("id: ").append(id).push_back('\n');
    }
    if (!event.empty()) {
        out.append("event: ").append(event).push_back('\n');
    }
    while (true) {
        const auto newline = data.find('\n');
        out.append("data: ").append(data.substr(0, newline)).push_back('\n');
        if (newline == std::string_view::npos) {
            break;
        }
        data.remove_prefix(newline + 1);
    }
    out.push_back('\n');
    return out;
}

}  // namespace ea::http
