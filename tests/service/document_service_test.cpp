// DocumentService on the default Events schema and a real SQLite file: server-set fields, ids,
// password hashing and masking, replace/patch semantics, operations per channel, batches and the
// store's integrity errors as the service reports them.
#include "service/document_service.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/password.hpp"
#include "common/datetime.hpp"
#include "common/ids.hpp"
#include "query/view.hpp"
#include "service_fixture.hpp"

namespace ea::service::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const TimePoint kT1 = kT0 + std::chrono::hours(1);

std::vector<std::string> FieldNames(const Error& error) {
    std::vector<std::string> names;
    for (const auto& field : error.fields) {
        names.push_back(field.field);
    }
    return names;
}

bool IsLowerUlid(std::string_view id) {
    return id.size() == 26 && std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
           });
}

class DocumentServiceTest : public ServiceTest {
protected:
    // The stored record as the store has it (unmasked), for checking hashes.
    Record Raw(const std::string& entity, const std::string& id) {
        auto raw = store_->Get(Entity(entity), id);
        EXPECT_TRUE(raw) << raw.error().message;
        return raw ? *raw : Record{};
    }
    std::string StoredPassword(const std::string& id) {
        const auto raw = Raw("User", id);
        const auto* password = raw.if_contains("password");
        return password != nullptr && password->is_string() ? std::string(password->get_string())
                                                            : std::string();
    }
};

// ---- create: server-set fields and ids ----

TEST_F(DocumentServiceTest, CreateSetsLowerCaseUlidAndBothTimestamps) {
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("Jazz"));
    ASSERT_TRUE(created) << created.error().message;
    const std::string id(created->at("id").as_string());
    EXPECT_TRUE(IsLowerUlid(id)) << id;
    EXPECT_EQ(created->at("createdAt").as_string(), FormatDatetime(kT0));
    EXPECT_EQ(created->at("updatedAt").as_string(), FormatDatetime(kT0));
    EXPECT_EQ(created->at("title").as_string(), "Jazz");
    // Canonical datetime form, as the validator leaves it.
    EXPECT_EQ(created->at("dateTime").as_string(), "2025-07-01T18:00:00.000Z");

    auto got = documents_->Get(Context(Channel::kRest), Entity("Event"), id);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, *created);
}

TEST_F(DocumentServiceTest, TwoCreatesGetDistinctIncreasingIds) {
    auto a = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("A"));
    auto b = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("B"));
    ASSERT_TRUE(a && b);
    EXPECT_LT(a->at("id").as_string(), b->at("id").as_string());
}

TEST_F(DocumentServiceTest, CreateIgnoresClientTimestamps) {
    auto body = EventBody("Stamped");
    body["createdAt"] = "2000-01-01T00:00:00Z";
    body["updatedAt"] = "2000-01-01T00:00:00Z";
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(created->at("createdAt").as_string(), FormatDatetime(kT0));
    EXPECT_EQ(created->at("updatedAt").as_string(), FormatDatetime(kT0));
}

TEST_F(DocumentServiceTest, CreateKeepsClientIdLowerCased) {
    auto body = EventBody("Mine");
    body["id"] = "EVT_Custom-1";
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(created->at("id").as_string(), "evt_custom-1");
    // Ids are case-insensitive on lookup too.
    auto got = documents_->Get(Context(Channel::kRest), Entity("Event"), "EVT_CUSTOM-1");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->at("id").as_string(), "evt_custom-1");
}

TEST_F(DocumentServiceTest, CreateRejectsInvalidClientIdWithOtherFieldErrorsToo) {
    Record body{{"id", "has space"}, {"url", "not a url"}, {"dateTime", "2025-07-01T18:00:00Z"}};
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    const auto names = FieldNames(created.error());
    EXPECT_THAT(names, Contains("id"));
    EXPECT_THAT(names, Contains("url"));
    EXPECT_THAT(names, Contains("title"));
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty());
}

