#include "integration/integration_fixture.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include <sqlite3.h>
#include <unistd.h>

#include "testing/postgres_server.hpp"

namespace ea::integration {

using ea::testing::ServerOptions;
using ea::testing::ServerProcess;

std::unique_ptr<ServerProcess> ServerSuite::server_;
std::string ServerSuite::admin_token_;

bool OnPostgres() {
    static const bool on = [] {
        const char* store = std::getenv("EA_TEST_STORE");
        return store != nullptr && std::string_view(store) == "postgresql";
    }();
    return on;
}

namespace {

// A fresh database with the demo data: the first call seeds `demo_template` with seed-demo, each
// call copies it (much faster than seeding: a file copy on the server). "" with a test failure
// when PostgreSQL cannot be started or the copy fails.
std::string FreshDemoDatabase(const ServerOptions& options) {
    static std::mutex mutex;
    static bool seeded = false;
    static int next = 0;
    auto* pg = ea::testing::PostgresServer::Shared();
    if (pg == nullptr) {
        return "";
    }
    const std::string password = ea::testing::PostgresServer::kPassword;
    std::lock_guard lock(mutex);
    if (!seeded) {
        if (auto error = pg->Execute("postgres", "CREATE DATABASE demo_template"); !error.empty()) {
            ADD_FAILURE() << "CREATE DATABASE demo_template: " << error;
            return "";
        }
        auto seed = ea::testing::RunCommand(
            options.binary, {"--schema", options.schema.string(), "--db",
                             pg->Url("demo_template", "postgres", password), "seed-demo"});
        if (seed.exit_code != 0) {
            ADD_FAILURE() << "seed-demo on PostgreSQL failed: " << seed.err;
            return "";
        }
        seeded = true;
    }
    const std::string name = "itest_" + std::to_string(++next);
    if (auto error = pg->Execute("postgres", "CREATE DATABASE " + name + " TEMPLATE demo_template");
        !error.empty()) {
        ADD_FAILURE() << "CREATE DATABASE " << name << ": " << error;
        return "";
    }
    return pg->Url(name, "postgres", password);
}

}  // namespace

void UseDataOf(const ServerProcess& server, ServerOptions& options) {
    if (server.db_path().empty()) {
        options.db_url = server.db_url();
        if (!server.sessions_url().empty()) {
            options.env["EVENTS_API_SESSIONS"] = server.sessions_url();
        }
    } else {
        options.db_url.clear();
        options.template_db = server.db_path();
    }
}

namespace {

std::string DatabaseNameOf(const ServerProcess& server) {
    const std::string url = server.db_url();
    return url.substr(url.rfind('/') + 1);
}

}  // namespace

std::string StoreExec(const ServerProcess& server, const std::string& sql) {
    if (server.db_path().empty()) {
        auto* pg = ea::testing::PostgresServer::Shared();
        return pg == nullptr ? "no PostgreSQL" : pg->Execute(DatabaseNameOf(server), sql);
    }
    sqlite3* db = nullptr;
    std::string error;
    if (sqlite3_open(server.db_path().c_str(), &db) != SQLITE_OK) {
        error = sqlite3_errmsg(db);
    } else {
        sqlite3_busy_timeout(db, 5000);
        char* message = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            error = message != nullptr ? message : "failed";
        }
        sqlite3_free(message);
    }
    sqlite3_close(db);
    return error;
}

