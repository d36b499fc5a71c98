// The `rbac` section through the schema loader: what a valid section becomes, and that every
// mistake is reported as file:line:col with a message naming it (names with a did-you-mean).
#include <string>

#include <gtest/gtest.h>

#include "schema/schema_loader.hpp"

namespace ea::schema {
namespace {

constexpr const char* kFile = "p.yaml";

// A small model: roles from User.role, a tenant chain Note.userId -> User.accountId -> Account.
constexpr const char* kModel = R"(Account:
  fields:
    name: String
User:
  services: [auth]
  fields:
    username: String
    password: String
    role: {type: String, enum: [admin, reader, tenant]}
    accountId: ObjectId
Note:
  fields:
    title: String
    userId: ObjectId
)";

std::string Dump(const Error& error) {
    std::string out = error.message + "\n";
    for (const auto& f : error.fields) {
        out += "  " + f.field + ": " + f.message + "\n";
    }
    return out;
}

SchemaPtr Load(const std::string& rbac) {
    auto loaded = LoadSchemaText(std::string(kModel) + rbac, kFile);
    if (!loaded) {
        ADD_FAILURE() << Dump(loaded.error());
        return nullptr;
    }
    return *loaded;
}

std::vector<FieldError> Problems(const std::string& rbac) {
    auto loaded = LoadSchemaText(std::string(kModel) + rbac, kFile);
    EXPECT_FALSE(loaded.has_value()) << rbac;
    return loaded ? std::vector<FieldError>{} : loaded.error().fields;
}

// kModel has 14 lines, so the section's first line is line 15.
TEST(PolicyLoaderTest, WithoutASectionTheBuiltInPolicyKeepsTodaysRoleTable) {
    auto schema = Load("");
    ASSERT_TRUE(schema);
    const AccessPolicy& policy = schema->access_policy();
    EXPECT_FALSE(policy.declared());
    ASSERT_EQ(policy.roles().size(), 3u);
    const Entity* note = schema->FindEntity("Note");
    const RolePolicy* admin = policy.FindRole("admin");
    ASSERT_NE(admin, nullptr);
    EXPECT_EQ(admin->RuleFor(*note)->operations, kAllOperations);
    EXPECT_EQ(policy.FindRole("read")->RuleFor(*note)->operations, kRead);
    EXPECT_EQ(policy.FindRole("ai_agent")->RuleFor(*note)->operations, kRead);
    EXPECT_EQ(policy.FindRole("reader"), nullptr);
    // The password is write-only even in the built-in policy.
    const Entity* user = schema->FindEntity("User");
    const auto position =
        static_cast<std::size_t>(user->FindField("password") - &user->fields()[0]);
    EXPECT_EQ(admin->RuleFor(*user)->fields[position], FieldAccess::kWriteOnly);
}

TEST(PolicyLoaderTest, ASectionBecomesRulesPerRoleAndEntity) {
    auto schema = Load(R"(rbac:
  admin:
    entities:
      "*": {read: true, create: true, update: true, delete: true}
  reader:
    max_page_size: 50
    entities:
      note:
        read: true
        update: true
        max_page_size: 10
        field_restrictions: {title: read_only, userId: hidden}
        allowed_filters: [title, createdAt]
      User:
        read: true
        forbidden_filters: [username]
)");
    ASSERT_TRUE(schema);
    const AccessPolicy& policy = schema->access_policy();
    EXPECT_TRUE(policy.declared());
    ASSERT_EQ(policy.roles().size(), 2u);
    EXPECT_EQ(policy.FindRole("tenant"), nullptr);
    const RolePolicy* reader = policy.FindRole("reader");
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(reader->max_page_size, 50);
    EXPECT_EQ(reader->RuleFor(*schema->FindEntity("Account")), nullptr);  // default deny
    const EntityRule* note = reader->RuleFor(*schema->FindEntity("Note"));
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->operations, kRead | kUpdate);
    EXPECT_EQ(note->max_page_size, 10);
    EXPECT_EQ(note->line, 22);
    // Note fields: id, title, userId, createdAt, updatedAt.
    EXPECT_EQ(note->fields, (std::vector<FieldAccess>{FieldAccess::kFull, FieldAccess::kReadOnly,
                                                      FieldAccess::kHidden, FieldAccess::kFull,
                                                      FieldAccess::kFull}));
    EXPECT_EQ(note->queryable, (std::vector<bool>{false, true, false, true, false}));
    const EntityRule* user = reader->RuleFor(*schema->FindEntity("User"));
    // User fields: id, username, password, role, accountId, createdAt, updatedAt.
    EXPECT_EQ(user->queryable, (std::vector<bool>{true, false, false, true, true, true, true}));
    EXPECT_EQ(user->forbidden, (std::vector<bool>{false, true, false, false, false, false, false}));
    EXPECT_EQ(user->fields[2], FieldAccess::kWriteOnly);
    // "*" covers every entity for admin.
    EXPECT_EQ(policy.FindRole("admin")->RuleFor(*schema->FindEntity("Account"))->operations,
              kAllOperations);
}

