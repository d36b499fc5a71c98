#include "rest/preconditions.hpp"

#include <utility>

namespace ea::rest {
namespace {

bool IsSpace(char c) {
    return c == ' ' || c == '\t';
}

// etagc = %x21 / %x23-7E / obs-text (RFC 9110 8.8.3)
bool IsETagChar(unsigned char c) {
    return c == 0x21 || (c >= 0x23 && c != 0x7F);
}

Error Malformed() {
    return InvalidArgument(
        "If-Match must be \"*\" or a comma-separated list of quoted entity tags, such as the "
        "ETag header of a GET of the record");
}

}  // namespace

std::string ETagFor(const Record& record) {
    const std::string_view version = service::DocumentService::VersionOf(record);
    if (version.empty()) {
        return {};
    }
    return "\"" + std::string(version) + "\"";
}

Result<std::optional<service::Precondition>> ParseIfMatch(const http::Request& request) {
    const auto header = request.headers.Find("If-Match");
    if (!header) {
        return std::optional<service::Precondition>();
    }
    std::string_view text = *header;
    while (!text.empty() && IsSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && IsSpace(text.back())) {
        text.remove_suffix(1);
    }
    service::Precondition out;
    if (text == "*") {
        out.any = true;
        return std::optional<service::Precondition>(std::move(out));
    }
    std::size_t tags = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (IsSpace(text[i]) || text[i] == ',')) {
            ++i;
        }
        if (i == text.size()) {
            break;
        }
        bool weak = false;
        if (text.compare(i, 2, "W/") == 0) {
            weak = true;
            i += 2;
        }
        if (i >= text.size() || text[i] != '"') {
            return Malformed();
        }
        const std::size_t start = ++i;
        while (i < text.size() && IsETagChar(static_cast<unsigned char>(text[i]))) {
            ++i;
        }
        if (i >= text.size() || text[i] != '"') {
            return Malformed();
        }
        if (!weak) {
            out.versions.emplace_back(text.substr(start, i - start));
        }
        ++tags;
        ++i;
        while (i < text.size() && IsSpace(text[i])) {
            ++i;
        }
        if (i < text.size() && text[i] != ',') {
            return Malformed();
        }
    }
    if (tags == 0) {
        return Malformed();
    }
    return std::optional<service::Precondition>(std::move(out));
}

}  // namespace ea::rest
