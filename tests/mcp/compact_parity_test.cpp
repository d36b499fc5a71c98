// Compact mode validates exactly like the per-entity tools: one script of good and bad calls
// (as an administrator and as ai_agent, up to and past ai_agent's rate limit) runs through the
// per-entity tools on one database and through the compact tools on another, and every answer
// and every audit event must be the same.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "mcp/untrusted_data.hpp"
#include "mcp_fixture.hpp"
#include "ratelimit/token_bucket.hpp"
#include "service/audit.hpp"
#include "service/call_limiter.hpp"

namespace ea::mcp::testing {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

class RecordingSink : public service::AuditSink {
public:
    Status Reserve() override { return Ok(); }
    void Release() override {}
    void Submit(service::AuditEventPtr event, bool) override {
        std::lock_guard lock(mutex_);
        events_.push_back(*event);
    }
    std::vector<service::AuditEvent> events() {
        std::lock_guard lock(mutex_);
        return events_;
    }

private:
    std::mutex mutex_;
    std::vector<service::AuditEvent> events_;
};

// ai_agent: 8 data calls, then one back every 450 s (so "retry in N s" is the same in both runs).
constexpr int kAgentCalls = 8;
constexpr int kAgentPeriodSeconds = 3600;

// One database and server; the script below runs once on each.
class World : public McpTest {
public:
    explicit World(ToolsMode mode) {
        std::map<std::string, ratelimit::RateLimiterPtr, std::less<>> by_role;
        by_role.emplace("ai_agent",
                        ratelimit::TokenBucket::Create(
                            {static_cast<double>(kAgentCalls),
                             static_cast<double>(kAgentCalls) / kAgentPeriodSeconds, 1000})
                            .value());
        limiter_ = std::make_unique<service::CallLimiter>(
            std::vector<service::RoleRateLimit>{
                {"ai_agent", kAgentCalls, std::chrono::seconds(kAgentPeriodSeconds)}},
            std::move(by_role));
        documents_->SetCallLimiter(*limiter_);
        documents_->SetAuditSink(&sink_);
        InitializeSession("2025-11-25");
        connection_.tools_mode = mode;
        account_ = "acc_parity";
        (void)documents_->Create(
            service::RequestContext{Principal::System(), "test", service::Channel::kCli},
            *schema_->FindEntity("Account"), object{{"id", account_}});
    }
    void TestBody() override {}