TEST(PolicyLoaderTest, NamesInRulesResolveIgnoringCaseAndEntityForms) {
    auto schema = Load(R"(rbac:
  reader:
    entities:
      notes:
        read: true
        field_restrictions: {TITLE: hidden}
        forbidden_filters: [userid]
)");
    ASSERT_TRUE(schema);
    const Entity* note = schema->FindEntity("Note");
    const EntityRule* rule = schema->access_policy().FindRole("reader")->RuleFor(*note);
    ASSERT_NE(rule, nullptr);
    EXPECT_EQ(rule->fields[1], FieldAccess::kHidden);  // title
    EXPECT_TRUE(rule->forbidden[2]);                   // userId
}

TEST(PolicyLoaderTest, EmptySectionDeniesEveryRole) {
    auto schema = Load("rbac:\n");
    ASSERT_TRUE(schema);
    EXPECT_TRUE(schema->access_policy().declared());
    EXPECT_TRUE(schema->access_policy().roles().empty());
}

struct BadCase {
    const char* name;
    const char* rbac;
    const char* position;
    const char* message;
};

const BadCase kBadCases[] = {
    {"unknown role", "rbac:\n  ai-agent: {}\n", "p.yaml:16:3",
     "rbac: unknown role 'ai-agent'; roles (the `role` enum of the auth entity): admin, reader, "
     "tenant"},
    {"role typo", "rbac:\n  readr: {}\n", "p.yaml:16:3",
     "rbac: unknown role 'readr' (did you mean 'reader'?); roles (the `role` enum of the auth "
     "entity): admin, reader, tenant"},
    {"unknown entity", "rbac:\n  reader:\n    entities:\n      Nots: {read: true}\n", "p.yaml:18:7",
     "rbac.reader: unknown entity 'Nots' (did you mean 'Note'?); entities: Account, User, Note, "
     "or \"*\""},
    {"unknown field",
     "rbac:\n  reader:\n    entities:\n      Note:\n        allowed_filters: [titel]\n",
     "p.yaml:19:27",
     "rbac.reader.Note: allowed_filters: unknown field 'titel' on Note (did you "
     "mean 'title'?)"},
    {"unknown restricted field",
     "rbac:\n  reader:\n    entities:\n      User:\n        field_restrictions: {pasword: "
     "hidden}\n",
     "p.yaml:19:30",
     "rbac.reader.User.field_restrictions: unknown field 'pasword' on User (did "
     "you mean 'password'?)"},
    {"unknown restriction",
     "rbac:\n  reader:\n    entities:\n      Note:\n        field_restrictions: {title: "
     "readonly}\n",
     "p.yaml:19:37",
     "rbac.reader.Note.field_restrictions: 'readonly' is not a restriction (did "
     "you mean 'read_only'?); expected write_only, read_only or hidden"},
    {"readable password",
     "rbac:\n  reader:\n    entities:\n      User:\n        field_restrictions: {password: "
     "read_only}\n",
     "p.yaml:19:40",
     "rbac.reader.User.password: is write-only for every role (it is never "
     "returned); use write_only or hidden"},
    {"unknown rule key", "rbac:\n  reader:\n    entities:\n      Note: {reed: true}\n",
     "p.yaml:18:14",
     "rbac.reader.Note: unknown key 'reed' (did you mean 'read'?); expected read, "
     "create, update, delete, field_restrictions, allowed_filters, forbidden_filters, "
     "max_page_size, row_scope"},
    {"unknown role key", "rbac:\n  reader:\n    max_page: 5\n", "p.yaml:17:5",
     "rbac.reader: unknown key 'max_page' (did you mean 'max_page_size'?); expected entities, "
     "max_page_size, row_scope"},
    {"not a boolean", "rbac:\n  reader:\n    entities:\n      Note: {read: yes}\n", "p.yaml:18:20",
     "rbac.reader.Note: read must be true or false, not 'yes'"},
    {"bad page size", "rbac:\n  reader:\n    max_page_size: 0\n", "p.yaml:17:20",
     "rbac.reader: max_page_size must be a positive integer, not '0'"},
    {"both lists",
     "rbac:\n  reader:\n    entities:\n      Note:\n        allowed_filters: [title]\n"
     "        forbidden_filters: [title]\n",
     "p.yaml:19:9", "rbac.reader.Note: 'title' is in both allowed_filters and forbidden_filters"},
    {"allowed but hidden",
     "rbac:\n  reader:\n    entities:\n      Note:\n        field_restrictions: {title: hidden}\n"
     "        allowed_filters: [title]\n",
     "p.yaml:18:7",
     "rbac.reader.Note: allowed_filters: 'title' is not readable by reader and "
     "cannot be filtered on"},
    {"field keys in *", "rbac:\n  reader:\n    entities:\n      \"*\": {allowed_filters: [id]}\n",
     "p.yaml:18:13",
     "rbac.reader.entities.*: 'allowed_filters' is not allowed in the \"*\" rule "
     "(it names no entity's fields); expected read, create, update, delete, max_page_size, or "
     "give the entity its own rule"},
    {"twice by case",
     "rbac:\n  reader:\n    entities:\n      Note: {read: true}\n      note: {read: true}\n",
     "p.yaml:19:7",
     "rbac.reader: a second rule for Note (first at line 18); entity names are "
     "case-insensitive"},
    {"not a mapping", "rbac: [admin]\n", "p.yaml:15:7",
     "rbac must be a mapping of role names to their rules"},
    {"unknown tenant", "rbac:\n  tenant:\n    row_scope: Acount\n", "p.yaml:17:16",
     "rbac.tenant: row_scope must name the tenant entity; unknown entity 'Acount' (did you mean "
     "'Account'?)"},
    {"rule scope without role scope",
     "rbac:\n  tenant:\n    entities:\n      Note: {read: true, row_scope: none}\n", "p.yaml:18:26",
     "rbac.tenant.Note: row_scope needs the role's own row_scope (rbac.tenant.row_scope: "
     "<Entity>)"},
    {"scope on a non-reference",
     "rbac:\n  tenant:\n    row_scope: Account\n    entities:\n      Note: {read: true, row_scope: "
     "title}\n",
     "p.yaml:19:37",
     "rbac.tenant.Note: row_scope: 'title' is not a reference; name a reference "
     "field or none"},
};

