#include "service/audit/file_writer.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace ea::service {
namespace {

std::filesystem::path Numbered(const std::filesystem::path& path, int n) {
    return path.string() + "." + std::to_string(n);
}

Error FileError(const std::string& what, const std::filesystem::path& path, int error_number) {
    Error error{ErrorCode::kUnavailable, what + " " + path.string()};
    error.detail = std::strerror(error_number);
    return error;
}

}  // namespace

Result<std::unique_ptr<JsonLinesFileWriter>> JsonLinesFileWriter::Open(AuditFileOptions options) {
    if (options.path.empty()) {
        return Error{ErrorCode::kInvalidArgument, "audit.file: the path is empty"};
    }
    if (options.max_bytes == 0 || options.keep < 0) {
        return Error{ErrorCode::kInvalidArgument,
                     "audit.file_max_bytes must be > 0 and audit.file_keep >= 0"};
    }
    std::unique_ptr<JsonLinesFileWriter> writer(new JsonLinesFileWriter(std::move(options)));
    if (auto status = writer->OpenFile(); !status) {
        return status.error();
    }
    return writer;
}

JsonLinesFileWriter::~JsonLinesFileWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

Status JsonLinesFileWriter::OpenFile() {
    const auto& path = options_.path;
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        return FileError("cannot open the audit file", path, errno);
    }
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    size_ = end < 0 ? 0 : static_cast<std::uint64_t>(end);
    return Ok();
}

Status JsonLinesFileWriter::Rotate() {
    ::close(fd_);
    fd_ = -1;
    const auto& path = options_.path;
    std::error_code ec;
    if (options_.keep == 0) {
        std::filesystem::remove(path, ec);
    } else {
        std::filesystem::remove(Numbered(path, options_.keep), ec);
        for (int n = options_.keep - 1; n >= 1; --n) {
            if (std::filesystem::exists(Numbered(path, n), ec)) {
                std::filesystem::rename(Numbered(path, n), Numbered(path, n + 1), ec);
            }
        }
        std::filesystem::rename(path, Numbered(path, 1), ec);
        if (ec) {
            // Still open a file (the old one, appended to): losing events is worse than a big file.
            auto reopened = OpenFile();
            return reopened ? Status(FileError("cannot rotate the audit file", path, ec.value()))
                            : reopened;
        }
    }
    return OpenFile();
}

Status JsonLinesFileWriter::Write(std::span<const AuditEventPtr> events) {
    if (fd_ < 0) {
        if (auto status = OpenFile(); !status) {
            return status;
        }
    }
    buffer_.clear();
    for (const auto& event : events) {
        AppendJsonLine(*event, buffer_);
        buffer_ += '\n';
    }
    if (size_ > 0 && size_ + buffer_.size() > options_.max_bytes) {
        if (auto status = Rotate(); !status) {
            if (fd_ < 0) {
                return status;
            }
            // rotation failed but the file is open: write on, the error was worth a retry only
        }
    }
    std::size_t written = 0;
    while (written < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int error_number = errno;
            // A partial batch may be on disk; the retry writes it whole again (a duplicate line
            // is better than a lost one).
            size_ += written;
            return FileError("cannot write the audit file", options_.path, error_number);
        }
        written += static_cast<std::size_t>(n);
    }
    size_ += written;
    return Ok();
}

}  // namespace ea::service