    // The whole JSON-RPC answer to one tools/call, as `principal`.
    value Call(const Principal& principal, std::string_view name, object arguments) {
        connection_.principal = principal;
        return Request("tools/call", object{{"name", name}, {"arguments", std::move(arguments)}});
    }
    std::vector<service::AuditEvent> Events() { return sink_.events(); }
    const std::string& account() const { return account_; }

private:
    RecordingSink sink_;
    std::unique_ptr<service::CallLimiter> limiter_;
    std::string account_;
};

// Timestamps differ between the two runs; everything else must not.
void MaskTimes(value& v) {
    if (auto* o = v.if_object()) {
        for (auto& [key, item] : *o) {
            if (key == "createdAt" || key == "updatedAt") {
                item = "<time>";
            } else {
                MaskTimes(item);
            }
        }
    } else if (auto* a = v.if_array()) {
        for (auto& item : *a) {
            MaskTimes(item);
        }
    }
}

std::string Normalized(value answer) {
    MaskTimes(answer);
    if (auto* content = answer.as_object().if_contains("result")) {
        if (auto* blocks = content->as_object().if_contains("content")) {
            for (auto& block : blocks->as_array()) {
                auto& text = block.as_object()["text"];
                // A record result's frame names the tool called and a fresh nonce: compare the
                // JSON inside it.
                const std::string_view framed = UnframeUntrustedData(text.as_string());
                boost::system::error_code ec;
                value parsed = boost::json::parse(
                    framed.empty() ? std::string_view(text.as_string()) : framed, ec);
                if (!ec) {
                    MaskTimes(parsed);
                    text = boost::json::serialize(parsed);
                }
            }
        }
    }
    return boost::json::serialize(answer);
}

std::string Shown(const service::AuditEvent& e) {
    std::string ids;
    for (const auto& id : e.ids) {
        ids += id + ",";
    }
    return e.user_id + " " + e.role + " " + e.channel + " " + e.action + " " + e.entity + " [" +
           ids + "] filter=" + e.filter + " " + std::string(service::ToString(e.outcome)) + " " +
           e.error_code + " rows=" + std::to_string(e.rows) + " " + e.request_id;
}

// A per-entity call and the compact call that must answer the same.
struct Case {
    std::string what;
    const Principal* as;
    std::string tool;
    object arguments;
    std::string compact_tool;
    object compact_arguments;
    // The answer must be an error (isError, or a JSON-RPC error) or a success: not taken from
    // the code under test, so a case that silently turns into a success is caught.
    bool error;
};

class CompactParityTest : public ::testing::Test {
protected:
    World per_entity_{ToolsMode::kPerEntity};
    World compact_{ToolsMode::kCompact};
};

object UserData(const std::string& id, const std::string& username, const std::string& account) {
    return object{{"id", id},
                  {"username", username},
                  {"email", username + "@example.com"},
                  {"password", "long-enough-password"},
                  {"firstName", "Parity"},
                  {"lastName", "Tester"},
                  {"isAccountOwner", false},
                  {"accountId", account}};
}

object With(object base, std::initializer_list<std::pair<std::string, value>> extra) {
    for (const auto& [key, item] : extra) {
        base[key] = item;
    }
    return base;
}

TEST_F(CompactParityTest, SameAnswersDenialsAuditEventsAndRateLimitAsThePerEntityTools) {
    const std::string account = per_entity_.account();
    const Principal admin{"usr_admin", "root", "admin", account, true};
    const Principal agent{"usr_agent", "claude", "ai_agent", account, true};
    const object good_user = UserData("usr_parity1", "parity1", account);
    object bad_email = UserData("usr_parity2", "parity2", account);
    bad_email["email"] = "not-an-email";
    const object profile{{"id", "pro_parity1"}, {"name", "Home"}, {"userId", "usr_parity1"}};

    std::vector<Case> cases = {
        // As an administrator: good writes and reads, then every kind of bad input.
        {"create", &admin, "create_user", good_user, "create",
         object{{"entity", "User"}, {"data", good_user}}, false},
        {"validation", &admin, "create_user", bad_email, "create",
         object{{"entity", "user"}, {"data", bad_email}}, true},
        {"unknown field", &admin, "create_user", With(good_user, {{"nickname", "x"}}), "create",
         object{{"entity", "User"}, {"data", With(good_user, {{"nickname", "x"}})}}, true},
        {"conflict", &admin, "create_user", With(good_user, {{"id", "usr_parity3"}}), "create",
         object{{"entity", "users"}, {"data", With(good_user, {{"id", "usr_parity3"}})}}, true},
        {"create profile", &admin, "create_profile", profile, "create",
         object{{"entity", "Profile"}, {"data", profile}}, false},
        {"get", &admin, "get_user", object{{"id", "usr_parity1"}}, "get",
         object{{"entity", "User"}, {"id", "usr_parity1"}}, false},
        {"get with view", &admin, "get_profile",
         object{{"id", "pro_parity1"}, {"view", object{{"user", array{"id", "username"}}}}}, "get",
         object{{"entity", "Profile"},
                {"id", "pro_parity1"},
                {"view", object{{"user", array{"id", "username"}}}}},
         false},
        {"not found", &admin, "get_user", object{{"id", "usr_missing"}}, "get",
         object{{"entity", "User"}, {"id", "usr_missing"}}, true},
        {"list with operators", &admin, "list_users",
         object{{"filter", object{{"username", object{{"$in", array{"parity1", "x"}}}}}},
                {"sort", array{object{{"field", "createdAt"}, {"direction", "desc"}}}},
                {"pageSize", 5}},
         "query",
         object{{"entity", "User"},
                {"filter", object{{"username", object{{"$in", array{"parity1", "x"}}}}}},
                {"sort", array{object{{"field", "createdAt"}, {"direction", "desc"}}}},
                {"pageSize", 5}},
         false},
        {"list contains", &admin, "list_users",
         object{{"filter", object{{"username", "arity"}}}, {"filter_matching", "contains"}},
         "query",
         object{{"entity", "User"},
                {"filter", object{{"username", "arity"}}},
                {"filter_matching", "contains"}},
         false},
        {"bad operator", &admin, "list_users",
         object{{"filter", object{{"username", object{{"$regex", "x"}}}}}}, "query",
         object{{"entity", "User"}, {"filter", object{{"username", object{{"$regex", "x"}}}}}},
         true},
        {"unknown filter field", &admin, "list_events", object{{"filter", object{{"nope", 1}}}},
         "query", object{{"entity", "Event"}, {"filter", object{{"nope", 1}}}}, true},
        {"bad sort", &admin, "list_users", object{{"sort", array{object{{"field", "nope"}}}}},
         "query", object{{"entity", "User"}, {"sort", array{object{{"field", "nope"}}}}}, true},
        {"unknown argument", &admin, "list_users", object{{"filer", object{}}}, "query",
         object{{"entity", "User"}, {"filer", object{}}}, true},
        {"page size", &admin, "list_users", object{{"pageSize", 5000}}, "query",
         object{{"entity", "User"}, {"pageSize", 5000}}, true},
        {"update", &admin, "update_user", object{{"id", "usr_parity1"}, {"lastName", "Changed"}},
         "update",
         object{
             {"entity", "User"}, {"id", "usr_parity1"}, {"data", object{{"lastName", "Changed"}}}},
         false},
        {"update invalid", &admin, "update_user", object{{"id", "usr_parity1"}, {"email", "bad"}},
         "update",
         object{{"entity", "User"}, {"id", "usr_parity1"}, {"data", object{{"email", "bad"}}}},
         true},
        {"update missing", &admin, "update_profile", object{{"id", "pro_missing"}, {"name", "x"}},
         "update",
         object{{"entity", "Profile"}, {"id", "pro_missing"}, {"data", object{{"name", "x"}}}},
         true},
        {"delete missing", &admin, "delete_profile", object{{"id", "pro_missing"}}, "delete",
         object{{"entity", "Profile"}, {"id", "pro_missing"}}, true},
        // As ai_agent: its role's rules, refusals by name, then its rate limit.
        {"agent list", &agent, "list_users", object{{"filter", object{{"username", "parity1"}}}},
         "query", object{{"entity", "User"}, {"filter", object{{"username", "parity1"}}}}, false},
        {"agent forbidden filter", &agent, "list_users",
         object{{"filter", object{{"lastName", "Changed"}}}}, "query",
         object{{"entity", "User"}, {"filter", object{{"lastName", "Changed"}}}}, true},
        {"agent page size clamped", &agent, "list_users", object{{"pageSize", 500}}, "query",
         object{{"entity", "User"}, {"pageSize", 500}}, false},
        {"agent denied create", &agent, "create_event", object{{"name", "x"}}, "create",
         object{{"entity", "Event"}, {"data", object{{"name", "x"}}}}, true},
        {"agent denied update", &agent, "update_user", object{{"id", "usr_parity1"}}, "update",
         object{{"entity", "User"}, {"id", "usr_parity1"}, {"data", object{{"lastName", "y"}}}},
         true},
        {"agent read-only field", &agent, "create_user",
         With(UserData("usr_parity4", "parity4", account), {{"role", "admin"}}), "create",
         object{{"entity", "User"},
                {"data", With(UserData("usr_parity4", "parity4", account), {{"role", "admin"}})}},
         true},
        {"agent get", &agent, "get_profile", object{{"id", "pro_parity1"}}, "get",
         object{{"entity", "Profile"}, {"id", "pro_parity1"}}, false},
        {"agent update profile", &agent, "update_profile",
         object{{"id", "pro_parity1"}, {"radiusMiles", 5}}, "update",
         object{{"entity", "Profile"}, {"id", "pro_parity1"}, {"data", object{{"radiusMiles", 5}}}},
         false},
    };
    // Each data call above of ai_agent counts (refusals by name do not); these use up the rest
    // of its budget and go past it.
    for (int i = 0; i < 6; ++i) {
        cases.push_back({"agent budget " + std::to_string(i), &agent, "get_user",
                         object{{"id", "usr_parity1"}}, "get",
                         object{{"entity", "User"}, {"id", "usr_parity1"}}, i >= 2});
    }

    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        const value direct = per_entity_.Call(*c.as, c.tool, c.arguments);
        const value generic = compact_.Call(*c.as, c.compact_tool, c.compact_arguments);
        EXPECT_EQ(Normalized(generic), Normalized(direct));
        const auto* result = direct.as_object().if_contains("result");
        const bool is_error = result == nullptr || result->at("isError") == value(true);
        EXPECT_EQ(is_error, c.error) << boost::json::serialize(direct);
    }
    // The last calls were over ai_agent's limit, in both modes alike (compared above).
    const value limited = compact_.Call(agent, "get", object{{"entity", "User"}, {"id", "x"}});
    EXPECT_NE(boost::json::serialize(limited).find("Rate limit exceeded"), std::string::npos)
        << boost::json::serialize(limited);

    const auto direct_events = per_entity_.Events();
    const auto generic_events = compact_.Events();
    ASSERT_EQ(generic_events.size(), direct_events.size() + 1) << "one more: the call just above";
    ASSERT_GE(direct_events.size(), 25u);
    for (std::size_t i = 0; i < direct_events.size(); ++i) {
        EXPECT_EQ(Shown(generic_events[i]), Shown(direct_events[i])) << "audit event " << i;
    }
}

}  // namespace
}  // namespace ea::mcp::testing
