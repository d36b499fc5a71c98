#include "http/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "http/http_types.hpp"

namespace ea::http {
namespace {

constexpr std::string_view kRequestsName = "http_requests_total";
constexpr std::string_view kRequestsHelp = "HTTP requests by route, method and status.";

// Prometheus label values escape backslash, double quote and newline.
void AppendEscaped(std::string& out, std::string_view value) {
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

// Renders {a="1",b="2"} (empty for no labels); also the map key of a series.
std::string LabelText(const Metrics::Labels& labels) {
    if (labels.empty()) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        out += labels[i].first;
        out += "=\"";
        AppendEscaped(out, labels[i].second);
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

// The closed label sets: whatever a client sends, these take a bounded number of values.
std::string_view RouteLabel(std::string_view route) {
    return route.empty() ? std::string_view("unmatched") : route;
}
std::string_view MethodLabel(std::string_view method) {
    return ToString(ParseMethod(method));  // "OTHER" for anything but the known methods
}
std::string StatusLabel(int status) {
    return status >= 100 && status <= 599 ? std::to_string(status) : std::string("other");
}

std::string RequestLabels(std::string_view route, std::string_view method, int status) {
    return LabelText({{"route", std::string(RouteLabel(route))},
                      {"method", std::string(MethodLabel(method))},
                      {"status", StatusLabel(status)}});
}

std::string FormatDouble(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

// Inserts `extra` (a label pair like le="0.1") into a label text.
std::string WithLabel(const std::string& label_text, const std::string& extra) {
    if (label_text.empty()) {
        return "{" + extra + "}";
    }
    return label_text.substr(0, label_text.size() - 1) + "," + extra + "}";
}

}  // namespace

Metrics::Metrics(std::string prefix) : prefix_(std::move(prefix)) {}

std::atomic<std::uint64_t>& Metrics::CounterSeries(std::string_view name, std::string_view help,
                                                   const std::string& label_text) {
    {
        std::shared_lock lock(mutex_);
        if (auto family = counters_.find(name); family != counters_.end()) {
            if (auto series = family->second.series.find(label_text);
                series != family->second.series.end()) {
                return *series->second;
            }
        }
    }
    std::unique_lock lock(mutex_);
    auto family = counters_.find(name);
    if (family == counters_.end()) {
        family = counters_.emplace(std::string(name), CounterFamily{std::string(help), {}}).first;
    }
    auto& slot = family->second.series[label_text];
    if (!slot) {
        slot = std::make_unique<std::atomic<std::uint64_t>>(0);
    }
    return *slot;
}

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            std::chrono::nanoseconds duration) {
    CountRequest(route, method, status);
    ObserveLatency(route, method, duration);
}

void Metrics::CountRequest(std::string_view route, std::string_view method, int status) {
    CounterSeries(kRequestsName, kRequestsHelp, RequestLabels(route, method, status))
        .fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ObserveLatency(std::string_view route, std::string_view method,
                             std::chrono::nanoseconds duration) {
    const std::string key = LabelText(
        {{"route", std::string(RouteLabel(route))}, {"method", std::string(MethodLabel(method))}});
    Histogram* histogram = nullptr;
    {
        std::shared_lock lock(mutex_);
        if (auto it = latency_.find(key); it != latency_.end()) {
            histogram = it->second.get();
        }
    }
    if (!histogram) {
        std::unique_lock lock(mutex_);
        auto& slot = latency_[key];
        if (!slot) {
            slot = std::make_unique<Histogram>();
        }
        histogram = slot.get();
    }
    const double seconds = std::chrono::duration<double>(duration).count();
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        if (seconds <= kLatencyBuckets[i]) {
            histogram->buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    histogram->count.fetch_add(1, std::memory_order_relaxed);
    histogram->sum_ns.fetch_add(
        static_cast<std::uint64_t>(duration.count() < 0 ? 0 : duration.count()),
        std::memory_order_relaxed);
}

void Metrics::IncrementCounter(std::string_view name, std::string_view help, const Labels& labels,
                               std::uint64_t by) {
    CounterSeries(name, help, LabelText(labels)).fetch_add(by, std::memory_order_relaxed);
}

std::uint64_t Metrics::RequestCountForTest(std::string_view route, std::string_view method,
                                           int status) const {
    std::shared_lock lock(mutex_);
    auto family = counters_.find(kRequestsName);
    if (family == counters_.end()) {
        return 0;
    }
    auto series = family->second.series.find(RequestLabels(route, method, status));
    return series == family->second.series.end() ? 0 : series->second->load();
}

std::string Metrics::RenderPrometheus() const {
    std::string out;
    std::shared_lock lock(mutex_);
    for (const auto& [name, family] : counters_) {
        const std::string full = prefix_ + "_" + name;
        out += "# HELP " + full + " " + family.help + "\n";
        out += "# TYPE " + full + " counter\n";
        for (const auto& [labels, value] : family.series) {
            out +=
                full + labels + " " + std::to_string(value->load(std::memory_order_relaxed)) + "\n";
        }
    }

    const std::string latency = prefix_ + "_http_request_duration_seconds";
    out +=
        "# HELP " + latency + " HTTP request latency, from first byte read to response written.\n";
    out += "# TYPE " + latency + " histogram\n";
    for (const auto& [labels, histogram] : latency_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
            cumulative += histogram->buckets[i].load(std::memory_order_relaxed);
            out += latency + "_bucket" +
                   WithLabel(labels, "le=\"" + FormatDouble(kLatencyBuckets[i]) + "\"") + " " +
                   std::to_string(cumulative) + "\n";
        }
        // Buckets and count are separate atomics; never render a count below the buckets' sum.
        const auto count = std::max(cumulative, histogram->count.load(std::memory_order_relaxed));
        out += latency + "_bucket" + WithLabel(labels, "le=\"+Inf\"") + " " +
               std::to_string(count) + "\n";
        const double sum =
            static_cast<double>(histogram->sum_ns.load(std::memory_order_relaxed)) / 1e9;
        out += latency + "_sum" + labels + " " + FormatDouble(sum) + "\n";
        out += latency + "_count" + labels + " " + std::to_string(count) + "\n";
    }

    const std::string gauge = prefix_ + "_http_requests_in_flight";
    out += "# HELP " + gauge + " HTTP requests being handled now.\n";
    out += "# TYPE " + gauge + " gauge\n";
    out += gauge + " " + std::to_string(in_flight()) + "\n";
    for (const auto& source : sources_) {
        const std::string full = prefix_ + "_" + source.name;
        out += "# HELP " + full + " " + source.help + "\n";
        out += "# TYPE " + full + " " + source.type + "\n";
        for (const auto& [labels, value] : source.read()) {
            out += full + LabelText(labels) + " " + FormatDouble(value) + "\n";
        }
    }
    return out;
}

void Metrics::AddSource(std::string name, std::string help, std::string type, SourceRead read) {
    sources_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

}  // namespace ea::http
