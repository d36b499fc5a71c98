// Shared setup for the service tests: the default Events schema on a fresh SQLite file, a
// DocumentService over it, request contexts per channel and builders for valid records.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/record.hpp"
#include "service/document_service.hpp"
#include "store/document_store.hpp"
#include "testing/all_rows.hpp"
#include "testing/temp_dir.hpp"

namespace ea::service::testing {

using TimePoint = std::chrono::system_clock::time_point;

// A fixed instant (2025-06-01T12:00:00Z) so timestamps in assertions are exact.
inline const TimePoint kT0 = TimePoint(std::chrono::seconds(1'748'779'200));

RequestContext Context(Channel channel, TimePoint now = kT0,
                       Principal principal = Principal::System());

// Parses a JSON object literal (aborts the test on malformed text).
Record Json(std::string_view text);

using ea::testing::AllRows;

class ServiceTest : public ::testing::Test {
protected:
    ServiceTest();

    const schema::Schema& schema() const;
    const schema::Entity& Entity(std::string_view name) const;

    // Creates an Account (through the service, CLI channel) and returns its id.
    std::string MakeAccount(std::string id = "");
    // Creates a valid User in `account_id`; returns the record the service returned.
    Record MakeUser(const std::string& username, const std::string& password,
                    const std::string& account_id, const std::string& role = "read");
    // A valid Event body.
    static Record EventBody(const std::string& title);

    ea::testing::TempDir dir_;
    std::string db_file_;
    store::DocumentStorePtr store_;
    std::unique_ptr<DocumentService> documents_;
};

}  // namespace ea::service::testing
