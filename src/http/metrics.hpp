// A small Prometheus text-format registry for the HTTP layer: request counters by route, method
// and status, a latency histogram with fixed buckets, an in-flight gauge, and named counters for
// other layers (store errors). Standard library only; no Beast.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ea::http {

// Thread-safe. Recording takes a shared lock and bumps atomics; a new label set takes the
// exclusive lock once. Request label values come from closed sets, so no client can grow the
// registry: a method outside GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS is "OTHER", an empty
// route is "unmatched", and a status outside 100-599 is "other". Callers pass route patterns
// (a fixed set), never raw paths.
class Metrics {
public:
    using Labels = std::vector<std::pair<std::string, std::string>>;

    // Upper bounds in seconds of the latency histogram buckets (+Inf is implied).
    static constexpr std::array<double, 12> kLatencyBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    // Metric names are prefixed with `prefix` + "_" ("events_api_http_requests_total").
    explicit Metrics(std::string prefix = "events_api");

    // CountRequest and ObserveLatency together (for callers that have both at once).
    void RecordRequest(std::string_view route, std::string_view method, int status,
                       std::chrono::nanoseconds duration);
    // Counts one request in http_requests_total. The server calls it before the response is
    // written, so a client that has read a response sees it counted in its next /metrics.
    void CountRequest(std::string_view route, std::string_view method, int status);
    // Adds one request's latency to the histogram (after its response is written).
    void ObserveLatency(std::string_view route, std::string_view method,
                        std::chrono::nanoseconds duration);

    // The in-flight gauge; the server (or an observer) adds 1 when a request starts, -1 when done.
    void AddInFlight(std::int64_t delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

    // Adds `by` to counter `name` (without prefix, e.g. "store_errors_total") with `labels`.
    // `help` is rendered as # HELP; the first call for a name fixes it.
    void IncrementCounter(std::string_view name, std::string_view help, const Labels& labels = {},
                          std::uint64_t by = 1);

    // A metric another layer keeps itself (its own atomics; e.g. the audit sinks), read when
    // rendered: `read` returns each series' labels and value. `type` is "counter" or "gauge".
    // REQUIRES: called before rendering starts (sources are not guarded).
    using SourceRead = std::function<std::vector<std::pair<Labels, double>>()>;
    void AddSource(std::string name, std::string help, std::string type, SourceRead read);

    // All metrics in the Prometheus text exposition format 0.0.4, series sorted by labels.
    std::string RenderPrometheus() const;

    // The value of a RecordRequest counter series, for tests.
    std::uint64_t RequestCountForTest(std::string_view route, std::string_view method,
                                      int status) const;

private:
    struct Histogram {
        std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets{};  // not cumulative
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sum_ns{0};
    };
    struct CounterFamily {
        std::string help;
        std::map<std::string, std::unique_ptr<std::atomic<std::uint64_t>>> series;  // by label text
    };

    std::atomic<std::uint64_t>& CounterSeries(std::string_view name, std::string_view help,
                                              const std::string& label_text);

    struct Source {
        std::string name, help, type;
        SourceRead read;
    };

    std::string prefix_;
    std::vector<Source> sources_;
    std::atomic<std::int64_t> in_flight_{0};
    mutable std::shared_mutex mutex_;  // guards the maps' shape; values are atomics
    std::map<std::string, CounterFamily, std::less<>> counters_;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> latency_;  // by label text
};

}  // namespace ea::http
