// One behaviour suite for every SessionStore backend (TEST_P in
// session_store_conformance_test.cpp). Each test binary instantiates it with its backends:
// sqlite_session_store_test.cpp (unit) and redis_session_store_redistest.cpp (redis).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "auth/session_store.hpp"
#include "common/result.hpp"

namespace ea::auth::testing {

// A fresh, empty store and whatever keeps it alive (a temp directory, a redis-server process).
class SessionStoreHarness {
public:
    virtual ~SessionStoreHarness() = default;
    virtual SessionStore& store() = 0;
};

struct SessionStoreBackend {
    std::string name;  // the test name suffix: letters and digits only
    // kUnavailable with the reason when the backend cannot be set up; the test then fails.
    std::function<Result<std::unique_ptr<SessionStoreHarness>>()> make;
};

// The fixture of the suite; tests are in session_store_conformance_test.cpp.
class SessionStoreConformanceTest : public ::testing::TestWithParam<SessionStoreBackend> {
protected:
    void SetUp() override;

    SessionStore& store() { return harness_->store(); }

    // A session of `user_id` created at base_ and expiring ttl later, with a fresh token hash.
    Session MakeSession(std::string user_id,
                        std::chrono::seconds ttl = std::chrono::hours(1)) const;

    std::unique_ptr<SessionStoreHarness> harness_;
    std::chrono::system_clock::time_point base_;  // real wall-clock time, whole milliseconds
};

inline std::string BackendName(const ::testing::TestParamInfo<SessionStoreBackend>& info) {
    return info.param.name;
}

}  // namespace ea::auth::testing