std::string StoreValue(const ServerProcess& server, const std::string& sql) {
    if (server.db_path().empty()) {
        auto* pg = ea::testing::PostgresServer::Shared();
        return pg == nullptr ? "" : pg->Value(DatabaseNameOf(server), sql);
    }
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open(server.db_path().c_str(), &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            const auto* text = sqlite3_column_text(statement, 0);
            out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return out;
}

std::map<std::string, std::string> CommandEnv(const ServerProcess& server,
                                              std::map<std::string, std::string> extra) {
    if (!server.sessions_url().empty()) {
        extra.emplace("EVENTS_API_SESSIONS", server.sessions_url());
    }
    return extra;
}

ServerOptions DemoServerOptions() {
    ServerOptions options;
    options.binary = EA_BINARY;
    options.schema = std::filesystem::path(EA_SOURCE_DIR) / "schema.yaml";
    options.admin_password = kAdminPassword;
    if (OnPostgres()) {
        options.db_url = FreshDemoDatabase(options);
        return options;
    }
#ifdef EA_DEMO_DB
    // Seeded once at build time: copying it is much faster than seeding per suite.
    if (std::filesystem::exists(EA_DEMO_DB)) {
        options.template_db = EA_DEMO_DB;
    }
#endif
    return options;
}

std::unique_ptr<ServerProcess> StartServer(const ServerOptions& options) {
    std::string error;
    auto server = ServerProcess::Start(options, &error);
    if (!server) {
        ADD_FAILURE() << "could not start events-api serve: " << error;
    }
    return server;
}

std::string LoginToken(std::uint16_t port, std::string_view username, std::string_view password) {
    const json::object body{{"username", username}, {"password", password}};
    auto response =
        ea::testing::Request(port, "POST", "/user/auth/login",
                             {{"Content-Type", "application/json"}}, json::serialize(body));
    auto parsed = response.Json();
    if (response.status != 200 || !parsed.is_object() || !parsed.as_object().contains("token")) {
        ADD_FAILURE() << "login as " << username << " failed: " << Describe(response);
        return "";
    }
    return std::string(parsed.at("token").as_string());
}

json::object EventBody(const std::string& title) {
    return json::object{{"url", "https://example.com/events/1"},
                        {"title", title},
                        {"dateTime", "2025-06-01T18:30:00Z"},
                        {"location", "Austin, TX"},
                        {"cost", 12.5}};
}

std::string UniqueId(std::string_view prefix) {
    static std::atomic<int> counter{0};
    return std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

namespace {

Headers WithAuth(const std::string& token, Headers headers) {
    if (!token.empty()) {
        headers.emplace_back("Authorization", "Bearer " + token);
    }
    return headers;
}

}  // namespace

HttpResponse Api::Get(std::string_view target, const Headers& extra) const {
    return ea::testing::Request(port_, "GET", target, WithAuth(token_, extra));
}

HttpResponse Api::Delete(std::string_view target, const Headers& extra) const {
    return ea::testing::Request(port_, "DELETE", target, WithAuth(token_, extra));
}

HttpResponse Api::Post(std::string_view target, const json::value& body,
                       const Headers& extra) const {
    return Send("POST", target, json::serialize(body), "application/json", extra);
}

HttpResponse Api::Put(std::string_view target, const json::value& body,
                      const Headers& extra) const {
    return Send("PUT", target, json::serialize(body), "application/json", extra);
}

HttpResponse Api::Patch(std::string_view target, const json::value& body,
                        const Headers& extra) const {
    return Send("PATCH", target, json::serialize(body), "application/json", extra);
}

HttpResponse Api::Send(std::string_view method, std::string_view target, std::string_view body,
                       std::string_view content_type, const Headers& extra) const {
    Headers headers = WithAuth(token_, extra);
    if (!content_type.empty()) {
        headers.emplace_back("Content-Type", std::string(content_type));
    }
    return ea::testing::Request(port_, method, target, headers, body);
}

std::string Describe(const HttpResponse& response) {
    if (response.status == 0) {
        return "no response (" + response.error + ")";
    }
    return "HTTP " + std::to_string(response.status) + " " + response.body.substr(0, 600);
}

json::value DataOf(const HttpResponse& response) {
    auto parsed = response.Json();
    if (!parsed.is_object()) {
        return nullptr;
    }
    const auto* data = parsed.as_object().if_contains("data");
    return data == nullptr ? json::value(nullptr) : *data;
}

json::array RowsOf(const HttpResponse& response) {
    auto data = DataOf(response);
    return data.is_array() ? data.as_array() : json::array();
}

std::vector<std::string> IdsOf(const HttpResponse& response) {
    std::vector<std::string> ids;
    for (const auto& row : RowsOf(response)) {
        const auto* id = row.is_object() ? row.as_object().if_contains("id") : nullptr;
        ids.push_back(id != nullptr && id->is_string() ? std::string(id->as_string()) : "?");
    }
    return ids;
}

std::string ErrorText(const HttpResponse& response) {
    std::string text;
    auto parsed = response.Json();
    if (!parsed.is_object()) {
        return "(not JSON) " + response.body.substr(0, 200);
    }
    const auto* notes = parsed.as_object().if_contains("notifications");
    const auto* errors =
        notes != nullptr && notes->is_object() ? notes->as_object().if_contains("errors") : nullptr;
    if (errors == nullptr || !errors->is_array()) {
        return "(no errors)";
    }
    for (const auto& error : errors->as_array()) {
        text += text.empty() ? "" : " | ";
        text += json::serialize(error);
    }
    return text;
}

::testing::AssertionResult IsSuccess(const HttpResponse& response, int status) {
    if (response.status != status) {
        return ::testing::AssertionFailure()
               << "expected " << status << ", got " << Describe(response);
    }
    auto parsed = response.Json();
    if (!parsed.is_object()) {
        return ::testing::AssertionFailure() << "body is not a JSON object: " << Describe(response);
    }
    const auto& body = parsed.as_object();
    if (!body.contains("data") || !body.contains("notifications") ||
        !body.at("notifications").is_object() || !body.contains("status") ||
        body.at("status") != "success") {
        return ::testing::AssertionFailure() << "not a success envelope: " << Describe(response);
    }
    if (response.Header("Content-Type").find("application/json") == std::string::npos) {
        return ::testing::AssertionFailure()
               << "Content-Type is " << response.Header("Content-Type");
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsListEnvelope(const HttpResponse& response) {
    if (auto ok = IsSuccess(response); !ok) {
        return ok;
    }
    auto body = response.Json().as_object();
    if (!body.at("data").is_array()) {
        return ::testing::AssertionFailure() << "data is not an array: " << Describe(response);
    }
    const auto* pagination = body.if_contains("pagination");
    if (pagination == nullptr || !pagination->is_object()) {
        return ::testing::AssertionFailure() << "no pagination: " << Describe(response);
    }
    const auto& p = pagination->as_object();
    for (const char* key : {"totalIsEstimate", "hasMore"}) {
        if (!p.contains(key) || !p.at(key).is_bool()) {
            return ::testing::AssertionFailure()
                   << "pagination." << key << " missing or not a boolean: " << Describe(response);
        }
    }
    // count=none: total and totalPages are null together.
    const bool counted = !(p.contains("total") && p.at("total").is_null());
    for (const char* key : {"page", "pageSize", "total", "totalPages"}) {
        const bool may_be_null = !counted && std::string_view(key).rfind("total", 0) == 0;
        if (!p.contains(key) || !(p.at(key).is_int64() || (may_be_null && p.at(key).is_null()))) {
            return ::testing::AssertionFailure()
                   << "pagination." << key << " missing or not an integer: " << Describe(response);
        }
    }
    if (!counted) {
        if (p.at("totalIsEstimate").as_bool()) {
            return ::testing::AssertionFailure() << "a null total marked as an estimate";
        }
        return ::testing::AssertionSuccess();
    }
    const auto total = p.at("total").as_int64();
    const auto size = p.at("pageSize").as_int64();
    const auto expected_pages = total == 0 ? 0 : (total + size - 1) / size;
    if (p.at("totalPages").as_int64() != expected_pages) {
        return ::testing::AssertionFailure() << "totalPages " << p.at("totalPages").as_int64()
                                             << " != ceil(" << total << "/" << size << ")";
    }
    if (static_cast<std::int64_t>(body.at("data").as_array().size()) > size) {
        return ::testing::AssertionFailure() << "more rows than pageSize";
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsError(const HttpResponse& response, int status, std::string_view code,
                                   std::string_view message_part, std::string_view field) {
    if (response.status != status) {
        return ::testing::AssertionFailure()
               << "expected " << status << ", got " << Describe(response);
    }
    auto parsed = response.Json();
    if (!parsed.is_object()) {
        return ::testing::AssertionFailure() << "body is not a JSON object: " << Describe(response);
    }
    const auto& body = parsed.as_object();
    const auto* notes = body.if_contains("notifications");
    if (!body.contains("data") || !body.at("data").is_null() ||
        body.if_contains("status") == nullptr || body.at("status") != "error" || notes == nullptr ||
        !notes->is_object()) {
        return ::testing::AssertionFailure() << "not an error envelope: " << Describe(response);
    }
    if (response.Header("Content-Type").find("application/json") == std::string::npos) {
        return ::testing::AssertionFailure()
               << "error Content-Type is '" << response.Header("Content-Type") << "'";
    }
    const auto& n = notes->as_object();
    if (!n.contains("errors") || !n.at("errors").is_array() || n.at("errors").as_array().empty() ||
        !n.contains("warnings") || !n.at("warnings").is_object() ||
        !n.contains("request_warnings") || !n.at("request_warnings").is_array()) {
        return ::testing::AssertionFailure()
               << "notifications lack errors/warnings/request_warnings: " << Describe(response);
    }
    bool code_seen = code.empty();
    bool match_seen = message_part.empty() && field.empty();
    for (const auto& error : n.at("errors").as_array()) {
        if (!error.is_object() || !error.as_object().contains("code") ||
            !error.as_object().contains("message")) {
            return ::testing::AssertionFailure()
                   << "an error lacks code or message: " << Describe(response);
        }
        const auto& e = error.as_object();
        code_seen = code_seen || Str(e.at("code")) == code;
        const std::string message =
            e.at("message").is_string() ? std::string(e.at("message").as_string()) : std::string();
        const auto* f = e.if_contains("field");
        const bool field_ok =
            field.empty() || (f != nullptr && f->is_string() && f->as_string() == field);
        const bool message_ok =
            message_part.empty() || message.find(message_part) != std::string::npos;
        match_seen = match_seen || (field_ok && message_ok);
    }
    if (!code_seen) {
        return ::testing::AssertionFailure()
               << "no error with code " << code << ": " << ErrorText(response);
    }
    if (!match_seen) {
        return ::testing::AssertionFailure()
               << "no error with field '" << field << "' and message containing '" << message_part
               << "': " << ErrorText(response);
    }
    return ::testing::AssertionSuccess();
}

void ServerSuite::SetUpTestSuite() {
    server_ = StartServer(DemoServerOptions());
    if (server_) {
        admin_token_ = LoginToken(server_->port(), "admin", kAdminPassword);
    }
}

void ServerSuite::TearDownTestSuite() {
    server_.reset();
    admin_token_.clear();
}

void ServerSuite::SetUp() {
    ASSERT_TRUE(server_ != nullptr) << "the suite's server did not start";
    ASSERT_FALSE(admin_token_.empty()) << "the administrator could not log in";
}

std::string ServerSuite::DemoUsername() {
    auto response = Admin().Get("/api/user?filter=role:read&sort=username&pageSize=1");
    auto rows = RowsOf(response);
    if (rows.empty()) {
        ADD_FAILURE() << "no demo user: " << Describe(response);
        return "";
    }
    return std::string(rows[0].at("username").as_string());
}

}  // namespace ea::integration
