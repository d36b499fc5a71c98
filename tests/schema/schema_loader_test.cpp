// LoadSchemaText: what a valid schema becomes, and that every kind of mistake is reported with
// file:line:col and a message naming the problem.
#include "schema/schema_loader.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <boost/json/serialize.hpp>
#include <string>

namespace ea::schema {
namespace {

constexpr const char* kFile = "t.yaml";

SchemaPtr Load(const std::string& yaml) {
    auto loaded = LoadSchemaText(yaml, kFile);
    if (!loaded) {
        std::string all;
        for (const auto& f : loaded.error().fields) {
            all += f.field + ": " + f.message + "\n";
        }
        ADD_FAILURE() << "schema failed to load:\n" << all;
        return nullptr;
    }
    return *loaded;
}

Error LoadError(const std::string& yaml) {
    auto loaded = LoadSchemaText(yaml, kFile);
    EXPECT_FALSE(loaded.has_value()) << yaml;
    return loaded ? Error{} : loaded.error();
}

std::string Dump(const Error& error) {
    std::string out = error.message + "\n";
    for (const auto& f : error.fields) {
        out += "  " + f.field + ": " + f.message + "\n";
    }
    return out;
}

// ---------------------------------------------------------------- what a valid schema becomes

TEST(SchemaLoaderTest, AddsBuiltInFieldsAroundTheDeclaredOnes) {
    auto schema = Load("Note:\n  fields:\n    title: String\n    body: String\n");
    ASSERT_TRUE(schema);
    const Entity* note = schema->FindEntity("Note");
    ASSERT_NE(note, nullptr);
    const auto& fields = note->fields();
    ASSERT_EQ(fields.size(), 5u);
    const char* kOrder[] = {"id", "title", "body", "createdAt", "updatedAt"};
    for (std::size_t i = 0; i < fields.size(); ++i) {
        EXPECT_EQ(fields[i].name, kOrder[i]);
        EXPECT_EQ(note->FindField(kOrder[i]), &fields[i]);
    }
    EXPECT_EQ(fields[0].type, FieldType::kObjectId);
    EXPECT_TRUE(fields[0].built_in);
    EXPECT_FALSE(fields[0].is_reference());
    EXPECT_EQ(fields[3].type, FieldType::kDatetime);
    EXPECT_TRUE(fields[3].built_in && fields[3].auto_generate && !fields[3].auto_update);
    EXPECT_EQ(fields[4].type, FieldType::kDatetime);
    EXPECT_TRUE(fields[4].built_in && fields[4].auto_update);
    EXPECT_FALSE(fields[1].built_in);
    EXPECT_EQ(fields[1].line, 3);
    EXPECT_EQ(note->line(), 1);
    EXPECT_EQ(note->operations(), kAllOperations);
    EXPECT_FALSE(note->auth().has_value());
    EXPECT_EQ(note->FindField("Title"), nullptr);                      // FindField is exact
    EXPECT_EQ(note->ResolveField("Title"), note->FindField("title"));  // ResolveField ignores case
    EXPECT_EQ(note->ResolveField("CREATEDAT"), note->FindField("createdAt"));
    EXPECT_EQ(note->ResolveField("titl"), nullptr);
}

TEST(SchemaLoaderTest, ResolveFieldPrefersTheExactCase) {
    // Fields differing only by case are refused, but a field and a case-variant of a different
    // field cannot exist; so the exact-case rule shows on a lookup that also matches by case.
    auto schema = Load("Person:\n  fields: {firstName: String, netWorth: Number}\n");
    ASSERT_TRUE(schema);
    const Entity& person = *schema->FindEntity("Person");
    EXPECT_EQ(person.ResolveField("firstName"), person.FindField("firstName"));
    EXPECT_EQ(person.ResolveField("firstname"), person.FindField("firstName"));
    EXPECT_EQ(person.ResolveField("NETWORTH"), person.FindField("netWorth"));
    EXPECT_EQ(person.ResolveField("net_worth"), nullptr);
}

TEST(SchemaLoaderTest, FindsEntitiesCaseInsensitively) {
    auto schema = Load("TagAffinity:\n  fields: {tag: String}\nUser:\n  fields: {name: String}\n");
    ASSERT_TRUE(schema);
    for (const char* name : {"TagAffinity", "tagaffinity", "TAGAFFINITY", "tagAffinity"}) {
        const Entity* entity = schema->FindEntity(name);
        ASSERT_NE(entity, nullptr) << name;
        EXPECT_EQ(entity->name(), "TagAffinity");
    }
    EXPECT_EQ(schema->FindEntity("user")->name(), "User");
    EXPECT_EQ(schema->FindEntity("Userz"), nullptr);
    EXPECT_EQ(schema->FindEntity(""), nullptr);
    // The snake_case and plural forms MCP tools use, in any case.
    for (const char* name :
         {"tag_affinity", "tag_affinities", "TagAffinities", "TAG_AFFINITIES", "tagaffinities"}) {
        const Entity* entity = schema->FindEntity(name);
        ASSERT_NE(entity, nullptr) << name;
        EXPECT_EQ(entity->name(), "TagAffinity");
    }
    EXPECT_EQ(schema->FindEntity("users")->name(), "User");
    EXPECT_EQ(schema->FindEntity("Users")->name(), "User");
    EXPECT_EQ(schema->FindEntity("tag_affinitys"), nullptr);
    ASSERT_EQ(schema->entities().size(), 2u);
    EXPECT_EQ(schema->entities()[0]->name(), "TagAffinity");  // declaration order
}

TEST(SchemaLoaderTest, ReadsProjectNameAndHashesTheTextForVersion) {
    const std::string text = "project: demo\nA:\n  fields: {x: String}\n";
    auto schema = Load(text);
    ASSERT_TRUE(schema);
    EXPECT_EQ(schema->project_name(), "demo");
    EXPECT_EQ(schema->source(), kFile);
    EXPECT_EQ(schema->version().size(), 16u);
    EXPECT_TRUE(RE2::FullMatch(schema->version(), "[0-9a-f]{16}"));
    EXPECT_EQ(Load(text)->version(), schema->version());
    EXPECT_NE(Load(text + "# comment\n")->version(), schema->version());
    EXPECT_EQ(Load("A:\n  fields: {x: String}\n")->project_name(), "events-api");
}

TEST(SchemaLoaderTest, ParsesEveryFieldRule) {
    auto schema = Load(R"(
_dictionaries:
  code: {regex: '[A-Z]{3}', message: Three capitals}
Thing:
  description: A thing.
  operations: rd
  fields:
    name: {type: String, required: true, min_length: 2, max_length: 10, description: The name}
    code: {type: String, pattern: code}
    inline: {type: String, pattern: {regex: 'a+', message: Only a}}
    bare: {type: String, pattern: 'b+'}
    color: {type: String, enum: [red, green, blue]}
    size: {type: String, enum: {values: [S, M], message: Pick a size}, default: M}
    count: {type: Integer, ge: -5, le: 5, default: 3}
    ratio: {type: Number, ge: 0.5, le: 1.5, default: 1.25}
    price: {type: Currency, default: 9.99}
    flag: {type: Boolean, default: false}
    day: {type: Date, default: 2024-02-29}
    at: {type: Datetime, default: '2024-01-02T03:04:05Z'}
    seen: {type: Datetime, autoGenerate: true}
    touched: {type: Date, autoUpdate: true}
    meta: {type: JSON, default: {a: 1, b: [true, x], c: '2'}}
    tags: {type: 'Array[String]', min_length: 1, max_length: 3, default: [a, b]}
    nums: {type: 'Array[Integer]', default: [1, 2]}
)");
    ASSERT_TRUE(schema);
    const Entity& thing = *schema->FindEntity("Thing");
    EXPECT_EQ(thing.description(), "A thing.");
    EXPECT_EQ(thing.operations(), kRead | kDelete);
    EXPECT_TRUE(thing.Allows(kRead));
    EXPECT_FALSE(thing.Allows(kCreate));
    EXPECT_FALSE(thing.Allows(kUpdate));

    const Field& name = *thing.FindField("name");
    EXPECT_TRUE(name.required);
    EXPECT_EQ(name.min_length, 2);
    EXPECT_EQ(name.max_length, 10);
    EXPECT_EQ(name.description, "The name");
    EXPECT_TRUE(name.is_free_text());

    const Field& code = *thing.FindField("code");
    ASSERT_TRUE(code.pattern && code.pattern->compiled);
    EXPECT_EQ(code.pattern->regex, "[A-Z]{3}");
    EXPECT_EQ(code.pattern->message, "Three capitals");
    EXPECT_TRUE(RE2::FullMatch("ABC", *code.pattern->compiled));
    EXPECT_FALSE(RE2::FullMatch("ABCD", *code.pattern->compiled));  // full match, not search

    EXPECT_EQ(thing.FindField("inline")->pattern->message, "Only a");
    EXPECT_EQ(thing.FindField("bare")->pattern->regex, "b+");
    EXPECT_EQ(thing.FindField("bare")->pattern->message, "must match pattern b+");

    const Field& color = *thing.FindField("color");
    ASSERT_TRUE(color.enum_rule);
    EXPECT_EQ(color.enum_rule->values, (std::vector<std::string>{"red", "green", "blue"}));
    EXPECT_EQ(color.enum_rule->message, "must be one of: red, green, blue");
    EXPECT_FALSE(color.is_free_text());
    EXPECT_EQ(thing.FindField("size")->enum_rule->message, "Pick a size");
    EXPECT_EQ(*thing.FindField("size")->default_value, "M");

    const Field& count = *thing.FindField("count");
    EXPECT_EQ(count.ge, -5);
    EXPECT_EQ(count.le, 5);
    EXPECT_EQ(*count.default_value, 3);
    EXPECT_EQ(thing.FindField("ratio")->ge, 0.5);
    EXPECT_EQ(*thing.FindField("ratio")->default_value, 1.25);
    EXPECT_EQ(*thing.FindField("price")->default_value, 9.99);
    EXPECT_EQ(*thing.FindField("flag")->default_value, false);
    EXPECT_EQ(*thing.FindField("day")->default_value, "2024-02-29");
    EXPECT_EQ(*thing.FindField("at")->default_value, "2024-01-02T03:04:05Z");
    EXPECT_TRUE(thing.FindField("seen")->auto_generate);
    EXPECT_TRUE(thing.FindField("touched")->auto_update);
    EXPECT_EQ(boost::json::serialize(*thing.FindField("meta")->default_value),
              R"({"a":1,"b":[true,"x"],"c":"2"})");
    const Field& tags = *thing.FindField("tags");
    EXPECT_EQ(tags.type, FieldType::kArray);
    EXPECT_EQ(tags.element_type, FieldType::kString);
    EXPECT_EQ(boost::json::serialize(*tags.default_value), R"(["a","b"])");
    EXPECT_EQ(boost::json::serialize(*thing.FindField("nums")->default_value), "[1,2]");
}

TEST(SchemaLoaderTest, ResolvesReferencesByConventionAndExplicitly) {
    auto schema = Load(R"(
Account:
  fields: {name: String}
Url:
  fields: {url: String}
User:
  fields:
    accountId: {type: ObjectId, required: true}
    urlId: ObjectId
    managerId: {type: ObjectId, references: user, on_delete: set_null}
    externalRef: ObjectId
)");
    ASSERT_TRUE(schema);
    const Entity& user = *schema->FindEntity("User");
    const Entity& account = *schema->FindEntity("Account");
    const Entity& url = *schema->FindEntity("Url");

    const Field& account_id = *user.FindField("accountId");
    EXPECT_EQ(account_id.target, &account);
    EXPECT_EQ(account_id.references, "Account");
    EXPECT_EQ(account_id.on_delete, OnDelete::kRestrict);  // the default
    EXPECT_EQ(user.FindField("urlId")->target, &url);
    const Field& manager = *user.FindField("managerId");
    EXPECT_EQ(manager.target, &user);
    EXPECT_EQ(manager.references, "User");  // canonical spelling, not as written
    EXPECT_EQ(manager.on_delete, OnDelete::kSetNull);
    EXPECT_FALSE(user.FindField("externalRef")->is_reference());
    EXPECT_FALSE(user.FindField("id")->is_reference());

    ASSERT_EQ(user.references().size(), 3u);
    EXPECT_EQ(user.references()[0].field, &account_id);
    EXPECT_EQ(user.references()[0].from, &user);
    EXPECT_EQ(user.references()[0].to, &account);
    EXPECT_EQ(user.references()[2].field, &manager);
    ASSERT_EQ(account.referenced_by().size(), 1u);
    EXPECT_EQ(account.referenced_by()[0].from, &user);
    EXPECT_EQ(account.referenced_by()[0].field, &account_id);
    ASSERT_EQ(user.referenced_by().size(), 1u);  // the self-reference
    EXPECT_EQ(user.referenced_by()[0].field, &manager);
    EXPECT_TRUE(url.references().empty());
}

TEST(SchemaLoaderTest, AuthServiceMarksThePasswordFieldWriteOnly) {
    auto defaults = Load(
        "User:\n  services: [auth]\n  fields: {username: String, password: String}\n");
    ASSERT_TRUE(defaults);
    const Entity& user = *defaults->FindEntity("User");
    ASSERT_TRUE(user.auth().has_value());
    EXPECT_EQ(user.auth()->login_field, "username");
    EXPECT_EQ(user.auth()->password_field, "password");
    EXPECT_TRUE(user.FindField("password")->write_only);
    EXPECT_TRUE(user.FindField("password")->is_password);
    EXPECT_FALSE(user.FindField("username")->write_only);

    auto custom = Load(
        "Member:\n  services: {auth: {login: email, password: secret}}\n"
        "  fields: {email: String, secret: String, password: String}\n");
    ASSERT_TRUE(custom);
    const Entity& member = *custom->FindEntity("Member");
    EXPECT_EQ(member.auth()->login_field, "email");
    EXPECT_EQ(member.auth()->password_field, "secret");
    EXPECT_TRUE(member.FindField("secret")->is_password);
    EXPECT_FALSE(member.FindField("password")->is_password);
}

TEST(SchemaLoaderTest, CollectsUniquesFromBothSpellingsWithoutRepeats) {
    auto schema = Load(R"(
Profile:
  uniques: [[name, ownerRef], [email]]
  fields:
    name: String
    ownerRef: ObjectId
    email: {type: String, unique: true}
    slug: {type: String, unique: true}
)");
    ASSERT_TRUE(schema);
    const auto& uniques = schema->FindEntity("Profile")->uniques();
    const std::vector<std::vector<std::string>> expected = {
        {"name", "ownerRef"}, {"email"}, {"slug"}};
    EXPECT_EQ(uniques, expected);
}

// ---------------------------------------------------------------- every kind of mistake

struct ErrorCase {
    const char* what;
    const char* yaml;
    const char* position;  // "line:col" of the one expected problem
    const char* message;   // a substring of its message
};

const ErrorCase kErrorCases[] = {
    {"yaml syntax", "A:\n  fields: {x: String\n", "3:1", "YAML syntax error"},
    {"not a mapping", "- a\n- b\n", "1:1", "must be a mapping of entity names"},
    {"no entities", "project: x\n", "1:1", "declares no entities"},
    {"unknown top-level underscore key", "_dicts: {}\nA:\n  fields: {x: String}\n", "1:1",
     "unknown top-level key '_dicts'"},
    {"unknown type", "A:\n  fields:\n    x: Strin\n", "3:8", "A.x: unknown type 'Strin'"},
    {"unknown type in mapping", "A:\n  fields:\n    x: {type: Integr}\n", "3:15",
     "unknown type 'Integr'"},
    {"bad array element", "A:\n  fields:\n    x: Array[JSON]\n", "3:8",
     "bad array element type in 'Array[JSON]'"},
    {"missing type", "A:\n  fields:\n    x: {required: true}\n", "3:5", "A.x: missing `type`"},
    {"unknown field key", "A:\n  fields:\n    x: {type: String, requird: true}\n", "3:23",
     "unknown field key 'requird'"},
    {"unknown entity key", "A:\n  feilds: {}\n  fields: {x: String}\n", "2:3",
     "A: unknown entity key 'feilds'"},
    {"required not a bool", "A:\n  fields:\n    x: {type: String, required: maybe}\n", "3:33",
     "required must be true or false, not 'maybe'"},
    {"negative max_length", "A:\n  fields:\n    x: {type: String, max_length: -1}\n", "3:35",
     "max_length must be a non-negative integer, not '-1'"},
    {"min_length above max_length",
     "A:\n  fields:\n    x: {type: String, min_length: 5, max_length: 2}\n", "3:35",
     "min_length 5 is greater than max_length 2"},
    {"ge above le", "A:\n  fields:\n    x: {type: Integer, ge: 10, le: 1}\n", "3:28",
     "ge 10 is greater than le 1"},
    {"fractional bound on Integer", "A:\n  fields:\n    x: {type: Integer, ge: 0.5}\n", "3:28",
     "ge must be an integer"},
    {"length on a number", "A:\n  fields:\n    x: {type: Integer, max_length: 3}\n", "3:24",
     "`max_length` applies to String and Array fields only (this field is Integer)"},
    {"bad regex", "A:\n  fields:\n    x: {type: String, pattern: {regex: 'a(b'}}\n", "3:40",
     "A.x: pattern: invalid regex 'a(b'"},
    {"bad regex in dictionary",
     "_dictionaries:\n  d: {regex: '[z-a]'}\nA:\n  fields: {x: String}\n", "2:14",
     "_dictionaries.d: invalid regex '[z-a]'"},
    {"unknown dictionary",
     "_dictionaries:\n  email: {regex: 'a'}\nA:\n  fields:\n"
     "    x: {type: String, pattern: emial}\n",
     "5:32", "unknown dictionary 'emial' (known: email)"},
    {"unknown pattern key",
     "A:\n  fields:\n    x: {type: String, pattern: {regex: a, mesage: x}}\n", "3:43",
     "unknown pattern key 'mesage'"},
    {"pattern without regex", "A:\n  fields:\n    x: {type: String, pattern: {message: x}}\n",
     "3:32", "pattern needs a `regex`"},
    {"pattern on Integer", "A:\n  fields:\n    x: {type: Integer, pattern: 'a+'}\n", "3:24",
     "`pattern` applies to String fields only"},
    {"explicit reference to a missing entity",
     "A:\n  fields:\n    x: {type: ObjectId, references: Nope}\n", "3:37",
     "A.x: references unknown entity 'Nope'"},
    {"conventional reference to a missing entity", "A:\n  fields:\n    ownerId: ObjectId\n", "3:5",
     "named like a reference to entity 'owner', but there is no such entity"},
    {"references on a String",
     "B:\n  fields: {y: String}\nA:\n  fields:\n"
     "    x: {type: String, references: B}\n",
     "5:23", "`references` applies to ObjectId fields"},
    {"duplicate field", "A:\n  fields:\n    x: String\n    x: Integer\n", "4:5",
     "duplicate field 'x' (first at line 3)"},
    {"duplicate entity", "A:\n  fields: {x: String}\nA:\n  fields: {y: String}\n", "3:1",
     "duplicate entity 'A' (first at line 1)"},
    {"fields differing only in case",
     "A:\n  fields:\n    firstName: String\n    FirstName: String\n", "4:5",
     "field 'FirstName' differs only in case from 'firstName' (line 3)"},
    {"a field differing only in case from a built-in", "A:\n  fields:\n    ID: String\n", "3:5",
     "field 'ID' differs only in case from the built-in field 'id'"},
    {"a field differing only in case from createdAt", "A:\n  fields:\n    CreatedAt: Datetime\n",
     "3:5", "differs only in case from the built-in field 'createdAt'"},
    {"an entity whose plural is another entity's name",
     "User:\n  fields: {x: String}\nUsers:\n  fields: {y: String}\n", "3:1",
     "entity 'Users' and entity 'User' (line 1) are both called 'users'"},
    {"entities with the same snake_case form",
     "UserEvent:\n  fields: {x: String}\nUser_Event:\n  fields: {y: String}\n", "3:1",
     "entity 'User_Event' and entity 'UserEvent' (line 1) are both called 'user_event'"},
    {"entities differing only in case", "Ab:\n  fields: {x: String}\nAB:\n  fields: {y: String}\n",
     "3:1", "entity 'AB' differs only in case from 'Ab'"},
    {"unique naming a missing field", "A:\n  uniques: [[x, nmae]]\n  fields: {x: String}\n", "2:17",
     "uniques: unknown field 'nmae' in A"},
    {"uniques not a list of lists", "A:\n  uniques: [x]\n  fields: {x: String}\n", "2:13",
     "each entry must be a non-empty list"},
    {"unique on JSON", "A:\n  fields:\n    x: {type: JSON, unique: true}\n", "3:21",
     "a JSON field cannot be unique"},
    {"enum values not strings", "A:\n  fields:\n    x: {type: String, enum: [a, 2]}\n", "3:33",
     "enum values must be strings (quote '2')"},
    {"enum values empty", "A:\n  fields:\n    x: {type: String, enum: []}\n", "3:29",
     "must be a non-empty list of strings"},
    {"duplicate enum value", "A:\n  fields:\n    x: {type: String, enum: [a, a]}\n", "3:33",
     "duplicate enum value 'a'"},
    {"default of the wrong type", "A:\n  fields:\n    x: {type: Integer, default: abc}\n", "3:33",
     "A.x: default must be an Integer, not 'abc'"},
    {"quoted number default on Integer", "A:\n  fields:\n    x: {type: Integer, default: '1'}\n",
     "3:33", "default must be an Integer"},
    {"boolean default spelled yes", "A:\n  fields:\n    x: {type: Boolean, default: yes}\n", "3:33",
     "default must be a Boolean, not 'yes'"},
    {"currency default with three decimals",
     "A:\n  fields:\n    x: {type: Currency, default: 1.234}\n", "3:34",
     "at most two decimal places"},
    {"impossible date default", "A:\n  fields:\n    x: {type: Date, default: 2023-02-29}\n", "3:30",
     "default must be a Date (YYYY-MM-DD), not '2023-02-29'"},
    {"default outside the enum", "A:\n  fields:\n    x: {type: String, enum: [a, b], default: c}\n",
     "3:46", "default 'c' must be one of: a, b"},
    {"default above le", "A:\n  fields:\n    x: {type: Integer, le: 5, default: 6}\n", "3:40",
     "default is greater than le 5"},
    {"JSON default not an object", "A:\n  fields:\n    x: {type: JSON, default: [1]}\n", "3:30",
     "default must be a JSON object"},
    {"empty entity", "A:\nB:\n  fields: {x: String}\n", "1:1", "A: empty entity"},
    {"entity with empty fields", "A:\n  fields: {}\n", "2:11", "A: empty entity"},
    {"entity without fields key", "A:\n  description: nothing\n", "1:1", "A: empty entity"},
    {"bad operations letter", "A:\n  operations: rx\n  fields: {x: String}\n", "2:15",
     "'x' is not an operation"},
    {"repeated operations letter", "A:\n  operations: rr\n  fields: {x: String}\n", "2:15",
     "'r' is repeated"},
    {"set_null on a required field",
     "B:\n  fields: {y: String}\nA:\n  fields:\n"
     "    bId: {type: ObjectId, required: true, on_delete: set_null}\n",
     "5:54", "on_delete: set_null cannot apply to a required field"},
    {"bad on_delete",
     "B:\n  fields: {y: String}\nA:\n  fields:\n"
     "    bId: {type: ObjectId, on_delete: destroy}\n",
     "5:38", "on_delete must be restrict, cascade or set_null, not 'destroy'"},
    {"on_delete without a reference", "A:\n  fields:\n    x: {type: String, on_delete: cascade}\n",
     "3:34", "on_delete applies to ObjectId references only"},
    {"built-in field declared", "A:\n  fields:\n    createdAt: Date\n", "3:5",
     "'createdAt' is built in"},
    {"invalid field name", "A:\n  fields:\n    first-name: String\n", "3:5",
     "'first-name' is not a valid field name"},
    {"invalid entity name", "My Entity:\n  fields: {x: String}\n", "1:1",
     "'My Entity' is not a valid entity name"},
    {"unknown service", "A:\n  services: [oauth]\n  fields: {x: String}\n", "2:14",
     "unknown service 'oauth'"},
    {"auth without a password field", "A:\n  services: [auth]\n  fields: {username: String}\n",
     "2:14", "password field 'password' is not a field of A"},
    {"auth login not a String",
     "A:\n  services: {auth: {login: pin}}\n  fields: {pin: Integer, password: String}\n", "2:28",
     "login field 'pin' must be a String"},
    {"two auth entities",
     "A:\n  services: [auth]\n  fields: {username: String, password: String}\n"
     "B:\n  services: [auth]\n  fields: {username: String, password: String}\n",
     "5:14", "only one entity may have the auth service (A already does)"},
    {"autoUpdate on a String", "A:\n  fields:\n    x: {type: String, autoUpdate: true}\n", "3:23",
     "`autoUpdate` applies to Date and Datetime fields only"},
    {"search_index on an Integer", "A:\n  fields:\n    n: {type: Integer, search_index: false}\n",
     "3:24", "A.n: `search_index` applies to free-text String fields only (this field is Integer)"},
    {"search_index on a String with an enum",
     "A:\n  fields:\n    c: {type: String, search_index: false, enum: [a, b]}\n", "3:23",
     "`search_index` applies to free-text String fields only (this field is String with an enum)"},
    {"search_index not a boolean", "A:\n  search_index: sometimes\n  fields: {x: String}\n", "2:17",
     "A: search_index"},
    {"sort_index on a String", "A:\n  fields:\n    s: {type: String, sort_index: false}\n", "3:23",
     "A.s: `sort_index` applies to Date, Datetime, Integer, Number and Currency fields only "
     "(this field is String)"},
    {"sort_index not a boolean", "A:\n  sort_index: maybe\n  fields: {x: String}\n", "2:15",
     "A: sort_index"},
};

TEST(SchemaLoaderTest, SearchIndexCanBeTurnedOffPerFieldOrPerEntity) {
    auto schema = Load(R"(A:
  fields:
    kept: String
    off: {type: String, search_index: false}
    status: {type: String, enum: [x, y]}
B:
  search_index: false
  fields:
    one: String
    back: {type: String, search_index: true}
)");
    ASSERT_TRUE(schema);
    const Entity& a = *schema->FindEntity("A");
    EXPECT_TRUE(a.search_index());
    EXPECT_TRUE(a.FindField("kept")->is_search_indexed());
    EXPECT_FALSE(a.FindField("off")->is_search_indexed());
    EXPECT_TRUE(a.FindField("off")->is_free_text());           // contains and fuzzy still apply
    EXPECT_FALSE(a.FindField("status")->is_search_indexed());  // an enum is not free text
    const Entity& b = *schema->FindEntity("B");
    EXPECT_FALSE(b.search_index());
    EXPECT_FALSE(b.FindField("one")->is_search_indexed());
    EXPECT_TRUE(b.FindField("back")->is_search_indexed());  // the field's own word wins
}

TEST(SchemaLoaderTest, SortIndexCanBeTurnedOffPerFieldOrPerEntityBuiltInsIncluded) {
    auto schema = Load(R"(A:
  fields:
    n: {type: Integer, sort_index: false}
    x: Number
B:
  sort_index: false
  fields:
    at: {type: Datetime, sort_index: true}
    n: Integer
)");
    ASSERT_TRUE(schema);
    const Entity& a = *schema->FindEntity("A");
    EXPECT_TRUE(a.sort_index());
    EXPECT_FALSE(a.FindField("n")->sort_index);
    EXPECT_TRUE(a.FindField("x")->sort_index);
    EXPECT_TRUE(a.FindField("createdAt")->sort_index);
    const Entity& b = *schema->FindEntity("B");
    EXPECT_FALSE(b.sort_index());
    EXPECT_TRUE(b.FindField("at")->sort_index);  // the field's own word wins
    EXPECT_FALSE(b.FindField("n")->sort_index);
    EXPECT_FALSE(b.FindField("createdAt")->sort_index);
    EXPECT_FALSE(b.FindField("updatedAt")->sort_index);
}

TEST(SchemaLoaderTest, AWriteOnlyPasswordHasNoSearchIndex) {
    auto schema = Load("U:\n  services: [auth]\n  fields: {username: String, password: String}\n");
    ASSERT_TRUE(schema);
    const Entity& u = *schema->FindEntity("U");
    EXPECT_TRUE(u.FindField("username")->is_search_indexed());
    EXPECT_TRUE(u.FindField("password")->write_only);
    EXPECT_FALSE(u.FindField("password")->is_search_indexed());
}

TEST(SchemaLoaderTest, ReportsEachKindOfMistakeWithItsPosition) {
    for (const auto& c : kErrorCases) {
        const auto error = LoadError(c.yaml);
        EXPECT_EQ(error.code, ErrorCode::kInvalidArgument) << c.what;
        ASSERT_EQ(error.fields.size(), 1u) << c.what << "\n" << Dump(error);
        EXPECT_EQ(error.message, "t.yaml: 1 problem in schema") << c.what;
        EXPECT_EQ(error.fields[0].field, std::string(kFile) + ":" + c.position)
            << c.what << "\n" << Dump(error);
        EXPECT_NE(error.fields[0].message.find(c.message), std::string::npos)
            << c.what << "\n  expected to contain: " << c.message << "\n" << Dump(error);
    }
}

TEST(SchemaLoaderTest, ReportsEveryProblemAtOnceInFileOrder) {
    const auto error = LoadError(R"(User:
  operations: rcx
  fields:
    name: Strin
    age: {type: Integer, ge: 10, le: 1}
    name: String
    ownerId: ObjectId
Event:
  fields:
    userId: {type: ObjectId, references: Usr}
)");
    ASSERT_EQ(error.fields.size(), 6u) << Dump(error);
    EXPECT_EQ(error.message, "t.yaml: 6 problems in schema");
    // Reference problems are found in a later pass but still come out in file order.
    const std::vector<std::string> positions = {"t.yaml:2:15", "t.yaml:4:11", "t.yaml:5:30",
                                                "t.yaml:6:5",  "t.yaml:7:5",  "t.yaml:10:42"};
    std::vector<std::string> actual;
    for (const auto& f : error.fields) {
        actual.push_back(f.field);
    }
    EXPECT_EQ(actual, positions) << Dump(error);
}

TEST(SchemaLoaderTest, NeverThrowsOnHostileInput) {
    const std::string deep = std::string(5000, '[') + std::string(5000, ']');
    const std::string hostile[] = {
        "",
        "\t\tA:\n",
        "A: [",
        "A: &a [*a]",
        deep,
        "A:\n  fields: " + deep + "\n",
        "A:\n  fields:\n    x: {type: JSON, default: {k: " + deep + "}}\n",
        std::string("\0\xff\xfe", 3),
        "? [a, b]\n: c\n",
        "A:\n  fields:\n    ? [x]\n    : String\n",
        "A: !!binary aGVsbG8=\n",
        "A:\n  fields:\n    x: {type: String, pattern: {regex: '(a*)*b'}}\n  uniques: [[x, [y]]]\n",
    };
    for (const auto& text : hostile) {
        auto loaded = LoadSchemaText(text, kFile);
        if (loaded) {
            continue;  // some are valid; the point is no crash and no exception
        }
        EXPECT_FALSE(loaded.error().fields.empty()) << text.substr(0, 40);
        for (const auto& f : loaded.error().fields) {
            EXPECT_EQ(f.field.rfind("t.yaml:", 0), 0u) << f.field;
            EXPECT_FALSE(f.message.empty());
        }
    }
}

}  // namespace
}  // namespace ea::schema
