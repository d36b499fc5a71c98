#include "http/metrics.hpp"

#include <algorithm>
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

TEST(MetricsTest, RequestLabelsComeFromClosedSets) {
    Metrics metrics;
    // One of each kind first: the series a flood could add, if anything, exist by then.
    metrics.RecordRequest("", "BREW", 404, microseconds(1));
    metrics.RecordRequest("/api/{entity}", "get", 200, microseconds(1));
    metrics.RecordRequest("", "PROPFIND", 1000, microseconds(1));
    const std::string baseline = metrics.RenderPrometheus();
    // Made-up methods, lower-case spellings and impossible statuses add no series.
    for (int i = 0; i < 100; ++i) {
        metrics.RecordRequest("", "X" + std::to_string(i), 404, microseconds(1));
        metrics.RecordRequest("/api/{entity}", i % 2 == 0 ? "get" : "Get", 200, microseconds(1));
    }
    metrics.RecordRequest("", "PROPFIND", -1, microseconds(1));
    const std::string text = metrics.RenderPrometheus();
    EXPECT_EQ(metrics.RequestCountForTest("", "OTHER", 404), 101u);
    EXPECT_EQ(metrics.RequestCountForTest("/api/{entity}", "OTHER", 200), 101u);
    EXPECT_NE(text.find("events_api_http_requests_total{route=\"unmatched\",method=\"OTHER\","
                        "status=\"other\"} 2\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("X1"), std::string::npos);
    EXPECT_EQ(text.find("get\""), std::string::npos);
    EXPECT_EQ(text.find("PROPFIND"), std::string::npos);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
              std::count(baseline.begin(), baseline.end(), '\n'));
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