TEST(PolicyLoaderTest, EachMistakeIsReportedWithItsPosition) {
    for (const auto& c : kBadCases) {
        const auto problems = Problems(c.rbac);
        ASSERT_EQ(problems.size(), 1u) << c.name << "\n" << Dump(Error{{}, "", problems});
        EXPECT_EQ(problems[0].field, c.position) << c.name;
        EXPECT_EQ(problems[0].message, c.message) << c.name;
    }
}

TEST(PolicyLoaderTest, AllMistakesAreReportedAtOnceInFileOrder) {
    const auto problems = Problems(R"(rbac:
  readr: {}
  reader:
    entities:
      Nte: {read: true}
      Note: {read: maybe, allowed_filters: [titl]}
)");
    ASSERT_EQ(problems.size(), 4u) << Dump(Error{{}, "", problems});
    EXPECT_EQ(problems[0].field, "p.yaml:16:3");
    EXPECT_EQ(problems[1].field, "p.yaml:19:7");
    EXPECT_EQ(problems[2].field, "p.yaml:20:20");
    EXPECT_EQ(problems[2].message, "rbac.reader.Note: read must be true or false, not 'maybe'");
    EXPECT_EQ(problems[3].field, "p.yaml:20:45");
}

TEST(PolicyLoaderTest, GrantingWhatTheEntityForbidsIsAnError) {
    auto loaded = LoadSchemaText(R"(Log:
  operations: rd
  fields:
    line: String
rbac:
  writer:
    entities:
      Log: {read: true, create: true}
)",
                                 kFile);
    ASSERT_FALSE(loaded);
    ASSERT_EQ(loaded.error().fields.size(), 1u);
    EXPECT_EQ(loaded.error().fields[0].field, "p.yaml:8:33");
    EXPECT_EQ(loaded.error().fields[0].message,
              "rbac.writer.Log: create: Log does not allow create (its operations)");
}