TEST_F(DocumentServiceTest, CreateRejectsNonStringAndOverlongIds) {
    for (const auto& bad : {boost::json::value(42), boost::json::value(std::string(65, 'a')),
                            boost::json::value("")}) {
        auto body = EventBody("Bad id");
        body["id"] = bad;
        auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
        ASSERT_FALSE(created) << boost::json::serialize(bad);
        EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
        EXPECT_THAT(FieldNames(created.error()), ElementsAre("id"));
    }
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty());
}

TEST_F(DocumentServiceTest, GetWithImpossibleIdIsNotFoundNamingTheEntity) {
    auto got = documents_->Get(Context(Channel::kRest), Entity("Event"), "no such/id");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(got.error().message, HasSubstr("Event"));
    auto missing = documents_->Get(Context(Channel::kRest), Entity("Event"), "evt_missing");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// ---- get with a view ----

TEST_F(DocumentServiceTest, GetWithAViewEmbedsAsListDoesAndStillMasks) {
    const auto account = MakeAccount();
    const auto user = MakeUser("viewer", "correct horse", account);
    ASSERT_FALSE(user.empty());
    const std::string id(user.at("id").as_string());
    const auto view = query::ParseViewText(Entity("User"), "account(id,createdAt)");
    ASSERT_TRUE(view) << view.error().message;

    const auto ctx = Context(Channel::kRest);
    auto got = documents_->Get(ctx, Entity("User"), id, view->specs);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_FALSE(got->record.contains("password"));
    EXPECT_EQ(got->record.at("account").at("exists"), true);
    EXPECT_EQ(got->record.at("account").at("id").as_string(), account);
    EXPECT_TRUE(got->warnings.empty());

    query::Query q;
    q.view = view->specs;
    auto listed = documents_->List(ctx, Entity("User"), q);
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(listed->rows.size(), 1u);
    EXPECT_EQ(got->record, listed->rows[0]);

    auto plain = documents_->Get(ctx, Entity("User"), id);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->contains("account"));
    auto missing = documents_->Get(ctx, Entity("User"), "usr_nobody", view->specs);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// ---- passwords: hashed on write, never returned ----

TEST_F(DocumentServiceTest, PasswordIsStoredAsArgon2idAndNeverReturned) {
    const auto account = MakeAccount();
    const auto user = MakeUser("alice", "correct horse", account);
    ASSERT_FALSE(user.empty());
    EXPECT_FALSE(user.contains("password"));
    const std::string id(user.at("id").as_string());

    const auto stored = StoredPassword(id);
    EXPECT_THAT(stored, StartsWith("$argon2id$"));
    EXPECT_TRUE(auth::VerifyPassword(stored, "correct horse"));
    EXPECT_FALSE(auth::VerifyPassword(stored, "wrong horse"));

    const auto ctx = Context(Channel::kRest);
    auto got = documents_->Get(ctx, Entity("User"), id);
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->contains("password"));

    auto listed = documents_->List(ctx, Entity("User"), query::Query{});
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->rows.size(), 1u);
    EXPECT_FALSE(listed->rows[0].contains("password"));

    auto patched = documents_->Patch(ctx, Entity("User"), id, Json(R"({"firstName": "Alice"})"));
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_FALSE(patched->contains("password"));

    auto replaced = documents_->Replace(
        ctx, Entity("User"), id,
        Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "alice", "email": "alice@example.com", "isAccountOwner": true,
                 "accountId": ")" +
             account + R"("})"));
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_FALSE(replaced->contains("password"));
}

TEST_F(DocumentServiceTest, ListMasksPasswordOnEveryRow) {
    const auto account = MakeAccount();
    MakeUser("alice", "password-a", account);
    MakeUser("bobby", "password-b", account);
    auto listed = documents_->List(Context(Channel::kMcp), Entity("User"), query::Query{});
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(listed->rows.size(), 2u);
    for (const auto& row : listed->rows) {
        EXPECT_FALSE(row.contains("password")) << boost::json::serialize(row);
        EXPECT_TRUE(row.contains("username"));
    }
}

// ---- replace (PUT) ----

