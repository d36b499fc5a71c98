// AsyncAuditSink: an AuditSink that queues events in memory (bounded) and writes them on its own
// thread through an AuditWriter (the JSON-lines file, the audit table), so a request thread only
// takes a lock and queues a pointer to the event (one shared event for every sink). It wakes the
// writer only when the writer waits for that event: the first into an empty queue, or the one
// that fills a batch while the writer lingers; events in between cost no system call.
//
// When the queue is full, or the writer is failing (its last write failed and has not succeeded
// since), Reserve refuses and an unreserved event is dropped and counted: reads carry on, writes
// are refused before they happen (docs/security.md, "Audit"). A failed batch is kept and retried
// (backoff up to 1 s), so an event once queued is lost only if the process dies or the sink is
// destroyed while its writer still fails. Each change between healthy and failing is logged once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.hpp"
#include "service/audit.hpp"

namespace ea::service {

// Writes a batch of events to one backend, all or nothing as far as it can tell. Called from one
// thread only. The error must not hold a secret.
class AuditWriter {
public:
    virtual ~AuditWriter() = default;
    [[nodiscard]] virtual Status Write(std::span<const AuditEventPtr> events) = 0;
};

struct AuditSinkStats {
    std::uint64_t written = 0;   // events the writer stored
    std::uint64_t dropped = 0;   // events not kept: queue full or writer failing
    std::uint64_t failures = 0;  // writer calls that failed (each retried)
    std::uint64_t refused = 0;   // Reserve refusals (writes refused before they ran)
    std::size_t queued = 0;
    bool healthy = true;
};

// A log line for the operator: level ("warn", "error", "info") and text (never a secret).
using AuditLogFn = std::function<void(std::string_view level, std::string_view message)>;

class AsyncAuditSink final : public AuditSink {
public:
    // `name` ("file", "table") labels metrics and log lines. `capacity` >= 1 events. `linger`:
    // how long the writer waits for more events before it writes a batch that is not full (a
    // database sink commits fewer, larger transactions; events become visible that much later).
    AsyncAuditSink(std::string name, std::unique_ptr<AuditWriter> writer, std::size_t capacity,
                   AuditLogFn log = {},
                   std::chrono::milliseconds linger = std::chrono::milliseconds(0));
    // Writes what is queued (one last attempt when the writer fails), then stops the thread.
    ~AsyncAuditSink() override;

    [[nodiscard]] Status Reserve() override;
    void Release() override;
    void Submit(AuditEventPtr event, bool reserved) override;

    // Waits until every event submitted before the call is written, up to `timeout`; false when
    // some are still pending (the writer is failing or slow).
    bool Flush(std::chrono::milliseconds timeout);

    AuditSinkStats stats() const;
    const std::string& name() const { return name_; }

private:
    // What the writer thread waits for (guarded by mutex_), so Submit wakes it only then.
    enum class Waiting { kNothing, kAnyEvent, kFullBatch };

    void Run();
    void Log(std::string_view level, const std::string& message) const;

    std::string name_;
    std::unique_ptr<AuditWriter> writer_;
    std::size_t capacity_;
    AuditLogFn log_;
    std::chrono::milliseconds linger_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;     // the writer: events queued or stopping
    std::condition_variable drained_;  // Flush: a batch finished
    std::deque<AuditEventPtr> queue_;
    Waiting waiting_ = Waiting::kNothing;
    std::size_t reserved_ = 0;
    std::size_t in_flight_ = 0;  // events of the batch being written
    std::uint64_t submitted_ = 0;
    std::uint64_t finished_ = 0;  // written or given up on
    bool healthy_ = true;
    bool stopping_ = false;

    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> failures_{0};
    std::atomic<std::uint64_t> refused_{0};

    std::thread thread_;  // last: starts after every member above exists
};

// Hands every event to each sink in turn; Reserve holds room in all of them or none.
class AuditFanout final : public AuditSink {
public:
    explicit AuditFanout(std::vector<AuditSink*> sinks) : sinks_(std::move(sinks)) {}
    [[nodiscard]] Status Reserve() override;
    void Release() override;
    void Submit(AuditEventPtr event, bool reserved) override;

private:
    std::vector<AuditSink*> sinks_;
};

}  // namespace ea::service
