// Each DocumentService operation writes exactly one AuditEvent with the right fields (ok, denied,
// not found, validation failure, batches), the fail-closed policy (a write whose event cannot be
// kept is refused and changes nothing; a read goes on), and no secret in any event.
#include <mutex>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "service/audit.hpp"
#include "service/audit_scope.hpp"
#include "service_fixture.hpp"
#include "testing/test_schema.hpp"

namespace ea::service::testing {
namespace {

// Keeps every event; refuses Reserve when `refuse` is set (a full or failing sink).
class RecordingSink : public AuditSink {
public:
    Status Reserve() override {
        std::lock_guard lock(mutex);
        if (refuse) {
            return Error{ErrorCode::kUnavailable, "test sink refuses"};
        }
        ++reserved;
        return Ok();
    }
    void Release() override {
        std::lock_guard lock(mutex);
        --reserved;
    }
    void Submit(AuditEventPtr event, bool was_reserved) override {
        std::lock_guard lock(mutex);
        if (was_reserved) {
            --reserved;
        }
        events.push_back(*event);
        reserved_flags.push_back(was_reserved);
    }

    std::mutex mutex;
    bool refuse = false;
    int reserved = 0;
    std::vector<AuditEvent> events;
    std::vector<bool> reserved_flags;
};

Principal Caller(std::string role) {
    return Principal{"usr_caller", "casey", std::move(role), "acc_x", true};
}

RequestContext Rest(std::string role) {
    auto ctx = Context(Channel::kRest, kT0, Caller(std::move(role)));
    ctx.request_id = "req-1";
    return ctx;
}

class AuditServiceTest : public ServiceTest {
protected:
    void SetUp() override { documents_->SetAuditSink(&sink_); }

    // The one event the last operation wrote (fails the test when there is not exactly one).
    AuditEvent Only() {
        EXPECT_EQ(sink_.events.size(), 1u);
        EXPECT_EQ(sink_.reserved, 0) << "a reservation was neither used nor released";
        return sink_.events.empty() ? AuditEvent{} : sink_.events.back();
    }