TEST_F(DocumentServiceTest, ReplaceKeepsCreatedAtAndStampsUpdatedAt) {
    auto created =
        documents_->Create(Context(Channel::kRest, kT0), Entity("Event"), EventBody("Old title"));
    ASSERT_TRUE(created);
    const std::string id(created->at("id").as_string());
    auto body = EventBody("New title");
    body["createdAt"] = "1999-01-01T00:00:00Z";  // round-tripped by a client: ignored
    body["id"] = "some-other-id";                // ignored: the path names the record
    auto replaced = documents_->Replace(Context(Channel::kRest, kT1), Entity("Event"), id, body);
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_EQ(replaced->at("id").as_string(), id);
    EXPECT_EQ(replaced->at("title").as_string(), "New title");
    EXPECT_EQ(replaced->at("createdAt").as_string(), FormatDatetime(kT0));
    EXPECT_EQ(replaced->at("updatedAt").as_string(), FormatDatetime(kT1));
    EXPECT_FALSE(store_->Get(Entity("Event"), "some-other-id"));
}

TEST_F(DocumentServiceTest, ReplaceDropsOptionalFieldsTheBodyLeavesOut) {
    auto body = EventBody("With location");
    body["location"] = "Austin, TX";
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), body);
    ASSERT_TRUE(created);
    const std::string id(created->at("id").as_string());
    auto replaced =
        documents_->Replace(Context(Channel::kRest), Entity("Event"), id, EventBody("No location"));
    ASSERT_TRUE(replaced) << replaced.error().message;
    const auto* location = replaced->if_contains("location");
    EXPECT_TRUE(location == nullptr || location->is_null()) << boost::json::serialize(*replaced);
}

TEST_F(DocumentServiceTest, ReplaceWithoutPasswordKeepsTheStoredHash) {
    const auto account = MakeAccount();
    const auto user = MakeUser("carol", "first-password", account);
    const std::string id(user.at("id").as_string());
    const auto before = StoredPassword(id);

    auto replaced = documents_->Replace(
        Context(Channel::kRest, kT1), Entity("User"), id,
        Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "carol", "email": "carol@example.com", "isAccountOwner": false,
                 "role": "admin", "accountId": ")" +
             account + R"("})"));
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_EQ(replaced->at("role").as_string(), "admin");
    EXPECT_EQ(StoredPassword(id), before);
    EXPECT_TRUE(auth::VerifyPassword(StoredPassword(id), "first-password"));
}

TEST_F(DocumentServiceTest, ReplaceWithPasswordHashesTheNewOne) {
    const auto account = MakeAccount();
    const auto user = MakeUser("carol", "first-password", account);
    const std::string id(user.at("id").as_string());
    auto replaced = documents_->Replace(
        Context(Channel::kRest), Entity("User"), id,
        Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "carol", "email": "carol@example.com", "isAccountOwner": false,
                 "password": "second-password", "accountId": ")" +
             account + R"("})"));
    ASSERT_TRUE(replaced) << replaced.error().message;
    EXPECT_FALSE(replaced->contains("password"));
    const auto stored = StoredPassword(id);
    EXPECT_THAT(stored, StartsWith("$argon2id$"));
    EXPECT_TRUE(auth::VerifyPassword(stored, "second-password"));
    EXPECT_FALSE(auth::VerifyPassword(stored, "first-password"));
}

