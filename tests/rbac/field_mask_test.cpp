// MaskForRead keeps only what a role may read (view embeddings included); CheckWrite refuses a
// body that sets a read_only or hidden field, naming every one.
#include "rbac/field_mask.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "query/view.hpp"
#include "rbac/test_principals.hpp"
#include "testing/test_schema.hpp"

namespace ea::rbac {
namespace {

const schema::Entity& E(const char* name) {
    return *testing::DefaultSchema().FindEntity(name);
}

using testing::As;

Record Json(const char* text) {
    return boost::json::parse(text).as_object();
}

std::string Masked(const char* role, const char* entity, const char* record,
                   const std::vector<query::ViewSpec>& view = {}) {
    Record r = Json(record);
    MaskForRead(EntityAccess(testing::DefaultSchema(), As(role), E(entity)), r, view);
    return boost::json::serialize(r);
}

constexpr const char* kUser =
    R"({"id":"u1","username":"mark","password":"$argon2id$secret","role":"read",)"
    R"("netWorth":10,"accountId":"a1"})";

TEST(FieldMaskTest, PasswordNeverLeavesForAnyRole) {
    EXPECT_EQ(Masked("admin", "User", kUser),
              R"({"id":"u1","username":"mark","role":"read","netWorth":10,"accountId":"a1"})");
    EXPECT_EQ(Masked("ai_agent", "User", kUser),
              R"({"id":"u1","username":"mark","role":"read","netWorth":10,"accountId":"a1"})");
    EXPECT_EQ(Masked("read", "User", kUser),
              R"({"id":"u1","username":"mark","role":"read","netWorth":10,"accountId":"a1"})");
}

TEST(FieldMaskTest, HiddenFieldsAndUnknownKeysAreDropped) {
    EXPECT_EQ(Masked("ai_agent", "Url",
                     R"({"id":"x","url":"https://a.io","params":{"k":"v"},)"
                     R"("createdAt":"2026-01-01T00:00:00.000Z"})"),
              R"({"id":"x","url":"https://a.io","createdAt":"2026-01-01T00:00:00.000Z"})");
    EXPECT_EQ(Masked("admin", "Url", R"({"id":"x","params":{"k":"v"},"smuggled":1})"),
              R"({"id":"x","params":{"k":"v"}})");
    // No rule at all: nothing is returned.
    EXPECT_EQ(Masked("ai_agent", "Crawl", R"({"id":"c","lastParsedDate":"2026-01-01"})"), "{}");
    EXPECT_EQ(Masked("nobody", "User", kUser), "{}");
}

TEST(FieldMaskTest, ViewEmbeddingsAreMaskedByTheReferencedEntitysRules) {
    auto view = query::ParseViewText(E("Profile"), "user(username)");
    ASSERT_TRUE(view);
    // A store that embedded more than asked (or a password) still returns only what may be seen.
    EXPECT_EQ(Masked("ai_agent", "Profile",
                     R"({"id":"p","name":"home","userId":"u1",)"
                     R"("user":{"id":"u1","username":"mark","password":"h","role":"read"}})",
                     view->specs),
              R"({"id":"p","name":"home","userId":"u1","user":{"id":"u1","username":"mark",)"
              R"("role":"read"}})");
    EXPECT_EQ(Masked("ai_agent", "Profile", R"({"id":"p","user":null})", view->specs),
              R"({"id":"p","user":null})");
    // Without the view spec, an object under "user" is not a field: dropped.
    EXPECT_EQ(Masked("ai_agent", "Profile", R"({"id":"p","user":{"id":"u1"}})"), R"({"id":"p"})");
    auto crawl_view = query::ParseViewText(E("Crawl"), "url(url)");
    ASSERT_TRUE(crawl_view);
    EXPECT_EQ(Masked("ai_agent", "Url", R"({"id":"x"})"), R"({"id":"x"})");
    EXPECT_EQ(
        Masked("read", "Crawl", R"({"id":"c","url":{"id":"x","params":{}}})", crawl_view->specs),
        R"({"id":"c","url":{"id":"x","params":{}}})");
}

TEST(FieldMaskTest, KeptKeysKeepTheirOrder) {
    EXPECT_EQ(Masked("admin", "User",
                     R"({"updatedAt":"2026-01-02T00:00:00.000Z","password":"h","username":"z",)"
                     R"("id":"u"})"),
              R"({"updatedAt":"2026-01-02T00:00:00.000Z","username":"z","id":"u"})");
}

Status Write(const char* role, const char* entity, const char* body) {
    return CheckWrite(EntityAccess(testing::DefaultSchema(), As(role), E(entity)), Json(body));
}

TEST(FieldMaskTest, AiAgentMaySetThePasswordButNotTheRole) {
    EXPECT_TRUE(Write("ai_agent", "User",
                      R"({"username":"john","email":"j@d.io","password":"long enough"})"));
    auto denied = Write("ai_agent", "User", R"({"username":"john","role":"admin"})");
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, ErrorCode::kForbidden);
    EXPECT_EQ(denied.error().message, "ai_agent role cannot set User.role");
    EXPECT_EQ(denied.error().fields,
              (std::vector<FieldError>{
                  {"role", "ai_agent role cannot set User.role (read_only for ai_agent)"}}));
    EXPECT_TRUE(Write("admin", "User", R"({"role":"admin","password":"long enough"})"));
    // A key in another case names the same field, and is refused the same way.
    auto upper = Write("ai_agent", "User", R"({"ROLE":"admin"})");
    ASSERT_FALSE(upper);
    EXPECT_EQ(upper.error().message, "ai_agent role cannot set User.role");
}

TEST(FieldMaskTest, EveryRefusedFieldIsNamedInBodyOrder) {
    auto denied = Write("ai_agent", "Url", R"({"params":{"a":1},"url":"https://a.io"})");
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().message, "ai_agent role cannot set Url.params");
    EXPECT_EQ(denied.error().fields,
              (std::vector<FieldError>{
                  {"params", "ai_agent role cannot set Url.params (hidden from ai_agent)"}}));
    auto schema = testing::SchemaFromText(R"(Note:
  fields:
    title: String
    owner: String
    secret: String
rbac:
  editor:
    entities:
      Note:
        update: true
        field_restrictions: {owner: read_only, secret: hidden}
)");
    EntityAccess editor(*schema, As("editor"), *schema->FindEntity("Note"));
    auto both = CheckWrite(editor, Json(R"({"secret":"s","title":"t","owner":"me"})"));
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().message, "editor role cannot set Note.secret, Note.owner");
    EXPECT_EQ(both.error().fields,
              (std::vector<FieldError>{
                  {"secret", "editor role cannot set Note.secret (hidden from editor)"},
                  {"owner", "editor role cannot set Note.owner (read_only for editor)"}}));
    // Keys that name no field are the validator's business, not a denial.
    EXPECT_TRUE(CheckWrite(editor, Json(R"({"title":"t","nonsense":1})")));
}

}  // namespace
}  // namespace ea::rbac
