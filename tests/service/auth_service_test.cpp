// AuthService with real parts: users written by DocumentService into a SQLite file, the SQLite
// session store in the same file (as the app wires it), and in-process token buckets.
#include "service/auth_service.hpp"

#include <chrono>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "auth/session_store.hpp"
#include "auth/token.hpp"
#include "ratelimit/token_bucket.hpp"
#include "service/admin_service.hpp"
#include "service/session_revoker.hpp"
#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPassword = "alice-password";
constexpr int kUserBurst = 3;     // failed attempts per username before the limiter answers
constexpr int kAddressBurst = 6;  // attempts per client address

std::unique_ptr<ratelimit::TokenBucket> Bucket(double capacity) {
    auto bucket = ratelimit::TokenBucket::Create({capacity, 0.1, 1000});
    if (!bucket) {
        ADD_FAILURE() << bucket.error().message;
        std::abort();
    }
    return *std::move(bucket);
}

class AuthServiceTest : public ServiceTest {
protected:
    AuthServiceTest() {
        auto sessions = auth::OpenSessionStore("", dir_ / "t.db");
        if (!sessions) {
            ADD_FAILURE() << sessions.error().message;
            std::abort();
        }
        sessions_ = *std::move(sessions);
        account_ = MakeAccount("acc_main");
        alice_ = MakeUser("alice", kPassword, account_, "ai_agent");
        now_ = std::chrono::system_clock::now();
    }

    AuthService& Service(AuthOptions options = {}) {
        auth_ = std::make_unique<AuthService>(*store_, *sessions_, *user_limiter_,
                                              *address_limiter_, options);
        return *auth_;
    }

    Result<LoginResult> Login(std::string_view username, std::string_view password,
                              std::string_view address = "192.0.2.1") {
        if (!auth_) {
            Service();
        }
        return auth_->Login(Entity("User"), username, password, address, now_);
    }

    auth::SessionStorePtr sessions_;
    std::unique_ptr<ratelimit::TokenBucket> user_limiter_ = Bucket(kUserBurst);
    std::unique_ptr<ratelimit::TokenBucket> address_limiter_ = Bucket(kAddressBurst);
    std::unique_ptr<AuthService> auth_;
    std::string account_;
    Record alice_;
    TimePoint now_;
};

TEST_F(AuthServiceTest, LoginReturnsATokenWhoseSessionNamesTheUser) {
    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login) << login.error().message;
    EXPECT_EQ(login->token.size(), auth::kTokenLength);
    EXPECT_EQ(login->token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(login->session.token_hash, auth::HashToken(login->token));
    EXPECT_EQ(login->session.expires_at, now_ + seconds(3600));

    auto principal = auth_->Authenticate(login->token, now_ + seconds(1));
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user_id, alice_.at("id").as_string());
    EXPECT_EQ(principal->username, "alice");
    EXPECT_EQ(principal->role, "ai_agent");
    EXPECT_EQ(principal->account_id, "acc_main");
    EXPECT_TRUE(principal->authenticated);
}

TEST_F(AuthServiceTest, EachLoginGetsADistinctToken) {
    auto first = Login("alice", kPassword);
    auto second = Login("alice", kPassword);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->token, second->token);
    EXPECT_TRUE(auth_->Authenticate(first->token, now_));
    EXPECT_TRUE(auth_->Authenticate(second->token, now_));
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownUserAreIndistinguishable) {
    auto wrong = Login("alice", "not-the-password");
    auto unknown = Login("nobody", kPassword);
    auto empty = Login("", "");
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    ASSERT_FALSE(empty);
    for (const Error& error : {wrong.error(), unknown.error(), empty.error()}) {
        EXPECT_EQ(error.code, ErrorCode::kUnauthenticated);
        EXPECT_EQ(error.message, wrong.error().message);
        EXPECT_TRUE(error.fields.empty());
        EXPECT_EQ(error.retry_after_seconds, 0);
        EXPECT_THAT(error.message, Not(HasSubstr("alice")));
        EXPECT_THAT(error.message, Not(HasSubstr("nobody")));
    }
    EXPECT_EQ(wrong.error().message, "invalid username or password");
}

