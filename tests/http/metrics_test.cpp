#include "http/metrics.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ea::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(MetricsTest, RendersCountersHistogramAndGauge) {
    Metrics metrics;
    metrics.RecordRequest("/api/{entity}", "GET", 200, microseconds(700));
    metrics.RecordRequest("/api/{entity}", "GET", 200, milliseconds(30));
    metrics.RecordRequest("", "GET", 404, microseconds(100));
    metrics.AddInFlight(2);
    metrics.IncrementCounter("store_errors_total", "Store failures.", {{"backend", "sqlite"}}, 3);

    const std::string text = metrics.RenderPrometheus();
    const char* expected_lines[] = {
        "# TYPE events_api_http_requests_total counter\n",
        "events_api_http_requests_total{route=\"/api/{entity}\",method=\"GET\",status=\"200\"} 2\n",
        "events_api_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n",
        "# TYPE events_api_http_request_duration_seconds histogram\n",
        "events_api_http_request_duration_seconds_bucket{route=\"/api/{entity}\",method=\"GET\","
        "le=\"0.0005\"} 0\n",
        "events_api_http_request_duration_seconds_bucket{route=\"/api/{entity}\",method=\"GET\","
        "le=\"0.001\"} 1\n",
        "events_api_http_request_duration_seconds_bucket{route=\"/api/{entity}\",method=\"GET\","
        "le=\"0.05\"} 2\n",
        "events_api_http_request_duration_seconds_bucket{route=\"/api/{entity}\",method=\"GET\","
        "le=\"+Inf\"} 2\n",
        "events_api_http_request_duration_seconds_count{route=\"/api/{entity}\",method=\"GET\"} "
        "2\n",
        "events_api_http_request_duration_seconds_sum{route=\"/api/{entity}\",method=\"GET\"} "
        "0.0307\n",
        "events_api_http_requests_in_flight 2\n",
        "# HELP events_api_store_errors_total Store failures.\n",
        "events_api_store_errors_total{backend=\"sqlite\"} 3\n",
    };
    for (const char* line : expected_lines) {
        EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\nin:\n" << text;
    }
}

TEST(MetricsTest, EscapesLabelValues) {
    Metrics metrics("x");
    metrics.IncrementCounter("c_total", "c", {{"v", "a\"b\\c\nd"}});
    EXPECT_NE(metrics.RenderPrometheus().find("x_c_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"),
              std::string::npos);
}

TEST(MetricsTest, CountsExactlyUnderConcurrency) {
    Metrics metrics;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&metrics, t] {
            for (int i = 0; i < kPerThread; ++i) {
                metrics.RecordRequest("/r", "GET", 200 + (i % 2) * (t + 1), microseconds(i));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(metrics.RequestCountForTest("/r", "GET", 200), kThreads * kPerThread / 2);
    EXPECT_EQ(metrics.RequestCountForTest("/r", "GET", 201), kPerThread / 2);
}

}  // namespace
}  // namespace ea::http
