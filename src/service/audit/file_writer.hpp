// JsonLinesFileWriter: the audit trail as an append-only JSON-lines file (one ToJson object per
// line), rotated by size: when a batch would take the file past `max_bytes`, PATH becomes PATH.1,
// PATH.1 becomes PATH.2 and so on; PATH.<keep> is deleted (keep 0: the full file is deleted).
// Each batch is written with one write(2) on an O_APPEND descriptor, so lines never interleave
// with another writer's; durability is the OS's (no fsync per batch).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "service/audit/async_sink.hpp"

namespace ea::service {

// The file sink's linger (AsyncAuditSink): under load, one write(2) and one wake-up of the writer
// thread per few milliseconds of events instead of one per event; a line reaches the file at most
// this much later than its call returned.
inline constexpr std::chrono::milliseconds kAuditFileLinger{5};

struct AuditFileOptions {
    std::filesystem::path path;
    std::uint64_t max_bytes = 64ull << 20;
    int keep = 5;  // rotated files kept beside the current one
};

class JsonLinesFileWriter final : public AuditWriter {
public:
    // Opens (creating its folder) the file. Errors: kUnavailable naming the path.
    [[nodiscard]] static Result<std::unique_ptr<JsonLinesFileWriter>> Open(
        AuditFileOptions options);
    ~JsonLinesFileWriter() override;

    [[nodiscard]] Status Write(std::span<const AuditEventPtr> events) override;

private:
    explicit JsonLinesFileWriter(AuditFileOptions options) : options_(std::move(options)) {}
    Status OpenFile();
    Status Rotate();

    AuditFileOptions options_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    // A batch's lines (AppendJsonLine writes each event's text straight into it: no JSON object
    // built); kept from one batch to the next, so it stops allocating once it has grown.
    std::string buffer_;
};

}  // namespace ea::service