TEST_F(AuthServiceTest, LoginIsCaseSensitiveOnTheStoredUsername) {
    // The login field is compared exactly; "ALICE" is another (unknown) user.
    auto upper = Login("ALICE", kPassword);
    ASSERT_FALSE(upper);
    EXPECT_EQ(upper.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, RepeatedFailuresForOneUsernameAreRateLimited) {
    for (int i = 0; i < kUserBurst; ++i) {
        auto failed = Login("alice", "wrong-" + std::to_string(i), "192.0.2." + std::to_string(i));
        ASSERT_FALSE(failed);
        EXPECT_EQ(failed.error().code, ErrorCode::kUnauthenticated) << "attempt " << i;
    }
    // Now even the right password is refused, from any address, until the bucket refills.
    auto limited = Login("alice", kPassword, "198.51.100.7");
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
    EXPECT_GT(limited.error().retry_after_seconds, 0);
    EXPECT_THAT(limited.error().message, Not(HasSubstr("alice")));

    // Another username is not affected by alice's bucket.
    auto other = Login("nobody", "x", "198.51.100.7");
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, ErrorCode::kUnauthenticated);

    // After the advertised wait the user may try again.
    now_ += seconds(limited.error().retry_after_seconds);
    auto later = Login("alice", kPassword, "198.51.100.7");
    EXPECT_TRUE(later) << later.error().message;
}

TEST_F(AuthServiceTest, RepeatedAttemptsFromOneAddressAreRateLimited) {
    for (int i = 0; i < kAddressBurst; ++i) {
        auto failed = Login("user" + std::to_string(i), "wrong", "203.0.113.9");
        ASSERT_FALSE(failed);
        EXPECT_EQ(failed.error().code, ErrorCode::kUnauthenticated) << "attempt " << i;
    }
    auto limited = Login("alice", kPassword, "203.0.113.9");
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
    EXPECT_GT(limited.error().retry_after_seconds, 0);
    // Another address is fine.
    EXPECT_TRUE(Login("alice", kPassword, "203.0.113.10"));
}

TEST_F(AuthServiceTest, SuccessfulLoginResetsTheUsernameLimit) {
    for (int i = 0; i < kUserBurst - 1; ++i) {
        ASSERT_FALSE(Login("alice", "wrong", "192.0.2." + std::to_string(i)));
    }
    ASSERT_TRUE(Login("alice", kPassword, "192.0.2.50"));
    // A full burst of failures is allowed again before the limiter answers.
    for (int i = 0; i < kUserBurst; ++i) {
        auto failed = Login("alice", "wrong", "192.0.2." + std::to_string(100 + i));
        ASSERT_FALSE(failed);
        EXPECT_EQ(failed.error().code, ErrorCode::kUnauthenticated) << "attempt " << i;
    }
    auto limited = Login("alice", kPassword, "192.0.2.200");
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
}

TEST_F(AuthServiceTest, AuthenticateRejectsExpiredGarbageAndMissingTokens) {
    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login);
    EXPECT_TRUE(auth_->Authenticate(login->token, now_ + seconds(3599)));

    auto expired = auth_->Authenticate(login->token, now_ + seconds(3600));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
    // Expiry is final: an earlier clock does not revive the session (the store deleted it).
    auto revived = auth_->Authenticate(login->token, now_ + seconds(1));
    ASSERT_FALSE(revived);
    EXPECT_EQ(revived.error().code, ErrorCode::kUnauthenticated);

    for (std::string garbage :
         {std::string("garbage"), std::string(43, 'A'), std::string("'; DROP TABLE _sessions; --"),
          std::string(5000, 'x')}) {
        auto result = auth_->Authenticate(garbage, now_);
        ASSERT_FALSE(result) << garbage.substr(0, 40);
        EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
        EXPECT_THAT(result.error().message, Not(HasSubstr(garbage.substr(0, 20))));
    }
    for (const std::optional<std::string_view> none :
         {std::optional<std::string_view>(), std::optional<std::string_view>("")}) {
        auto result = auth_->Authenticate(none, now_);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
    }
}