    RecordingSink sink_;
};

TEST_F(AuditServiceTest, CreateOkWritesOneEventWithTheCallerTheIdAndTheRowCount) {
    auto created = documents_->Create(Rest("admin"), Entity("Event"), EventBody("Jazz"));
    ASSERT_TRUE(created) << created.error().message;
    const AuditEvent event = Only();
    EXPECT_EQ(event.action, "create");
    EXPECT_EQ(event.entity, "Event");
    EXPECT_EQ(event.user_id, "usr_caller");
    EXPECT_EQ(event.username, "casey");
    EXPECT_EQ(event.role, "admin");
    EXPECT_EQ(event.channel, "rest");
    EXPECT_EQ(event.request_id, "req-1");
    EXPECT_EQ(event.outcome, AuditOutcome::kOk);
    EXPECT_EQ(event.error_code, "");
    EXPECT_EQ(event.rows, 1);
    ASSERT_EQ(event.ids.size(), 1u);
    EXPECT_EQ(event.ids[0], std::string((*created)["id"].as_string()));
    EXPECT_GE(event.duration_ms, 0.0);
    EXPECT_TRUE(sink_.reserved_flags.back()) << "a write's event is reserved before it runs";
}

TEST_F(AuditServiceTest, DeniedCreateWritesOneDeniedEvent) {
    auto created = documents_->Create(Rest("read"), Entity("Event"), EventBody("Jazz"));
    ASSERT_FALSE(created);
    ASSERT_EQ(created.error().code, ErrorCode::kForbidden);
    const AuditEvent event = Only();
    EXPECT_EQ(event.action, "create");
    EXPECT_EQ(event.role, "read");
    EXPECT_EQ(event.outcome, AuditOutcome::kDenied);
    EXPECT_EQ(event.error_code, "forbidden");
    EXPECT_EQ(event.rows, 0);
    EXPECT_TRUE(event.ids.empty());
}

TEST_F(AuditServiceTest, GetOfAMissingRecordWritesOneNotFoundEventNamingTheId) {
    auto got = documents_->Get(Rest("admin"), Entity("Event"), "evt_missing");
    ASSERT_FALSE(got);
    const AuditEvent event = Only();
    EXPECT_EQ(event.action, "get");
    EXPECT_EQ(event.outcome, AuditOutcome::kError);
    EXPECT_EQ(event.error_code, "not_found");
    EXPECT_EQ(event.ids, std::vector<std::string>{"evt_missing"});
}

TEST_F(AuditServiceTest, ValidationFailureWritesOneErrorEvent) {
    auto created = documents_->Create(Rest("admin"), Entity("Event"), Json(R"({"title": 5})"));
    ASSERT_FALSE(created);
    ASSERT_EQ(created.error().code, ErrorCode::kValidationFailed);
    const AuditEvent event = Only();
    EXPECT_EQ(event.outcome, AuditOutcome::kError);
    EXPECT_EQ(event.error_code, "validation_failed");
}

TEST_F(AuditServiceTest, UpdateDeleteAndListEachWriteOneEvent) {
    auto created = documents_->Create(Rest("admin"), Entity("Event"), EventBody("Jazz"));
    ASSERT_TRUE(created);
    const std::string id((*created)["id"].as_string());
    sink_.events.clear();

    ASSERT_TRUE(documents_->Patch(Rest("admin"), Entity("Event"), id, Json(R"({"title": "B"})")));
    EXPECT_EQ(Only().action, "update");
    EXPECT_EQ(Only().ids, std::vector<std::string>{id});
    sink_.events.clear();

    auto listed = documents_->List(Rest("admin"), Entity("Event"), query::Query{});
    ASSERT_TRUE(listed);
    EXPECT_EQ(Only().action, "list");
    EXPECT_EQ(Only().rows, 1);
    sink_.events.clear();

    ASSERT_TRUE(documents_->Delete(Rest("admin"), Entity("Event"), id));
    EXPECT_EQ(Only().action, "delete");
    EXPECT_EQ(Only().outcome, AuditOutcome::kOk);
}

TEST_F(AuditServiceTest, ABatchIsOneEventWithEveryIdAndTheRowCount) {
    auto created = documents_->CreateMany(Rest("admin"), Entity("Event"),
                                          {EventBody("A"), EventBody("B"), EventBody("C")});
    ASSERT_TRUE(created) << created.error().message;
    const AuditEvent event = Only();
    EXPECT_EQ(event.action, "batch_create");
    EXPECT_EQ(event.entity, "Event");
    EXPECT_EQ(event.rows, 3);
    EXPECT_EQ(event.ids.size(), 3u);
}

TEST_F(AuditServiceTest, AWriteTheSinkCannotKeepIsRefusedAndChangesNothing) {
    sink_.refuse = true;
    auto created = documents_->Create(Rest("admin"), Entity("Event"), EventBody("Jazz"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(created.error().message.find("audit"), std::string::npos) << created.error().message;
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty()) << "the refused write happened";
    // The refusal is still handed to the sink, unreserved (kept if the sink can).
    const AuditEvent event = Only();
    EXPECT_EQ(event.error_code, "unavailable");
    EXPECT_FALSE(sink_.reserved_flags.back());
}

TEST_F(AuditServiceTest, AReadGoesOnWhenTheSinkCannotPromiseToKeepItsEvent) {
    sink_.refuse = true;
    auto listed = documents_->List(Rest("admin"), Entity("Event"), query::Query{});
    ASSERT_TRUE(listed) << listed.error().message;
    EXPECT_EQ(Only().outcome, AuditOutcome::kOk);
}

TEST_F(AuditServiceTest, McpTransportsAreNamedInTheChannel) {
    auto ctx = Context(Channel::kMcp, kT0, Caller("admin"));
    ctx.transport = Transport::kHttp;
    ASSERT_TRUE(documents_->List(ctx, Entity("Event"), query::Query{}));
    EXPECT_EQ(Only().channel, "mcp-http");
    sink_.events.clear();
    ctx.transport = Transport::kStdio;
    ASSERT_TRUE(documents_->List(ctx, Entity("Event"), query::Query{}));
    EXPECT_EQ(Only().channel, "mcp-stdio");
}

TEST_F(AuditServiceTest, ARefusalByAFaceIsOneDeniedEvent) {
    const Error error =
        documents_->AuditRefusal(Rest("ai_agent"), "delete_user", &Entity("User"),
                                 Error{ErrorCode::kForbidden, "ai_agent role cannot delete User"});
    EXPECT_EQ(error.message, "ai_agent role cannot delete User");
    const AuditEvent event = Only();
    EXPECT_EQ(event.action, "delete_user");
    EXPECT_EQ(event.entity, "User");
    EXPECT_EQ(event.outcome, AuditOutcome::kDenied);
    EXPECT_EQ(event.error_code, "forbidden");
}

TEST_F(AuditServiceTest, ACreatedUsersPasswordIsInNoEvent) {
    const std::string account = MakeAccount();
    sink_.events.clear();
    MakeUser("casey_user", "S3cret-Passw0rd!", account);
    const AuditEvent event = Only();
    const std::string line = boost::json::serialize(ToJson(event));
    EXPECT_EQ(line.find("S3cret-Passw0rd!"), std::string::npos) << line;
    EXPECT_EQ(line.find("argon2"), std::string::npos) << line;
}

TEST(AuditFilterText, MasksTheValuesOfSecretFieldsAndKeepsTheOthers) {
    const auto& user = *ea::testing::DefaultSchema().FindEntity("User");
    query::FilterNode root;
    root.kind = query::FilterNode::Kind::kOr;
    for (const auto& [name, value] :
         {std::pair{"password", "hunter2-secret"}, std::pair{"username", "casey"}}) {
        auto child = std::make_unique<query::FilterNode>();
        child->kind = query::FilterNode::Kind::kComparison;
        child->comparison.field = user.FindField(name);
        child->comparison.op = query::Op::kEq;
        child->comparison.value = boost::json::string(value);
        root.children.push_back(std::move(child));
    }
    EXPECT_EQ(MaskedFilterText(&root),
              R"({"$or":[{"password":{"$eq":"***"}},{"username":{"$eq":"casey"}}]})");
    EXPECT_EQ(MaskedFilterText(nullptr), "");
}

}  // namespace
}  // namespace ea::service::testing
