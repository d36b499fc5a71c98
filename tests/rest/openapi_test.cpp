// OpenApiDocument: every allowed operation and no other, the validator's constraints, envelopes,
// security (the RE2 -> ECMA pattern translation is tested in tests/schema/ecma_pattern_test.cpp).
#include "rest/openapi.hpp"

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "schema/ecma_pattern.hpp"
#include "testing/test_schema.hpp"

namespace ea::rest {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

const object& Doc() {
    static const object doc = OpenApiDocument(testing::DefaultSchema(), OpenApiOptions{});
    return doc;
}

const object& At(const object& o, std::string_view key) {
    const value* v = o.if_contains(key);
    EXPECT_NE(v, nullptr) << "missing key " << key;
    static const object kEmpty;
    return v != nullptr && v->is_object() ? v->get_object() : kEmpty;
}

const object& Paths() {
    return At(Doc(), "paths");
}
const object& Schemas() {
    return At(At(Doc(), "components"), "schemas");
}
const object& Prop(std::string_view schema, std::string_view field) {
    return At(At(At(Schemas(), schema), "properties"), field);
}

bool HasOp(std::string_view path, std::string_view method) {
    const value* item = Paths().if_contains(path);
    return item != nullptr && item->as_object().contains(method);
}

std::set<std::string> Strings(const value& v) {
    std::set<std::string> out;
    for (const auto& element : v.as_array()) {
        out.insert(std::string(element.as_string()));
    }
    return out;
}

TEST(OpenApiTest, IsValidJsonDeclaringOpenApi31) {
    const std::string text = OpenApiJson(testing::DefaultSchema(), OpenApiOptions{});
    boost::system::error_code ec;
    value parsed = boost::json::parse(text, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(parsed.at("openapi"), "3.1.0");
    EXPECT_EQ(parsed.at("info").at("title"), "Events API");
    EXPECT_EQ(parsed, value(Doc()));
    EXPECT_FALSE(parsed.as_object().contains("servers")) << "empty server_url: same origin";
}

TEST(OpenApiTest, ServerUrlTitleAndVersionComeFromOptions) {
    OpenApiOptions options;
    options.server_url = "http://127.0.0.1:8080";
    options.title = "Mine";
    options.version = "9.9.9";
    object doc = OpenApiDocument(testing::DefaultSchema(), options);
    EXPECT_EQ(doc.at("servers").at(0).at("url"), "http://127.0.0.1:8080");
    EXPECT_EQ(doc.at("info").at("title"), "Mine");
    EXPECT_EQ(doc.at("info").at("version"), "9.9.9");
}

TEST(OpenApiTest, ListsEveryAllowedOperationAndNoOther) {
    int checked = 0;
    for (const auto& entity : testing::DefaultSchema().entities()) {
        std::string lower = entity->name();
        for (char& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const std::string collection = "/api/" + lower;
        const std::string item = collection + "/{id}";
        const bool read = entity->Allows(schema::kRead);
        const bool create = entity->Allows(schema::kCreate);
        const bool update = entity->Allows(schema::kUpdate);
        const bool remove = entity->Allows(schema::kDelete);
        EXPECT_EQ(HasOp(collection, "get"), read) << collection;
        EXPECT_EQ(HasOp(collection, "post"), create) << collection;
        EXPECT_EQ(HasOp(item, "get"), read) << item;
        EXPECT_EQ(HasOp(item, "put"), update) << item;
        EXPECT_EQ(HasOp(item, "patch"), update) << item;
        EXPECT_EQ(HasOp(item, "delete"), remove) << item;
        EXPECT_FALSE(HasOp(collection, "delete")) << collection;
        ++checked;
    }
    EXPECT_EQ(checked, 8);
    // The two entities with restricted operations, spelled out.
    EXPECT_FALSE(HasOp("/api/user/{id}", "delete"));
    EXPECT_TRUE(HasOp("/api/user/{id}", "patch"));
    EXPECT_TRUE(HasOp("/api/crawl", "get"));
    EXPECT_TRUE(HasOp("/api/crawl/{id}", "delete"));
    EXPECT_FALSE(HasOp("/api/crawl", "post"));
    EXPECT_FALSE(HasOp("/api/crawl/{id}", "put"));
    EXPECT_FALSE(Schemas().contains("CrawlInput")) << "Crawl cannot be written";
}

TEST(OpenApiTest, TagsNameEveryEntityInSchemaOrder) {
    std::vector<std::string> tags;
    for (const auto& tag : Doc().at("tags").as_array()) {
        tags.emplace_back(tag.at("name").as_string());
    }
    const std::vector<std::string> expected = {"Account", "User",      "Profile", "TagAffinity",
                                               "Event",   "UserEvent", "Url",     "Crawl",
                                               "Auth",    "System"};
    EXPECT_EQ(tags, expected);
    EXPECT_EQ(Paths().at("/api/tagaffinity").at("get").at("tags").at(0), "TagAffinity");
}

TEST(OpenApiTest, UserConstraintsAreTheValidatorsOnes) {
    const auto& user = *testing::DefaultSchema().FindEntity("User");
    const object& email = Prop("User", "email");
    EXPECT_EQ(email.at("type"), "string");
    EXPECT_EQ(email.at("minLength"), 8);
    EXPECT_EQ(email.at("maxLength"), 50);
    EXPECT_EQ(email.at("pattern"),
              value(*schema::EcmaPattern(user.FindField("email")->pattern->regex)));
    EXPECT_EQ(email.at("x-re2-pattern"), value(user.FindField("email")->pattern->regex));
    EXPECT_EQ(email.at("x-pattern-message"), "Bad email address format");

    const object& username = Prop("User", "username");
    EXPECT_EQ(username.at("minLength"), 3);
    EXPECT_EQ(username.at("maxLength"), 50);

    const object& net_worth = Prop("User", "netWorth");
    EXPECT_EQ(net_worth.at("type"), (array{"number", "null"})) << "optional: null allowed";
    EXPECT_EQ(net_worth.at("multipleOf"), 0.01);
    EXPECT_EQ(net_worth.at("minimum").to_number<double>(), 0.0);
    EXPECT_EQ(net_worth.at("maximum").to_number<double>(), 10000000.0);

    const object& gender = Prop("User", "gender");
    EXPECT_EQ(gender.at("enum"), (array{"male", "female", "other", nullptr}));
    const object& role = Prop("UserInput", "role");
    EXPECT_EQ(role.at("default"), "read");
    EXPECT_EQ(Prop("User", "dob").at("format"), "date");
    EXPECT_EQ(Prop("User", "isAccountOwner").at("type"), "boolean");
    EXPECT_EQ(Prop("User", "username").at("description"),
              "The sign-in name, unique across all users.");

    const object& account_id = Prop("User", "accountId");
    EXPECT_EQ(account_id.at("type"), "string");
    EXPECT_EQ(account_id.at("x-references"), "Account");
    EXPECT_NE(account_id.at("description")
                  .as_string()
                  .find("References Account.id (on delete: "
                        "restrict)"),
              std::string::npos);
}

TEST(OpenApiTest, OtherTypesMapToJsonSchema) {
    EXPECT_EQ(Prop("Event", "dateTime").at("format"), "date-time");
    EXPECT_EQ(Prop("Event", "dateTime").at("type"), "string") << "required: not nullable";
    const object& tags = Prop("Event", "tags");
    EXPECT_EQ(tags.at("type"), (array{"array", "null"}));
    EXPECT_EQ(tags.at("items").at("type"), "string");
    EXPECT_EQ(tags.at("maxItems"), 1000) << "the validator's kMaxArrayElements";
    EXPECT_EQ(Prop("Profile", "preferences").at("type"), (array{"object", "null"}));
    EXPECT_EQ(Prop("Profile", "radiusMiles").at("type"), (array{"integer", "null"}));
    EXPECT_EQ(Prop("TagAffinity", "affinity").at("minimum").to_number<double>(), -100.0);
    EXPECT_EQ(Prop("TagAffinity", "affinity").at("maximum").to_number<double>(), 100.0);
    EXPECT_EQ(Prop("Event", "cost").at("type"), (array{"number", "null"}));
    EXPECT_FALSE(Prop("Event", "cost").contains("multipleOf")) << "Number is not Currency";
    EXPECT_FALSE(Prop("Event", "cost").contains("maximum"));
}

TEST(OpenApiTest, PasswordIsWriteOnlyAndNeverInTheReadSchema) {
    EXPECT_FALSE(At(At(Schemas(), "User"), "properties").contains("password"));
    const object& password = Prop("UserInput", "password");
    EXPECT_EQ(password.at("writeOnly"), true);
    EXPECT_EQ(password.at("minLength"), 8);
    EXPECT_EQ(Prop("UserPatch", "password").at("writeOnly"), true);
}

TEST(OpenApiTest, BuiltInsAreReadOnlyOnReadAndAbsentOnWrite) {
    for (const char* name : {"id", "createdAt", "updatedAt"}) {
        EXPECT_EQ(Prop("User", name).at("readOnly"), true) << name;
        EXPECT_FALSE(At(At(Schemas(), "UserInput"), "properties").contains(name)) << name;
    }
    EXPECT_EQ(Strings(At(Schemas(), "UserInput").at("required")),
              (std::set<std::string>{"username", "email", "password", "firstName", "lastName",
                                     "isAccountOwner", "accountId"}))
        << "role has a default, so it may be left out";
    EXPECT_FALSE(At(Schemas(), "UserPatch").contains("required"));
    EXPECT_TRUE(Strings(At(Schemas(), "User").at("required")).contains("id"));
}

TEST(OpenApiTest, ListTakesExactlyTheContractsParameters) {
    const auto& params = Paths().at("/api/event").at("get").at("parameters").as_array();
    std::vector<std::string> names;
    for (const auto& p : params) {
        names.emplace_back(p.at("name").as_string());
        EXPECT_EQ(p.at("in"), "query");
        EXPECT_FALSE(p.at("description").as_string().empty());
    }
    EXPECT_EQ(names, (std::vector<std::string>{"page", "pageSize", "sort", "filter", "view",
                                               "filter_matching", "count"}));
    EXPECT_EQ(params[1].at("schema").at("maximum"), 1000);
    EXPECT_EQ(params[1].at("schema").at("default"), 25);
    const std::string filter(params[3].at("description").as_string());
    for (const char* text :
         {"field:op:value", "eq ne lt le lte gt ge gte in", "field:in:a|b|c", "`{`", "$or"}) {
        EXPECT_NE(filter.find(text), std::string::npos) << text;
    }
    EXPECT_NE(params[2].at("description").as_string().find("field[:asc|desc]"), std::string::npos);
    EXPECT_EQ(params[5].at("schema").at("enum"), (array{"exact", "contains", "fuzzy"}));
    // The view parameter names the entity's own references; User's is accountId -> account.
    const auto& user_view = Paths().at("/api/user").at("get").at("parameters").at(4);
    EXPECT_NE(user_view.at("description").as_string().find("`account(...)` (Account: "),
              std::string::npos);
    // Get-by-id takes the same view.
    const auto& get_params = Paths().at("/api/user/{id}").at("get").at("parameters").as_array();
    ASSERT_EQ(get_params.size(), 1u);
    EXPECT_EQ(get_params[0], user_view);
    // Sort/filter field lists never offer the write-only password.
    EXPECT_EQ(Paths()
                  .at("/api/user")
                  .at("get")
                  .at("parameters")
                  .at(3)
                  .at("description")
                  .as_string()
                  .find("password"),
              std::string::npos);
}

TEST(OpenApiTest, ResponsesUseTheEnvelopes) {
    const object& list = At(Schemas(), "UserListEnvelope");
    EXPECT_EQ(Strings(list.at("required")),
              (std::set<std::string>{"data", "pagination", "notifications", "status"}));
    EXPECT_EQ(list.at("properties").at("data").at("items").at("$ref"), "#/components/schemas/User");
    EXPECT_EQ(list.at("properties").at("status").at("const"), "success");
    EXPECT_EQ(Strings(At(Schemas(), "Pagination").at("required")),
              (std::set<std::string>{"page", "pageSize", "total", "totalPages", "totalIsEstimate",
                                     "hasMore"}));
    const object& error = At(Schemas(), "ErrorEnvelope");
    EXPECT_EQ(error.at("properties").at("data").at("type"), "null");
    EXPECT_EQ(error.at("properties").at("status").at("const"), "error");
    EXPECT_EQ(error.at("properties")
                  .at("notifications")
                  .at("properties")
                  .at("errors")
                  .at("items")
                  .at("$ref"),
              "#/components/schemas/ErrorItem");

    const auto& post = Paths().at("/api/user").at("post").at("responses").as_object();
    EXPECT_EQ(post.at("201").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/UserEnvelope");
    for (const char* status : {"400", "401", "403", "409", "413", "415", "422", "429", "500"}) {
        EXPECT_TRUE(post.contains(status)) << status;
    }
    EXPECT_FALSE(post.contains("404"));
    const auto& get = Paths().at("/api/user/{id}").at("get").at("responses").as_object();
    EXPECT_EQ(get.at("404").at("$ref"), "#/components/responses/NotFound");
    const auto& too_many = At(At(Doc(), "components"), "responses").at("TooManyRequests");
    EXPECT_TRUE(too_many.at("headers").as_object().contains("Retry-After"));
}

TEST(OpenApiTest, WritesDeclareETagIfMatchAndTheirLimits) {
    const auto& item = Paths().at("/api/event/{id}").as_object();
    for (const char* method : {"put", "patch", "delete"}) {
        const auto& op = item.at(method).as_object();
        EXPECT_EQ(op.at("parameters").at(0).at("name"), "If-Match") << method;
        EXPECT_EQ(op.at("parameters").at(0).at("in"), "header") << method;
        EXPECT_EQ(op.at("responses").at("412").at("$ref"),
                  "#/components/responses/PreconditionFailed")
            << method;
    }
    for (const char* method : {"get", "put", "patch"}) {
        EXPECT_TRUE(
            item.at(method).at("responses").at("200").at("headers").as_object().contains("ETag"))
            << method;
    }
    const auto& collection = Paths().at("/api/event").as_object();
    EXPECT_TRUE(
        collection.at("post").at("responses").at("201").at("headers").as_object().contains("ETag"));
    EXPECT_EQ(collection.at("get").at("responses").at("503").at("$ref"),
              "#/components/responses/ServiceUnavailable");
}

TEST(OpenApiTest, SecurityIsGlobalExceptForPublicRoutes) {
    EXPECT_EQ(Doc().at("security"),
              (array{object{{"cookieAuth", array{}}}, object{{"bearerAuth", array{}}}}));
    const auto& schemes = At(At(Doc(), "components"), "securitySchemes");
    EXPECT_EQ(schemes.at("cookieAuth").at("in"), "cookie");
    EXPECT_EQ(schemes.at("cookieAuth").at("name"), "sessionId");
    EXPECT_EQ(schemes.at("bearerAuth").at("scheme"), "bearer");
    for (const char* path : {"/api/user/auth/login", "/user/auth/login"}) {
        EXPECT_EQ(Paths().at(path).at("post").at("security"), array{}) << path;
    }
    for (const char* path : {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"}) {
        EXPECT_EQ(Paths().at(path).at("get").at("security"), array{}) << path;
    }
    EXPECT_FALSE(Paths().at("/api/user").at("get").as_object().contains("security"))
        << "entity routes inherit the global requirement";
    EXPECT_TRUE(Paths().at("/api/user").at("get").at("responses").as_object().contains("401"));
}

TEST(OpenApiTest, NoSecurityWhenAuthIsNotRequired) {
    OpenApiOptions options;
    options.auth_required = false;
    object doc = OpenApiDocument(testing::DefaultSchema(), options);
    EXPECT_FALSE(doc.contains("security"));
    EXPECT_FALSE(
        doc.at("paths").at("/api/user").at("get").at("responses").as_object().contains("401"));
    // A wrong password is still a 401.
    EXPECT_TRUE(doc.at("paths")
                    .at("/api/user/auth/login")
                    .at("post")
                    .at("responses")
                    .as_object()
                    .contains("401"));
}

TEST(OpenApiTest, AuthRoutesForEntitiesWithTheAuthService) {
    for (const char* action : {"login", "logout", "refresh"}) {
        EXPECT_TRUE(HasOp(std::string("/api/user/auth/") + action, "post")) << action;
        const std::string legacy = std::string("/user/auth/") + action;
        ASSERT_TRUE(HasOp(legacy, "post")) << legacy;
        EXPECT_EQ(Paths().at(legacy).at("post").at("deprecated"), true) << legacy;
    }
    EXPECT_TRUE(HasOp("/api/user/auth/me", "get"));
    EXPECT_FALSE(Paths().contains("/api/account/auth/login")) << "Account has no auth service";
    const auto& login = Paths().at("/api/user/auth/login").at("post");
    EXPECT_EQ(login.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/LoginRequest");
    EXPECT_EQ(Strings(At(Schemas(), "LoginResponse").at("required")),
              (std::set<std::string>{"success", "message", "token"}));
    EXPECT_TRUE(login.at("responses").as_object().contains("401"));
}

TEST(OpenApiTest, SystemRoutes) {
    EXPECT_TRUE(HasOp("/api/metadata", "get"));
    EXPECT_TRUE(HasOp("/api/db/report", "get"));
    EXPECT_TRUE(HasOp("/api/db/init", "get"));
    EXPECT_TRUE(HasOp("/api/db/init/confirmed", "post"));
    EXPECT_TRUE(Paths()
                    .at("/api/db/init")
                    .at("get")
                    .at("responses")
                    .at("200")
                    .at("content")
                    .as_object()
                    .contains("text/html"));
    for (const char* path : {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"}) {
        EXPECT_TRUE(HasOp(path, "get")) << path;
    }
}

// Walks the document; every "$ref" must name an existing component, and operationIds are unique.
void CollectRefs(const value& v, std::vector<std::string>& refs, std::vector<std::string>& ids) {
    if (v.is_object()) {
        for (const auto& [key, member] : v.as_object()) {
            if (key == "$ref" && member.is_string()) {
                refs.emplace_back(member.as_string());
            } else if (key == "operationId" && member.is_string()) {
                ids.emplace_back(member.as_string());
            }
            CollectRefs(member, refs, ids);
        }
    } else if (v.is_array()) {
        for (const auto& element : v.as_array()) {
            CollectRefs(element, refs, ids);
        }
    }
}

TEST(OpenApiTest, EveryRefResolvesAndOperationIdsAreUnique) {
    std::vector<std::string> refs;
    std::vector<std::string> ids;
    CollectRefs(value(Doc()), refs, ids);
    ASSERT_GT(refs.size(), 50u);
    const object& components = At(Doc(), "components");
    for (const auto& ref : refs) {
        ASSERT_TRUE(ref.starts_with("#/components/")) << ref;
        const std::string rest = ref.substr(std::string("#/components/").size());
        const std::string kind = rest.substr(0, rest.find('/'));
        const std::string name = rest.substr(rest.find('/') + 1);
        EXPECT_TRUE(At(components, kind).contains(name)) << ref;
    }
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(OpenApiTest, FollowsAnyLoadedSchema) {
    auto schema = testing::SchemaFromText(R"(
project: notes
Note:
  description: A note.
  operations: r
  fields:
    title:
      type: String
      required: true
      pattern: '(?s)x.*'
    scores:
      type: Array[Integer]
      min_length: 1
      max_length: 5
    price:
      type: Currency
)");
    object doc = OpenApiDocument(*schema, OpenApiOptions{});
    const auto& paths = doc.at("paths").as_object();
    EXPECT_TRUE(paths.at("/api/note").as_object().contains("get"));
    EXPECT_FALSE(paths.at("/api/note").as_object().contains("post"));
    EXPECT_FALSE(paths.at("/api/note/{id}").as_object().contains("put"));
    EXPECT_FALSE(paths.contains("/api/note/auth/login"));
    const auto& props = doc.at("components").at("schemas").at("Note").at("properties");
    EXPECT_FALSE(props.at("title").as_object().contains("pattern"))
        << "(?s) has no ECMA spelling, so no pattern rather than a wrong one";
    EXPECT_EQ(props.at("title").at("x-re2-pattern"), "(?s)x.*");
    EXPECT_EQ(props.at("scores").at("minItems"), 1);
    EXPECT_EQ(props.at("scores").at("maxItems"), 5);
    EXPECT_EQ(props.at("scores").at("items").at("type"), "integer");
    EXPECT_FALSE(props.at("scores").at("items").as_object().contains("minLength"))
        << "lengths count elements, not characters";
    EXPECT_EQ(props.at("price").at("maximum").to_number<double>(), 1e13)
        << "the validator's own Currency limit";
    bool has_auth_tag = false;
    for (const auto& tag : doc.at("tags").as_array()) {
        has_auth_tag = has_auth_tag || tag.at("name") == "Auth";
    }
    EXPECT_FALSE(has_auth_tag);
}

}  // namespace
}  // namespace ea::rest

namespace ea::rest {
namespace {

// The document as one caller sees it (schema.yaml's rbac).
object DocFor(const Principal& principal) {
    OpenApiOptions options;
    options.principal = &principal;
    return OpenApiDocument(testing::DefaultSchema(), options);
}

bool Has(const object& doc, std::string_view path, std::string_view method) {
    const value* item = doc.at("paths").as_object().if_contains(path);
    return item != nullptr && item->as_object().contains(method);
}

std::set<std::string> PropertiesOf(const object& doc, std::string_view schema) {
    std::set<std::string> names;
    const auto& properties = doc.at("components").at("schemas").at(schema).at("properties");
    for (const auto& member : properties.as_object()) {
        names.insert(std::string(member.key()));
    }
    return names;
}

std::string ParameterDescription(const object& doc, std::string_view path, std::string_view name) {
    for (const auto& parameter : doc.at("paths").at(path).at("get").at("parameters").as_array()) {
        if (parameter.at("name").as_string() == name) {
            return std::string(parameter.at("description").as_string());
        }
    }
    return {};
}

TEST(OpenApiForCallerTest, TheAgentSeesOnlyWhatItsRoleMayDo) {
    const Principal agent{"usr_agent", "agent", "ai_agent", "", true};
    const object doc = DocFor(agent);
    // Crawl: no rights, so neither routes, schemas nor a tag.
    EXPECT_FALSE(doc.at("paths").as_object().contains("/api/crawl"));
    EXPECT_FALSE(doc.at("components").at("schemas").as_object().contains("Crawl"));
    for (const auto& tag : doc.at("tags").as_array()) {
        EXPECT_NE(tag.at("name"), "Crawl");
    }
    // User: read + create, no update, no delete.
    EXPECT_TRUE(Has(doc, "/api/user", "get"));
    EXPECT_TRUE(Has(doc, "/api/user", "post"));
    EXPECT_TRUE(Has(doc, "/api/user/{id}", "get"));
    EXPECT_FALSE(Has(doc, "/api/user/{id}", "put"));
    EXPECT_FALSE(Has(doc, "/api/user/{id}", "patch"));
    // Profile: read, create, update; no delete anywhere.
    EXPECT_TRUE(Has(doc, "/api/profile/{id}", "patch"));
    for (const char* path : {"/api/event/{id}", "/api/profile/{id}", "/api/user/{id}"}) {
        EXPECT_FALSE(Has(doc, path, "delete")) << path;
    }
    // role is read_only for the agent: returned, never set; the password only set.
    const auto input = PropertiesOf(doc, "UserInput");
    EXPECT_FALSE(input.contains("role"));
    EXPECT_TRUE(input.contains("password"));
    EXPECT_TRUE(PropertiesOf(doc, "User").contains("role"));
    EXPECT_FALSE(PropertiesOf(doc, "User").contains("password"));
    // Url.params is hidden from it.
    EXPECT_FALSE(PropertiesOf(doc, "Url").contains("params"));
    // Filters and sort name only the fields it may query.
    const std::string filter = ParameterDescription(doc, "/api/user", "filter");
    EXPECT_NE(filter.find("Fields: username, email, gender, createdAt."), std::string::npos)
        << filter;
}

TEST(OpenApiForCallerTest, WithoutASessionOnlyThePublicRoutesAreDescribed) {
    const object doc = DocFor(Principal{});
    for (const auto& member : doc.at("paths").as_object()) {
        const std::string path(member.key());
        const bool entity_route =
            path.starts_with("/api/") && path.find("/auth/") == std::string::npos &&
            !path.starts_with("/api/metadata") && !path.starts_with("/api/db");
        EXPECT_FALSE(entity_route) << path;
    }
    EXPECT_TRUE(Has(doc, "/api/user/auth/login", "post"));
    EXPECT_TRUE(Has(doc, "/api/user/auth/me", "get"));
    // `me` still refers to a schema that exists.
    EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("UserEnvelope"));
}

TEST(OpenApiForCallerTest, TheAdministratorSeesEveryRouteTheSchemaAllows) {
    const object admin = DocFor(Principal::System());
    const object whole = OpenApiDocument(testing::DefaultSchema(), OpenApiOptions{});
    for (const auto& member : whole.at("paths").as_object()) {
        for (const auto& method : member.value().as_object()) {
            if (method.key() == "parameters") {
                continue;
            }
            EXPECT_TRUE(Has(admin, member.key(), method.key()))
                << member.key() << " " << method.key();
        }
    }
}

TEST(OpenApiForCallerTest, OneDocumentPerRoleIsMadeOnceAndKept) {
    OpenApiDocuments documents(testing::DefaultSchema(), OpenApiOptions{});
    const Principal agent{"usr_a", "a", "ai_agent", "", true};
    const Principal other_agent{"usr_b", "b", "ai_agent", "", true};
    const Principal reader{"usr_c", "c", "read", "", true};
    const auto first = documents.For(agent);
    EXPECT_EQ(documents.For(other_agent).get(), first.get()) << "same role, same document";
    EXPECT_NE(documents.For(reader).get(), first.get());
    EXPECT_NE(*documents.For(reader), *first);
    EXPECT_EQ(documents.For(Principal{}).get(), documents.For(Principal{}).get());
}

}  // namespace
}  // namespace ea::rest