TEST_F(AuthServiceTest, AuthNotRequiredGivesAnonymousAdminButStillChecksAGivenToken) {
    auto& open = Service(AuthOptions{seconds(3600), false});
    auto anonymous = open.Authenticate(std::nullopt, now_);
    ASSERT_TRUE(anonymous) << anonymous.error().message;
    EXPECT_EQ(anonymous->role, "admin");
    EXPECT_TRUE(anonymous->authenticated);
    EXPECT_TRUE(anonymous->user_id.empty());

    auto bad = open.Authenticate("garbage-token", now_);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kUnauthenticated);

    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login) << login.error().message;
    auto real = open.Authenticate(login->token, now_);
    ASSERT_TRUE(real);
    EXPECT_EQ(real->username, "alice");
    EXPECT_EQ(real->role, "ai_agent");
}

TEST_F(AuthServiceTest, LogoutEndsTheSession) {
    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login);
    auto other = Login("alice", kPassword);
    ASSERT_TRUE(other);
    ASSERT_TRUE(auth_->Logout(login->token, now_));
    auto after = auth_->Authenticate(login->token, now_);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
    // Only that session ends.
    EXPECT_TRUE(auth_->Authenticate(other->token, now_));

    auto twice = auth_->Logout(login->token, now_);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kUnauthenticated);
    auto garbage = auth_->Logout("garbage", now_);
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, RefreshExtendsTheSessionByTheTtl) {
    auto& service = Service(AuthOptions{seconds(600), true});
    auto login = service.Login(Entity("User"), "alice", kPassword, "192.0.2.1", now_);
    ASSERT_TRUE(login) << login.error().message;
    EXPECT_EQ(login->session.expires_at, now_ + seconds(600));

    const auto later = now_ + seconds(500);
    auto refreshed = service.Refresh(Entity("User"), login->token, later);
    ASSERT_TRUE(refreshed) << refreshed.error().message;
    EXPECT_EQ(std::chrono::time_point_cast<std::chrono::milliseconds>(refreshed->expires_at),
              std::chrono::time_point_cast<std::chrono::milliseconds>(later + seconds(600)));
    // Alive past the original expiry, gone after the new one.
    EXPECT_TRUE(service.Authenticate(login->token, now_ + seconds(1000)));
    auto expired = service.Authenticate(login->token, later + seconds(600));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);

    auto stale = service.Refresh(Entity("User"), login->token, later + seconds(601));
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, ErrorCode::kUnauthenticated);
    auto garbage = service.Refresh(Entity("User"), "garbage", now_);
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, MeReturnsTheUserWithoutThePassword) {
    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login);
    auto principal = auth_->Authenticate(login->token, now_);
    ASSERT_TRUE(principal);
    auto me = auth_->Me(Entity("User"), *principal);
    ASSERT_TRUE(me) << me.error().message;
    EXPECT_FALSE(me->contains("password"));
    EXPECT_EQ(me->at("username").as_string(), "alice");
    EXPECT_EQ(me->at("id").as_string(), alice_.at("id").as_string());

    // The anonymous administrator has no user record.
    auto anonymous = Service(AuthOptions{seconds(3600), false}).Authenticate(std::nullopt, now_);
    ASSERT_TRUE(anonymous);
    auto none = auth_->Me(Entity("User"), *anonymous);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

TEST_F(AuthServiceTest, PasswordChangedByPatchTakesEffectAtLogin) {
    auto patched =
        documents_->Patch(Context(Channel::kRest), Entity("User"), alice_.at("id").as_string(),
                          Json(R"({"password": "brand-new-password"})"));
    ASSERT_TRUE(patched) << patched.error().message;
    auto old_password = Login("alice", kPassword);
    ASSERT_FALSE(old_password);
    EXPECT_EQ(old_password.error().code, ErrorCode::kUnauthenticated);
    EXPECT_TRUE(Login("alice", "brand-new-password"));
}

// ---- sessions follow the user ----