TEST_F(DocumentServiceTest, ReplaceValidatesTheBodyBeforeLookingUpTheRecord) {
    // A bad body on a missing id is 422, not 404.
    auto bad = documents_->Replace(Context(Channel::kRest), Entity("Event"), "evt_missing",
                                   Json(R"({"title": 5})"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(bad.error()), Contains("title"));
    EXPECT_THAT(FieldNames(bad.error()), Contains("url"));  // required on a full replacement

    // A good body on a missing id is 404 naming the entity, and creates nothing.
    auto missing = documents_->Replace(Context(Channel::kRest), Entity("Event"), "evt_missing",
                                       EventBody("Fine"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(missing.error().message, HasSubstr("Event"));
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty());
}

TEST_F(DocumentServiceTest, ReplaceWithBadBodyLeavesTheRecordUnchanged) {
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("Keep"));
    ASSERT_TRUE(created);
    const std::string id(created->at("id").as_string());
    auto bad = documents_->Replace(Context(Channel::kRest, kT1), Entity("Event"), id,
                                   Json(R"({"url": "ftp://x", "title": "Changed",
                                            "dateTime": "2025-07-01T18:00:00Z"})"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(bad.error().fields.size(), 1u);
    EXPECT_EQ(bad.error().fields[0].field, "url");
    EXPECT_EQ(bad.error().fields[0].message, "Bad URL format");
    EXPECT_EQ(Raw("Event", id), *created);
}

// ---- patch ----

TEST_F(DocumentServiceTest, PatchChangesOnlyTheGivenFields) {
    auto body = EventBody("Before");
    body["location"] = "Denver, CO";
    body["cost"] = 12.5;
    auto created = documents_->Create(Context(Channel::kRest, kT0), Entity("Event"), body);
    ASSERT_TRUE(created);
    const std::string id(created->at("id").as_string());

    auto patched = documents_->Patch(Context(Channel::kRest, kT1), Entity("Event"), id,
                                     Json(R"({"title": "After", "cost": 0})"));
    ASSERT_TRUE(patched) << patched.error().message;
    Record expected = *created;
    expected["title"] = "After";
    expected["cost"] = patched->at("cost");  // stored number form
    expected["updatedAt"] = FormatDatetime(kT1);
    EXPECT_EQ(*patched, expected);
    EXPECT_EQ(patched->at("cost").to_number<double>(), 0.0);
    EXPECT_EQ(Raw("Event", id), expected);
}

TEST_F(DocumentServiceTest, PatchWithoutPasswordKeepsHashAndWithPasswordReHashes) {
    const auto account = MakeAccount();
    const auto user = MakeUser("dave_", "old-password", account);
    const std::string id(user.at("id").as_string());
    const auto original = StoredPassword(id);

    auto renamed = documents_->Patch(Context(Channel::kRest), Entity("User"), id,
                                     Json(R"({"lastName": "Davis"})"));
    ASSERT_TRUE(renamed) << renamed.error().message;
    EXPECT_EQ(renamed->at("lastName").as_string(), "Davis");
    EXPECT_EQ(StoredPassword(id), original);

    auto changed = documents_->Patch(Context(Channel::kRest), Entity("User"), id,
                                     Json(R"({"password": "new-password"})"));
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_FALSE(changed->contains("password"));
    const auto rehashed = StoredPassword(id);
    EXPECT_NE(rehashed, original);
    EXPECT_THAT(rehashed, StartsWith("$argon2id$"));
    EXPECT_TRUE(auth::VerifyPassword(rehashed, "new-password"));
    EXPECT_FALSE(auth::VerifyPassword(rehashed, "old-password"));
    EXPECT_EQ(changed->at("lastName").as_string(), "Davis");
}

TEST_F(DocumentServiceTest, PatchValidatesBeforeNotFoundAndRejectsNullingRequired) {
    auto bad = documents_->Patch(Context(Channel::kRest), Entity("Event"), "evt_missing",
                                 Json(R"({"rating": 3})"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(bad.error()), ElementsAre("rating"));

    auto missing = documents_->Patch(Context(Channel::kRest), Entity("Event"), "evt_missing",
                                     Json(R"({"title": "x"})"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("T"));
    ASSERT_TRUE(created);
    auto nulled = documents_->Patch(Context(Channel::kRest), Entity("Event"),
                                    created->at("id").as_string(), Json(R"({"title": null})"));
    ASSERT_FALSE(nulled);
    EXPECT_EQ(nulled.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(nulled.error()), ElementsAre("title"));
    EXPECT_EQ(Raw("Event", std::string(created->at("id").as_string())), *created);
}

// ---- operations per channel ----

TEST_F(DocumentServiceTest, UserCannotBeDeletedThroughTheApiFaces) {
    const auto account = MakeAccount();
    const auto user = MakeUser("erin_", "erin-password", account);
    const std::string id(user.at("id").as_string());
    for (const auto channel : {Channel::kRest, Channel::kMcp}) {
        auto deleted = documents_->Delete(Context(channel), Entity("User"), id);
        ASSERT_FALSE(deleted);
        EXPECT_EQ(deleted.error().code, ErrorCode::kMethodNotAllowed);
        EXPECT_THAT(deleted.error().message, AllOf(HasSubstr("User"), HasSubstr("delete")));
    }
    EXPECT_TRUE(store_->Get(Entity("User"), id));
}

TEST_F(DocumentServiceTest, CrawlIsReadOnlyOverRestAndMcpButWritableFromTheCli) {
    auto url = documents_->Create(Context(Channel::kRest), Entity("Url"),
                                  Json(R"({"url": "https://example.com/feed"})"));
    ASSERT_TRUE(url) << url.error().message;
    const std::string url_id(url->at("id").as_string());
    const Record crawl{{"urlId", url_id}, {"lastParsedDate", "2025-05-01"}};

    for (const auto channel : {Channel::kRest, Channel::kMcp}) {
        auto created = documents_->Create(Context(channel), Entity("Crawl"), crawl);
        ASSERT_FALSE(created);
        EXPECT_EQ(created.error().code, ErrorCode::kMethodNotAllowed);
        EXPECT_THAT(created.error().message, AllOf(HasSubstr("Crawl"), HasSubstr("create")));
        auto many = documents_->CreateMany(Context(channel), Entity("Crawl"), {crawl});
        ASSERT_FALSE(many);
        EXPECT_EQ(many.error().code, ErrorCode::kMethodNotAllowed);
    }
    EXPECT_TRUE(AllRows(*store_, Entity("Crawl")).empty());

    auto by_cli = documents_->Create(Context(Channel::kCli), Entity("Crawl"), crawl);
    ASSERT_TRUE(by_cli) << by_cli.error().message;
    const std::string id(by_cli->at("id").as_string());

    for (const auto channel : {Channel::kRest, Channel::kMcp}) {
        auto patched = documents_->Patch(Context(channel), Entity("Crawl"), id,
                                         Json(R"({"lastParsedDate": "2025-05-02"})"));
        ASSERT_FALSE(patched);
        EXPECT_EQ(patched.error().code, ErrorCode::kMethodNotAllowed);
        EXPECT_THAT(patched.error().message, HasSubstr("update"));
        auto replaced = documents_->Replace(Context(channel), Entity("Crawl"), id, crawl);
        ASSERT_FALSE(replaced);
        EXPECT_EQ(replaced.error().code, ErrorCode::kMethodNotAllowed);
        Record item = Json(R"({"lastParsedDate": "2025-05-02"})");
        item["id"] = id;
        auto many = documents_->PatchMany(Context(channel), Entity("Crawl"), {item});
        ASSERT_FALSE(many);
        EXPECT_EQ(many.error().code, ErrorCode::kMethodNotAllowed);
        // Reads are allowed (operations: rd).
        EXPECT_TRUE(documents_->Get(Context(channel), Entity("Crawl"), id));
    }
    EXPECT_EQ(Raw("Crawl", id).at("lastParsedDate").as_string(), "2025-05-01");

    auto cli_patch = documents_->Patch(Context(Channel::kCli), Entity("Crawl"), id,
                                       Json(R"({"lastParsedDate": "2025-05-03"})"));
    ASSERT_TRUE(cli_patch) << cli_patch.error().message;
    EXPECT_EQ(cli_patch->at("lastParsedDate").as_string(), "2025-05-03");

    // Delete is allowed (operations: rd) through the API.
    auto deleted = documents_->Delete(Context(Channel::kRest), Entity("Crawl"), id);
    ASSERT_TRUE(deleted) << deleted.error().message;
}

// ---- batches ----

TEST_F(DocumentServiceTest, CreateManyIsAllOrNothingWithIndexedFieldErrors) {
    std::vector<Record> bodies = {EventBody("Good"), Json(R"({"url": "https://example.com",
                                                               "dateTime": "2025-07-01T18:00:00Z",
                                                               "title": "Bad rating",
                                                               "numOfExpectedAttendees": -1})"),
                                  EventBody("Also good"), Json(R"({"bogus": 1})")};
    auto created = documents_->CreateMany(Context(Channel::kRest), Entity("Event"), bodies);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    const auto names = FieldNames(created.error());
    EXPECT_THAT(names, Contains("[1].numOfExpectedAttendees"));
    EXPECT_THAT(names, Contains("[3].url"));
    EXPECT_THAT(names, Contains("[3].title"));
    EXPECT_THAT(names, Contains("[3].bogus"));
    for (const auto& name : names) {
        EXPECT_TRUE(name.starts_with("[1].") || name.starts_with("[3].")) << name;
    }
    EXPECT_TRUE(AllRows(*store_, Entity("Event")).empty());
}

TEST_F(DocumentServiceTest, CreateManyRollsBackWhenTheStoreRejectsALaterItem) {
    const auto account = MakeAccount();
    const auto user = MakeUser("frank", "frank-password", account);
    const std::string user_id(user.at("id").as_string());
    std::vector<Record> bodies = {
        Json(R"({"name": "Weekend", "userId": ")" + user_id + R"("})"),
        Json(R"({"name": "Orphan", "userId": "usr_missing"})"),
    };
    auto created = documents_->CreateMany(Context(Channel::kRest), Entity("Profile"), bodies);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(created.error()), ElementsAre("[1].userId"));
    EXPECT_TRUE(AllRows(*store_, Entity("Profile")).empty());

    // A duplicate inside one batch is a conflict, also rolled back.
    bodies[1] = bodies[0];
    auto duplicate = documents_->CreateMany(Context(Channel::kRest), Entity("Profile"), bodies);
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
    EXPECT_TRUE(AllRows(*store_, Entity("Profile")).empty());
}

TEST_F(DocumentServiceTest, CreateManySucceedsWithServerFieldsOnEveryRecord) {
    auto created = documents_->CreateMany(Context(Channel::kRest), Entity("Event"),
                                          {EventBody("One"), EventBody("Two"), EventBody("Three")});
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_EQ(created->size(), 3u);
    std::vector<std::string> titles;
    for (const auto& record : *created) {
        EXPECT_TRUE(IsLowerUlid(record.at("id").as_string()));
        EXPECT_EQ(record.at("createdAt").as_string(), FormatDatetime(kT0));
        titles.emplace_back(record.at("title").as_string());
    }
    EXPECT_THAT(titles, ElementsAre("One", "Two", "Three"));
    EXPECT_EQ(AllRows(*store_, Entity("Event")).size(), 3u);
}

TEST_F(DocumentServiceTest, CreateManyOfUsersHashesEveryPassword) {
    const auto account = MakeAccount();
    std::vector<Record> bodies;
    for (const char* name : {"gina_", "hank_"}) {
        bodies.push_back(Record{{"username", name},
                                {"email", std::string(name) + "x@example.com"},
                                {"password", std::string(name) + "-secret"},
                                {"firstName", "Casey"},
                                {"lastName", "Tester"},
                                {"isAccountOwner", true},
                                {"accountId", account}});
    }
    auto created = documents_->CreateMany(Context(Channel::kRest), Entity("User"), bodies);
    ASSERT_TRUE(created) << created.error().message;
    for (const auto& record : *created) {
        EXPECT_FALSE(record.contains("password"));
        const std::string name(record.at("username").as_string());
        const auto stored = StoredPassword(std::string(record.at("id").as_string()));
        EXPECT_TRUE(auth::VerifyPassword(stored, name + "-secret")) << name;
    }
}

TEST_F(DocumentServiceTest, PatchManyUpdatesAllOrNothing) {
    auto created = documents_->CreateMany(Context(Channel::kRest, kT0), Entity("Event"),
                                          {EventBody("One"), EventBody("Two")});
    ASSERT_TRUE(created) << created.error().message;
    const std::string first((*created)[0].at("id").as_string());
    const std::string second((*created)[1].at("id").as_string());

    Record a = Json(R"({"title": "One!"})");
    a["id"] = first;
    Record b = Json(R"({"location": "Boise, ID"})");
    b["id"] = second;
    auto patched = documents_->PatchMany(Context(Channel::kRest, kT1), Entity("Event"), {a, b});
    ASSERT_TRUE(patched) << patched.error().message;
    ASSERT_EQ(patched->size(), 2u);
    EXPECT_EQ((*patched)[0].at("title").as_string(), "One!");
    EXPECT_EQ((*patched)[1].at("title").as_string(), "Two");
    EXPECT_EQ((*patched)[1].at("location").as_string(), "Boise, ID");
    EXPECT_EQ((*patched)[1].at("createdAt").as_string(), FormatDatetime(kT0));
    EXPECT_EQ((*patched)[1].at("updatedAt").as_string(), FormatDatetime(kT1));

    // The second item is invalid: the first change is not written either.
    Record good = Json(R"({"title": "Changed"})");
    good["id"] = first;
    Record bad = Json(R"({"cost": -3})");
    bad["id"] = second;
    auto failed = documents_->PatchMany(Context(Channel::kRest), Entity("Event"), {good, bad});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(failed.error()), ElementsAre("[1].cost"));
    EXPECT_EQ(Raw("Event", first).at("title").as_string(), "One!");

    // A missing id field and an unknown id are reported with their position.
    auto no_id = documents_->PatchMany(Context(Channel::kRest), Entity("Event"),
                                       {good, Json(R"({"title": "x"})")});
    ASSERT_FALSE(no_id);
    EXPECT_EQ(no_id.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(no_id.error()), ElementsAre("[1].id"));
    Record unknown = Json(R"({"title": "x", "id": "evt_missing"})");
    auto not_found =
        documents_->PatchMany(Context(Channel::kRest), Entity("Event"), {good, unknown});
    ASSERT_FALSE(not_found);
    EXPECT_EQ(not_found.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(not_found.error().message, HasSubstr("[1]"));
    EXPECT_EQ(Raw("Event", first).at("title").as_string(), "One!");
}

// ---- delete ----

TEST_F(DocumentServiceTest, DeleteReturnsTheDeletedRecord) {
    auto created = documents_->Create(Context(Channel::kRest), Entity("Event"), EventBody("Gone"));
    ASSERT_TRUE(created);
    const std::string id(created->at("id").as_string());
    auto deleted = documents_->Delete(Context(Channel::kRest), Entity("Event"), id);
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_EQ(*deleted, *created);
    auto again = documents_->Get(Context(Channel::kRest), Entity("Event"), id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
    auto twice = documents_->Delete(Context(Channel::kRest), Entity("Event"), id);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);
}

TEST_F(DocumentServiceTest, DeleteOfAUserFromTheCliMasksThePassword) {
    const auto account = MakeAccount();
    const auto user = MakeUser("ivan_", "ivan-password", account);
    auto deleted =
        documents_->Delete(Context(Channel::kCli), Entity("User"), user.at("id").as_string());
    ASSERT_TRUE(deleted) << deleted.error().message;
    EXPECT_FALSE(deleted->contains("password"));
    EXPECT_EQ(deleted->at("username").as_string(), "ivan_");
}

TEST_F(DocumentServiceTest, DeleteRestrictedByAReferenceIsAConflict) {
    const auto account = MakeAccount();
    MakeUser("judy_", "judy-password", account);
    auto deleted = documents_->Delete(Context(Channel::kRest), Entity("Account"), account);
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().code, ErrorCode::kConflict);
    EXPECT_THAT(deleted.error().message, HasSubstr("User"));
    EXPECT_TRUE(store_->Get(Entity("Account"), account));
}

// ---- integrity ----

TEST_F(DocumentServiceTest, MissingReferenceIsAValidationErrorNamingTheField) {
    auto created = documents_->Create(Context(Channel::kRest), Entity("Profile"),
                                      Json(R"({"name": "Orphan", "userId": "usr_nobody"})"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(created.error().fields.size(), 1u);
    EXPECT_EQ(created.error().fields[0].field, "userId");
    EXPECT_THAT(created.error().fields[0].message, HasSubstr("usr_nobody"));
    EXPECT_TRUE(AllRows(*store_, Entity("Profile")).empty());
}

TEST_F(DocumentServiceTest, PatchToAMissingReferenceIsAValidationError) {
    const auto account = MakeAccount();
    const auto user = MakeUser("karl_", "karl-password", account);
    auto patched =
        documents_->Patch(Context(Channel::kRest), Entity("User"), user.at("id").as_string(),
                          Json(R"({"accountId": "acc_nowhere"})"));
    ASSERT_FALSE(patched);
    EXPECT_EQ(patched.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(patched.error()), ElementsAre("accountId"));
    EXPECT_EQ(Raw("User", std::string(user.at("id").as_string())).at("accountId").as_string(),
              account);
}

TEST_F(DocumentServiceTest, DuplicateUniqueValueIsAConflictNamingTheField) {
    const auto account = MakeAccount();
    MakeUser("lena_", "lena-password", account);
    auto duplicate = documents_->Create(
        Context(Channel::kRest), Entity("User"),
        Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "lena_", "email": "other@example.com", "password": "whatever1",
                 "isAccountOwner": false, "accountId": ")" +
             account + R"("})"));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
    EXPECT_THAT(FieldNames(duplicate.error()), ElementsAre("username"));
    EXPECT_EQ(AllRows(*store_, Entity("User")).size(), 1u);
}

TEST_F(DocumentServiceTest, DuplicateClientIdIsAConflict) {
    MakeAccount("acc_one");
    auto again = documents_->Create(Context(Channel::kRest), Entity("Account"),
                                    Json(R"({"id": "ACC_ONE"})"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_THAT(FieldNames(again.error()), ElementsAre("id"));
}

TEST_F(DocumentServiceTest, MissingReferenceWinsOverDuplicate) {
    const auto account = MakeAccount();
    MakeUser("mike_", "mike-password", account);
    auto both = documents_->Create(
        Context(Channel::kRest), Entity("User"),
        Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "mike_", "email": "mike@example.com", "password": "whatever1",
                 "isAccountOwner": false, "accountId": "acc_gone"})"));
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().code, ErrorCode::kValidationFailed);
    EXPECT_THAT(FieldNames(both.error()), ElementsAre("accountId"));
}

TEST_F(DocumentServiceTest, ValidationReportsEveryFieldWithSchemaMessages) {
    const auto account = MakeAccount();
    auto created =
        documents_->Create(Context(Channel::kRest), Entity("User"),
                           Json(R"({"firstName": "Casey", "lastName": "Tester",
                 "username": "no", "email": "not-an-email", "password": "short",
                 "isAccountOwner": "true", "gender": "robot", "accountId": ")" +
                                account + R"(", "extra": 1})"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kValidationFailed);
    const auto names = FieldNames(created.error());
    for (const char* name :
         {"username", "email", "password", "isAccountOwner", "gender", "extra"}) {
        EXPECT_THAT(names, Contains(name));
    }
    EXPECT_THAT(created.error().fields,
                Contains(AllOf(Field(&FieldError::field, "email"),
                               Field(&FieldError::message, "Bad email address format"))));
    for (const auto& field : created.error().fields) {
        EXPECT_THAT(field.message, ::testing::Not(HasSubstr("short")))
            << "a password must never be echoed";
    }
    EXPECT_TRUE(AllRows(*store_, Entity("User")).empty());
}

}  // namespace
}  // namespace ea::service::testing
