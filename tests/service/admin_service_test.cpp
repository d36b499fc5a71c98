// AdminService on a real SQLite file: the report's counts, the admin-only rule and the guarded
// reset.
#include "service/admin_service.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using ::testing::HasSubstr;

class AdminServiceTest : public ServiceTest {
protected:
    AdminService admin_{schema(), *store_};

    static RequestContext As(std::string role, bool authenticated = true) {
        return Context(Channel::kRest, kT0,
                       Principal{"usr_1", "someone", std::move(role), "acc_1", authenticated});
    }
};

TEST_F(AdminServiceTest, ReportCountsEveryEntity) {
    const auto account = MakeAccount();
    MakeAccount();
    MakeUser("alice", "alice-password", account);
    ASSERT_TRUE(documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("E")));

    auto report = admin_.Report(As("admin"));
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->at("database").as_string(), "sqlite");
    EXPECT_EQ(report->at("schemaVersion").as_string(), schema().version());
    const auto& entities = report->at("report").at("entities").as_object();
    EXPECT_EQ(entities.size(), 8u);
    EXPECT_EQ(entities.at("Account").as_int64(), 2);
    EXPECT_EQ(entities.at("User").as_int64(), 1);
    EXPECT_EQ(entities.at("Event").as_int64(), 1);
    EXPECT_EQ(entities.at("Crawl").as_int64(), 0);
    EXPECT_EQ(report->at("report").at("totalRecords").as_int64(), 4);
}

TEST_F(AdminServiceTest, NonAdminsAreForbidden) {
    MakeAccount("acc_keep");
    for (const auto& ctx : {As("read"), As("ai_agent"), As("Admin"), As("admin", false), As("")}) {
        auto report = admin_.Report(ctx);
        ASSERT_FALSE(report) << ctx.principal.role;
        EXPECT_EQ(report.error().code, ErrorCode::kForbidden);
        auto reset = admin_.Reset(ctx, kResetConfirmation);
        ASSERT_FALSE(reset) << ctx.principal.role;
        EXPECT_EQ(reset.error().code, ErrorCode::kForbidden);
    }
    EXPECT_TRUE(store_->Get(Entity("Account"), "acc_keep"));
}

TEST_F(AdminServiceTest, ResetNeedsTheExactConfirmation) {
    MakeAccount("acc_keep");
    for (const std::string_view wrong :
         {std::string_view(""), std::string_view("delete all data"),
          std::string_view("DELETE ALL DATA "), std::string_view("yes")}) {
        auto reset = admin_.Reset(As("admin"), wrong);
        ASSERT_FALSE(reset) << wrong;
        EXPECT_EQ(reset.error().code, ErrorCode::kInvalidArgument);
        EXPECT_THAT(reset.error().message, HasSubstr(std::string(kResetConfirmation)));
        ASSERT_EQ(reset.error().fields.size(), 1u);
        EXPECT_EQ(reset.error().fields[0].field, "confirm");
    }
    EXPECT_TRUE(store_->Get(Entity("Account"), "acc_keep"));
}

TEST_F(AdminServiceTest, ResetEmptiesEveryTableAndTheStoreStaysUsable) {
    const auto account = MakeAccount();
    MakeUser("alice", "alice-password", account);
    ASSERT_TRUE(documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("E")));

    ASSERT_TRUE(admin_.Reset(As("admin"), kResetConfirmation));
    auto report = admin_.Report(As("admin"));
    ASSERT_TRUE(report) << report.error().message;
    for (const auto& [name, count] : report->at("report").at("entities").as_object()) {
        EXPECT_EQ(count.as_int64(), 0) << name;
    }
    EXPECT_EQ(report->at("report").at("totalRecords").as_int64(), 0);
    EXPECT_FALSE(store_->Get(Entity("Account"), account));

    // The re-created tables take writes again.
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("Again"));
    EXPECT_TRUE(created) << created.error().message;
}

TEST_F(AdminServiceTest, TheSystemPrincipalIsAnAdmin) {
    EXPECT_TRUE(AdminService::RequireAdmin(Context(Channel::kCli)));
    // Without a channel even the system principal is refused.
    RequestContext unset;
    unset.principal = Principal::System();
    auto refused = AdminService::RequireAdmin(unset);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
}

}  // namespace
}  // namespace ea::service::testing