class SessionsFollowTheUserTest : public AuthServiceTest {
protected:
    SessionsFollowTheUserTest() : revoker_(*sessions_) {
        documents_->AddObserver(revoker_);
        bob_ = MakeUser("bob", "bob-password", account_, "admin");
        Service();
    }

    std::string Token(std::string_view username, std::string_view password) {
        auto login = Login(username, password);
        EXPECT_TRUE(login) << login.error().message;
        return login ? login->token : std::string();
    }
    bool Live(const std::string& token) { return auth_->Authenticate(token, now_).has_value(); }
    std::string AliceId() const { return std::string(alice_.at("id").as_string()); }
    RequestContext Admin() const { return Context(Channel::kRest, kT0, Principal::System()); }

    SessionRevoker revoker_;
    Record bob_;
};

TEST_F(SessionsFollowTheUserTest, PasswordChangeEndsEverySessionOfThatUserOnly) {
    const auto first = Token("alice", kPassword);
    const auto second = Token("alice", kPassword);
    const auto bob = Token("bob", "bob-password");
    ASSERT_TRUE(Live(first) && Live(second) && Live(bob));

    auto patched = documents_->Patch(Admin(), Entity("User"), AliceId(),
                                     Json(R"({"password": "a-new-password"})"));
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_FALSE(Live(first));
    EXPECT_FALSE(Live(second));
    EXPECT_TRUE(Live(bob));
    EXPECT_TRUE(Live(Token("alice", "a-new-password")));
}

TEST_F(SessionsFollowTheUserTest, RoleLoginOrAccountChangeEndsTheSessions) {
    const std::string other_account = MakeAccount("acc_other");
    for (const char* change :
         {R"({"role": "read"})", R"({"username": "alice2"})", R"({"accountId": "acc_other"})"}) {
        auto patched = documents_->Patch(Admin(), Entity("User"), AliceId(), Json(R"({"role":
            "ai_agent", "username": "alice", "accountId": "acc_main"})"));
        ASSERT_TRUE(patched) << patched.error().message;
        const auto token = Token("alice", kPassword);
        ASSERT_TRUE(Live(token));
        auto changed = documents_->Patch(Admin(), Entity("User"), AliceId(), Json(change));
        ASSERT_TRUE(changed) << change << ": " << changed.error().message;
        EXPECT_FALSE(Live(token)) << change;
    }
    EXPECT_EQ(other_account, "acc_other");
}

TEST_F(SessionsFollowTheUserTest, OtherChangesKeepTheSessions) {
    const auto token = Token("alice", kPassword);
    // Other fields, and a PUT that resends the same role, login and account without a password
    // (the stored hash is kept), leave the session alone.
    auto patched = documents_->Patch(Admin(), Entity("User"), AliceId(),
                                     Json(R"({"firstName": "Alice", "netWorth": 12.5})"));
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_TRUE(Live(token));
    auto replaced = documents_->Replace(
        Admin(), Entity("User"), AliceId(),
        Json(R"({"username": "alice", "email": "alice@example.com", "isAccountOwner": true,
                 "firstName": "Alice", "lastName": "Example", "role": "ai_agent",
                 "accountId": "acc_main"})"));
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_TRUE(Live(token));
    // The same PATCH with a role value equal to the stored one is no role change either.
    ASSERT_TRUE(
        documents_->Patch(Admin(), Entity("User"), AliceId(), Json(R"({"role": "ai_agent"})")));
    EXPECT_TRUE(Live(token));
}

TEST_F(SessionsFollowTheUserTest, BatchPatchOfRolesEndsEachChangedUsersSessions) {
    const auto alice = Token("alice", kPassword);
    const auto bob = Token("bob", "bob-password");
    Record to_read{{"id", AliceId()}, {"role", "read"}};
    Record same{{"id", bob_.at("id")}, {"firstName", "Bobby"}};
    auto patched = documents_->PatchMany(Admin(), Entity("User"), {to_read, same});
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_FALSE(Live(alice));
    EXPECT_TRUE(Live(bob));
}

