// One behaviour suite for every AccessTokenStore backend (TEST_P in
// access_token_store_conformance_test.cpp), instantiated by sqlite_access_token_store_test.cpp
// (unit) and redis_access_token_store_redistest.cpp (redis, a real redis-server on loopback).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "auth/access_token_store.hpp"
#include "common/result.hpp"

namespace ea::auth::testing {

class AccessTokenStoreHarness {
public:
    virtual ~AccessTokenStoreHarness() = default;
    virtual AccessTokenStore& store() = 0;
};

struct AccessTokenStoreBackend {
    std::string name;  // the test name suffix
    std::function<Result<std::unique_ptr<AccessTokenStoreHarness>>()> make;
};

class AccessTokenStoreConformanceTest : public ::testing::TestWithParam<AccessTokenStoreBackend> {
protected:
    void SetUp() override {
        auto harness = GetParam().make();
        ASSERT_TRUE(harness.has_value())
            << harness.error().message << " " << harness.error().detail;
        harness_ = std::move(*harness);
        base_ = std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    }
    AccessTokenStore& store() { return harness_->store(); }

    std::unique_ptr<AccessTokenStoreHarness> harness_;
    std::chrono::system_clock::time_point base_;
};

inline std::string TokenBackendName(const ::testing::TestParamInfo<AccessTokenStoreBackend>& info) {
    return info.param.name;
}

}  // namespace ea::auth::testing
