#include "service/audit/async_sink.hpp"

#include <algorithm>
#include <vector>

namespace ea::service {
namespace {

constexpr std::size_t kMaxBatch = 256;
constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);

}  // namespace

AsyncAuditSink::AsyncAuditSink(std::string name, std::unique_ptr<AuditWriter> writer,
                               std::size_t capacity, AuditLogFn log,
                               std::chrono::milliseconds linger)
    : name_(std::move(name)),
      writer_(std::move(writer)),
      capacity_(std::max<std::size_t>(capacity, 1)),
      log_(std::move(log)),
      linger_(linger),
      thread_([this] { Run(); }) {}

AsyncAuditSink::~AsyncAuditSink() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

Status AsyncAuditSink::Reserve() {
    std::lock_guard lock(mutex_);
    if (!healthy_ || queue_.size() + reserved_ + in_flight_ >= capacity_) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return Error{ErrorCode::kUnavailable,
                     "audit " + name_ + " sink " + (healthy_ ? "queue is full" : "is failing")};
    }
    ++reserved_;
    return Ok();
}

void AsyncAuditSink::Release() {
    std::lock_guard lock(mutex_);
    if (reserved_ > 0) {
        --reserved_;
    }
}

void AsyncAuditSink::Submit(AuditEventPtr event, bool reserved) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (reserved && reserved_ > 0) {
            --reserved_;
        } else if (!healthy_ || queue_.size() + reserved_ + in_flight_ >= capacity_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        queue_.push_back(std::move(event));
        ++submitted_;
        wake = waiting_ == Waiting::kAnyEvent ||
               (waiting_ == Waiting::kFullBatch && queue_.size() >= kMaxBatch);
        if (wake) {
            waiting_ = Waiting::kNothing;  // one wake-up is enough
        }
    }
    if (wake) {
        wake_.notify_one();
    }
}

bool AsyncAuditSink::Flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = submitted_;
    return drained_.wait_for(lock, timeout, [&] { return finished_ >= target; });
}

AuditSinkStats AsyncAuditSink::stats() const {
    AuditSinkStats out;
    out.written = written_.load(std::memory_order_relaxed);
    out.dropped = dropped_.load(std::memory_order_relaxed);
    out.failures = failures_.load(std::memory_order_relaxed);
    out.refused = refused_.load(std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    out.queued = queue_.size() + in_flight_;
    out.healthy = healthy_;
    return out;
}

void AsyncAuditSink::Log(std::string_view level, const std::string& message) const {
    if (log_) {
        log_(level, message);
    }
}

void AsyncAuditSink::Run() {
    std::vector<AuditEventPtr> batch;
    auto backoff = kFirstBackoff;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] {
            waiting_ = Waiting::kAnyEvent;
            return stopping_ || !queue_.empty();
        });
        waiting_ = Waiting::kNothing;
        if (queue_.empty()) {
            return;  // stopping, nothing left
        }
        if (linger_.count() > 0 && !stopping_ && queue_.size() < kMaxBatch) {
            wake_.wait_for(lock, linger_, [&] {
                waiting_ = Waiting::kFullBatch;
                return stopping_ || queue_.size() >= kMaxBatch;
            });
            waiting_ = Waiting::kNothing;
        }
        const std::size_t n = std::min(queue_.size(), kMaxBatch);
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        in_flight_ = n;
        for (;;) {
            lock.unlock();
            const Status status = writer_->Write(batch);
            lock.lock();
            if (status) {
                written_.fetch_add(n, std::memory_order_relaxed);
                if (!healthy_) {
                    healthy_ = true;
                    Log("info", "audit " + name_ + " sink recovered; writes are accepted again");
                }
                backoff = kFirstBackoff;
                break;
            }
            failures_.fetch_add(1, std::memory_order_relaxed);
            if (healthy_) {
                healthy_ = false;
                const Error& error = status.error();
                Log("error", "audit " + name_ + " sink cannot write (" + error.message +
                                 (error.detail.empty() ? "" : ": " + error.detail) +
                                 "); writes are refused until it recovers, reads go unaudited");
            }
            if (stopping_) {
                dropped_.fetch_add(n, std::memory_order_relaxed);
                Log("error", "audit " + name_ + " sink stopped with " + std::to_string(n) +
                                 " events unwritten");
                break;
            }
            wake_.wait_for(lock, backoff, [&] { return stopping_; });
            backoff = std::min(backoff * 2,
                               std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
        }
        in_flight_ = 0;
        finished_ += n;
        batch.clear();
        drained_.notify_all();
    }
}

Status AuditFanout::Reserve() {
    for (std::size_t i = 0; i < sinks_.size(); ++i) {
        if (auto status = sinks_[i]->Reserve(); !status) {
            for (std::size_t j = 0; j < i; ++j) {
                sinks_[j]->Release();
            }
            return status;
        }
    }
    return Ok();
}

void AuditFanout::Release() {
    for (auto* sink : sinks_) {
        sink->Release();
    }
}

void AuditFanout::Submit(AuditEventPtr event, bool reserved) {
    for (auto* sink : sinks_) {
        sink->Submit(event, reserved);  // the same event for each: no copy
    }
}

}  // namespace ea::service