TEST(PolicyLoaderTest, WithoutARoleEnumAnyRoleNameIsAccepted) {
    auto loaded = LoadSchemaText(
        "Log:\n  fields:\n    line: String\nrbac:\n  anyone:\n"
        "    entities:\n      Log: {read: true}\n",
        kFile);
    ASSERT_TRUE(loaded) << Dump(loaded.error());
    EXPECT_NE((*loaded)->access_policy().FindRole("anyone"), nullptr);
}

// ---------------------------------------------------------------- row scope paths

TEST(PolicyLoaderTest, RowScopeFollowsReferencesToTheTenant) {
    auto schema = Load(R"(rbac:
  tenant:
    row_scope: Account
    entities:
      Account: {read: true}
      User: {read: true}
      Note: {read: true}
)");
    ASSERT_TRUE(schema);
    const RolePolicy* tenant = schema->access_policy().FindRole("tenant");
    const Entity* account = schema->FindEntity("Account");
    const Entity* user = schema->FindEntity("User");
    const Entity* note = schema->FindEntity("Note");
    EXPECT_EQ(tenant->tenant, account);
    EXPECT_EQ(tenant->RuleFor(*account)->scope_path,
              (std::vector<const Field*>{account->FindField("id")}));
    EXPECT_EQ(tenant->RuleFor(*user)->scope_path,
              (std::vector<const Field*>{user->FindField("accountId")}));
    EXPECT_EQ(tenant->RuleFor(*note)->scope_path,
              (std::vector<const Field*>{note->FindField("userId"), user->FindField("accountId")}));
}

TEST(PolicyLoaderTest, RowScopeWithoutAPathOrWithTwoMustBeSaid) {
    auto loaded = LoadSchemaText(R"(Account:
  fields:
    name: String
Tag:
  fields:
    label: String
Doc:
  fields:
    ownerId: {type: ObjectId, references: Account}
    payerId: {type: ObjectId, references: Account}
rbac:
  tenant:
    row_scope: Account
    entities:
      Tag: {read: true}
      Doc: {read: true}
)",
                                 kFile);
    ASSERT_FALSE(loaded);
    const auto& problems = loaded.error().fields;
    ASSERT_EQ(problems.size(), 2u) << Dump(loaded.error());
    EXPECT_EQ(problems[0].field, "p.yaml:15:7");
    EXPECT_EQ(problems[0].message,
              "rbac.tenant.Tag: no reference path from Tag to Account for the row scope; give the "
              "rule `row_scope: none` (rows shared by every tenant) or leave the entity out");
    EXPECT_EQ(problems[1].field, "p.yaml:16:7");
    EXPECT_EQ(problems[1].message,
              "rbac.tenant.Doc: several reference paths lead from Doc to Account; choose one with "
              "`row_scope: <reference field>`");

    auto fixed = LoadSchemaText(R"(Account:
  fields:
    name: String
Tag:
  fields:
    label: String
Doc:
  fields:
    ownerId: {type: ObjectId, references: Account}
    payerId: {type: ObjectId, references: Account}
rbac:
  tenant:
    row_scope: Account
    entities:
      Tag: {read: true, row_scope: none}
      Doc: {read: true, row_scope: ownerId}
)",
                                kFile);
    ASSERT_TRUE(fixed) << Dump(fixed.error());
    const RolePolicy* tenant = (*fixed)->access_policy().FindRole("tenant");
    const Entity* doc = (*fixed)->FindEntity("Doc");
    EXPECT_TRUE(tenant->RuleFor(*(*fixed)->FindEntity("Tag"))->scope_path.empty());
    EXPECT_EQ(tenant->RuleFor(*doc)->scope_path,
              (std::vector<const Field*>{doc->FindField("ownerId")}));
}

}  // namespace
}  // namespace ea::schema
