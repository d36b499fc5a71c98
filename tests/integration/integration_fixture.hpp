// Shared pieces of the REST integration tests: a real `events-api serve` per test suite (seeded
// with the demo data, admin logged in), a JSON client bound to a session, and envelope checks.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "testing/http_client.hpp"
#include "testing/server_process.hpp"

namespace ea::integration {

using ea::testing::Headers;
using ea::testing::HttpResponse;
namespace json = boost::json;

inline constexpr const char* kAdminPassword = "adminpass123";
inline constexpr const char* kDemoPassword = "demo-password";

// The store the suite runs on: SQLite files by default, PostgreSQL when EA_TEST_STORE=postgresql
// (ctest's integration.pg shards set it). On PostgreSQL there is one server per test process and
// a fresh database per `serve`, copied (CREATE DATABASE ... TEMPLATE) from the demo data seeded
// once per process.
bool OnPostgres();

// Options for a server of the demo database (copied from the build's template when present; on
// PostgreSQL a fresh copy of the demo database).
ea::testing::ServerOptions DemoServerOptions();

// Makes `options` start a server on the data `server` left (its SQLite file copied, or the same
// PostgreSQL database and session file), for tests that restart on one database.
void UseDataOf(const ea::testing::ServerProcess& server, ea::testing::ServerOptions& options);

// Runs `sql` on `server`'s database behind the server's back (the SQLite file, or the PostgreSQL
// database as its superuser): "" or the error message.
std::string StoreExec(const ea::testing::ServerProcess& server, const std::string& sql);
// The first column of the first row `sql` returns there, as text ("" when none).
std::string StoreValue(const ea::testing::ServerProcess& server, const std::string& sql);

// The environment a command run on `server`'s data needs beside EVENTS_API_DB (the session
// store's place on PostgreSQL), plus `extra`.
std::map<std::string, std::string> CommandEnv(const ea::testing::ServerProcess& server,
                                              std::map<std::string, std::string> extra = {});

// Starts a server or fails the current test (nullptr then).
std::unique_ptr<ea::testing::ServerProcess> StartServer(const ea::testing::ServerOptions& options);

// Logs in and returns the token; "" (with a test failure) when the login does not succeed.
std::string LoginToken(std::uint16_t port, std::string_view username, std::string_view password);

// An id no other test uses, lower-case: `<prefix>_<pid>_<counter>`.
std::string UniqueId(std::string_view prefix);

// A valid Event body titled `title` (the fields Event requires, plausible values).
json::object EventBody(const std::string& title);

// Polls `probe` until it returns true or `timeout` passes; whether it did. For what the server
// does after it answers (the access log line is written after the response).
template <typename Probe>
bool WaitFor(Probe probe, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!probe()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// A JSON-over-HTTP client acting with one session token (none when empty).
class Api {
public:
    Api(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}

    HttpResponse Get(std::string_view target, const Headers& extra = {}) const;
    HttpResponse Delete(std::string_view target, const Headers& extra = {}) const;
    HttpResponse Post(std::string_view target, const json::value& body,
                      const Headers& extra = {}) const;
    HttpResponse Put(std::string_view target, const json::value& body,
                     const Headers& extra = {}) const;
    HttpResponse Patch(std::string_view target, const json::value& body,
                       const Headers& extra = {}) const;
    // Any method with a raw body and content type ("" sends no Content-Type).
    HttpResponse Send(std::string_view method, std::string_view target, std::string_view body,
                      std::string_view content_type = "application/json",
                      const Headers& extra = {}) const;

    std::uint16_t port() const { return port_; }
    const std::string& token() const { return token_; }

private:
    std::uint16_t port_;
    std::string token_;
};

// 2xx success envelope: {"data":…,"notifications":{…},"status":"success"} with `status`.
::testing::AssertionResult IsSuccess(const HttpResponse& response, int status = 200);
// A list envelope with pagination {page,pageSize,total,totalPages,totalIsEstimate,hasMore}
// consistent with the data (total and totalPages both null with count=none).
::testing::AssertionResult IsListEnvelope(const HttpResponse& response);
// The error envelope with `status`, an error whose code is `code` (when not empty) and, when
// given, some error whose message contains `message_part` and whose field is `field`.
::testing::AssertionResult IsError(const HttpResponse& response, int status,
                                   std::string_view code = "", std::string_view message_part = "",
                                   std::string_view field = "");

// A JSON string's text; "" for anything else (boost::json::value does not compare to std::string).
inline std::string Str(const json::value& value) {
    return value.is_string() ? std::string(value.get_string()) : std::string();
}

// `data` of an envelope (null when absent or not JSON).
json::value DataOf(const HttpResponse& response);
// `data` of a list envelope as an array (empty when absent).
json::array RowsOf(const HttpResponse& response);
// The "id"s of a list envelope's rows, in order.
std::vector<std::string> IdsOf(const HttpResponse& response);
// All error messages of an error envelope joined with " | " (for failure output).
std::string ErrorText(const HttpResponse& response);
// Short description for assertion messages: status and the first 600 bytes of the body.
std::string Describe(const HttpResponse& response);

// One server per test suite: started in SetUpTestSuite, stopped in TearDownTestSuite, with the
// administrator logged in. Tests that write use records with UniqueId ids so they never
// disturb each other.
class ServerSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;

    static ea::testing::ServerProcess& server() { return *server_; }
    static std::uint16_t port() { return server_->port(); }
    static Api Admin() { return Api(server_->port(), admin_token_); }
    static Api Anonymous() { return Api(server_->port(), ""); }
    static const std::string& admin_token() { return admin_token_; }

    // A demo user's username (role read), from GET /api/user.
    static std::string DemoUsername();

private:
    static std::unique_ptr<ea::testing::ServerProcess> server_;
    static std::string admin_token_;
};

}  // namespace ea::integration