TEST_F(SessionsFollowTheUserTest, DeletingTheUserEndsItsSessions) {
    const auto alice = Token("alice", kPassword);
    const auto bob = Token("bob", "bob-password");
    // Users are not deletable over the API faces; the operator's CLI channel can.
    auto deleted = documents_->Delete(Context(Channel::kCli), Entity("User"), AliceId());
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_FALSE(Live(alice));
    EXPECT_TRUE(Live(bob));
}

TEST_F(SessionsFollowTheUserTest, WipingTheDatabaseEndsEverySession) {
    AdminService admin(schema(), *store_);
    admin.AddObserver(revoker_);
    const auto alice = Token("alice", kPassword);
    const auto bob = Token("bob", "bob-password");
    ASSERT_TRUE(admin.Reset(Admin(), kResetConfirmation));
    EXPECT_FALSE(Live(alice));
    EXPECT_FALSE(Live(bob));
}

TEST_F(SessionsFollowTheUserTest, RevocationFailureFailsClosedWithoutInternals) {
    const auto alice = Token("alice", kPassword);
    auto before = store_->Get(Entity("User"), AliceId());
    ASSERT_TRUE(before);
    // Break the session store for real: its table disappears under it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "t.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE _sessions", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    auto patched = documents_->Patch(Admin(), Entity("User"), AliceId(),
                                     Json(R"({"password": "a-new-password"})"));
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().code, ErrorCode::kUnavailable);
    EXPECT_THAT(patched.error().message, HasSubstr("sessions could not be ended"));
    EXPECT_THAT(patched.error().message, Not(HasSubstr("_sessions")));
    EXPECT_THAT(patched.error().message, Not(HasSubstr("SQLite")));
    EXPECT_THAT(patched.error().detail, HasSubstr("no such table"));
    // The change itself is committed (documented): the new password is the one that works.
    auto raw = store_->Get(Entity("User"), AliceId());
    ASSERT_TRUE(raw);
    EXPECT_NE(raw->at("password"), before->at("password"));
}

TEST_F(SessionsFollowTheUserTest, RefreshEndsASessionWhoseUserChangedBehindItsBack) {
    const auto token = Token("alice", kPassword);
    const auto other = Token("alice", kPassword);
    // A change no observer saw (written straight to the store): refresh re-reads the user.
    auto raw = store_->Get(Entity("User"), AliceId());
    ASSERT_TRUE(raw);
    (*raw)["role"] = "read";
    ASSERT_TRUE(store_->Replace(Entity("User"), AliceId(), *raw));
    EXPECT_TRUE(Live(token));  // requests do not re-read the user; refresh does

    auto refreshed = auth_->Refresh(Entity("User"), token, now_);
    ASSERT_FALSE(refreshed);
    EXPECT_EQ(refreshed.error().code, ErrorCode::kUnauthenticated);
    EXPECT_THAT(refreshed.error().message, HasSubstr("log in again"));
    EXPECT_FALSE(Live(token));
    EXPECT_FALSE(Live(other)) << "every session of the user is as stale";

    // A new login carries the stored role, and refreshes fine.
    auto login = Login("alice", kPassword);
    ASSERT_TRUE(login);
    EXPECT_EQ(login->session.role, "read");
    EXPECT_TRUE(auth_->Refresh(Entity("User"), login->token, now_));
}

TEST_F(SessionsFollowTheUserTest, RefreshOfARemovedUserFails) {
    const auto token = Token("alice", kPassword);
    ASSERT_TRUE(store_->Delete(Entity("User"), AliceId()));  // no observer sees this
    auto refreshed = auth_->Refresh(Entity("User"), token, now_);
    ASSERT_FALSE(refreshed);
    EXPECT_EQ(refreshed.error().code, ErrorCode::kUnauthenticated);
    EXPECT_FALSE(Live(token));
}

TEST_F(AuthServiceTest, LoginOnAnEntityWithoutAuthIsNotFound) {
    Service();
    auto login = auth_->Login(Entity("Event"), "alice", kPassword, "192.0.2.1", now_);
    ASSERT_FALSE(login);
    EXPECT_EQ(login.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ea::service::testing
