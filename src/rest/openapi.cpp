#include "rest/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "rbac/authorizer.hpp"
#include "validate/validator.hpp"
#include "validate/value_schema.hpp"

namespace ea::rest {

namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;
using schema::Entity;
using schema::Field;
using schema::FieldType;

using validate::kIdPattern;
constexpr int kDefaultPageSize = 25;
constexpr int kMaxPageSize = 1000;

// ---- small builders ---------------------------------------------------------------------------

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

object SchemaRef(std::string_view name) {
    return object{{"$ref", "#/components/schemas/" + std::string(name)}};
}

object ResponseRef(std::string_view name) {
    return object{{"$ref", "#/components/responses/" + std::string(name)}};
}

object JsonContent(value schema) {
    return object{{"application/json", object{{"schema", std::move(schema)}}}};
}

object JsonResponse(std::string description, value schema) {
    return object{{"description", std::move(description)},
                  {"content", JsonContent(std::move(schema))}};
}

// ---- field schemas ---------------------------------------------------------------------------

std::string FieldDescription(const Field& field) {
    std::string text = field.description;
    const auto sentence = [&text](const std::string& more) {
        if (!text.empty() && text.back() != '.') {
            text += '.';
        }
        if (!text.empty()) {
            text += ' ';
        }
        text += more;
    };
    if (field.target != nullptr) {
        sentence("References " + field.target->name() + ".id (on delete: " +
                 std::string(field.on_delete == schema::OnDelete::kCascade   ? "cascade"
                             : field.on_delete == schema::OnDelete::kSetNull ? "set null"
                                                                             : "restrict") +
                 ").");
    }
    if (field.is_password) {
        sentence("Stored as an argon2id hash; never returned.");
    }
    return text;
}

// The JSON Schema of `field` as the validator checks it (validate/value_schema), described.
object FieldSchema(const Field& field) {
    object s = validate::ValueSchema(field, validate::ValueSchemaOptions{.extensions = true});
    if (auto description = FieldDescription(field); !description.empty()) {
        s["description"] = std::move(description);
    }
    return s;
}

bool IsServerSet(const Field& field) {
    return field.built_in || field.auto_generate || field.auto_update;
}

// E: what reads return. Write-only fields are never sent, so they are not described; with an
// `access`, neither is a field that caller may not read.
object ReadSchema(const Entity& entity, const rbac::EntityAccess* access) {
    object properties;
    array required;
    for (const auto& field : entity.fields()) {
        if (field.write_only || (access != nullptr && !access->CanRead(field))) {
            continue;
        }
        object s = FieldSchema(field);
        if (IsServerSet(field)) {
            s["readOnly"] = true;
        }
        if (field.required || field.name == "id") {
            required.emplace_back(field.name);
        }
        properties[field.name] = std::move(s);
    }
    std::string description = entity.description();
    if (!entity.references().empty()) {
        description +=
            " A `view` parameter adds, for each `<x>Id` reference it names, an object "
            "`<x>`: `{exists, ...chosen fields}`.";
    }
    return object{{"type", "object"},
                  {"description", std::move(description)},
                  {"properties", std::move(properties)},
                  {"required", std::move(required)}};
}

// EInput (with_required) or EPatch: the body of POST/PUT or PATCH. Server-set fields are absent:
// a body that round-trips them is accepted with them ignored, any other unknown field is 422.
// With an `access`, only the fields that caller may set are described.
object WriteSchema(const Entity& entity, bool with_required, const rbac::EntityAccess* access) {
    object properties;
    array required;
    for (const auto& field : entity.fields()) {
        if (IsServerSet(field) || (access != nullptr && !access->CanWrite(field))) {
            continue;
        }
        object s = FieldSchema(field);
        if (field.write_only) {
            s["writeOnly"] = true;
        }
        // A field with a default may be left out on create; the default is stored.
        if (with_required && field.required && !field.default_value) {
            required.emplace_back(field.name);
        }
        properties[field.name] = std::move(s);
    }
    object out{{"type", "object"}, {"properties", std::move(properties)}};
    if (with_required) {
        out["description"] =
            "The body of POST and PUT. On POST a client may also send `id` (1-64 "
            "characters of letters, digits, _ . : -); otherwise one is generated.";
        out["required"] = std::move(required);
    } else {
        out["description"] =
            "The body of PATCH: only the fields to change; null clears an "
            "optional field.";
    }
    return out;
}

object RecordEnvelope(std::string_view entity_name) {
    return object{{"type", "object"},
                  {"required", array{"data", "notifications", "status"}},
                  {"properties", object{{"data", SchemaRef(entity_name)},
                                        {"notifications", SchemaRef("Notifications")},
                                        {"status", object{{"const", "success"}}}}}};
}

object ListEnvelope(std::string_view entity_name) {
    return object{{"type", "object"},
                  {"required", array{"data", "pagination", "notifications", "status"}},
                  {"properties",
                   object{{"data", object{{"type", "array"}, {"items", SchemaRef(entity_name)}}},
                          {"pagination", SchemaRef("Pagination")},
                          {"notifications", SchemaRef("Notifications")},
                          {"status", object{{"const", "success"}}}}}};
}

// ---- shared components -----------------------------------------------------------------------

object CommonSchemas() {
    object schemas;
    schemas["Pagination"] = object{
        {"type", "object"},
        {"required",
         array{"page", "pageSize", "total", "totalPages", "totalIsEstimate", "hasMore"}},
        {"properties",
         object{
             {"page", object{{"type", "integer"}, {"minimum", 1}}},
             {"pageSize", object{{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxPageSize}}},
             {"total", object{{"type", array{"integer", "null"}},
                              {"minimum", 0},
                              {"description", "null with count=none."}}},
             {"totalPages", object{{"type", array{"integer", "null"}},
                                   {"minimum", 0},
                                   {"description",
                                    "ceil(total / pageSize); 0 when there are no records; "
                                    "null with count=none."}}},
             {"totalIsEstimate", object{{"type", "boolean"},
                                        {"description",
                                         "total is a sampled estimate (count=auto past its "
                                         "budget, or count=estimated)."}}},
             {"hasMore",
              object{{"type", "boolean"}, {"description", "a record exists after this page."}}}}}};
    schemas["Notifications"] =
        object{{"type", "object"},
               {"description",
                "Empty on success unless the server has warnings for the caller (for "
                "example a `view` target that no longer exists)."},
               {"properties", object{{"warnings", object{{"type", "object"}}},
                                     {"request_warnings", object{{"type", "array"}}}}}};
    schemas["ErrorItem"] = object{
        {"type", "object"},
        {"required", array{"code", "message"}},
        {"properties",
         object{{"code", object{{"type", "string"},
                                {"description",
                                 "A stable machine-readable code, e.g. "
                                 "validation_failed, not_found, conflict."}}},
                {"message", object{{"type", "string"}}},
                {"field", object{{"type", "string"},
                                 {"description", "The field or parameter concerned, if any."}}}}}};
    schemas["ErrorEnvelope"] = object{
        {"type", "object"},
        {"required", array{"data", "notifications", "status"}},
        {"properties",
         object{{"data", object{{"type", "null"}}},
                {"notifications",
                 object{{"type", "object"},
                        {"required", array{"errors"}},
                        {"properties", object{{"errors", object{{"type", "array"},
                                                                {"items", SchemaRef("ErrorItem")}}},
                                              {"warnings", object{{"type", "object"}}},
                                              {"request_warnings", object{{"type", "array"}}}}}}},
                {"status", object{{"const", "error"}}}}}};
    schemas["LoginRequest"] =
        object{{"type", "object"},
               {"required", array{"username", "password"}},
               {"properties",
                object{{"username", object{{"type", "string"}}},
                       {"password",
                        object{{"type", "string"}, {"format", "password"}, {"writeOnly", true}}}}}};
    schemas["LoginResponse"] = object{
        {"type", "object"},
        {"required", array{"success", "message", "token"}},
        {"properties",
         object{{"success", object{{"type", "boolean"}}},
                {"message", object{{"type", "string"}, {"examples", array{"Login successful"}}}},
                {"token", object{{"type", "string"},
                                 {"description",
                                  "The session token, also set as the sessionId "
                                  "cookie; send it as `Authorization: Bearer`."}}}}}};
    schemas["AuthResult"] = object{{"type", "object"},
                                   {"required", array{"success", "message"}},
                                   {"properties", object{{"success", object{{"type", "boolean"}}},
                                                         {"message", object{{"type", "string"}}}}}};
    return schemas;
}

struct ErrorResponseSpec {
    const char* status;
    const char* name;
    const char* description;
};

constexpr ErrorResponseSpec kErrorResponses[] = {
    {"400", "BadRequest",
     "A malformed request: an unknown or invalid query parameter, or a body that is not JSON. The "
     "message names the parameter and the valid ones."},
    {"401", "Unauthorized",
     "No valid session: log in and send the sessionId cookie or a bearer token."},
    {"403", "Forbidden", "Authenticated, but this role may not do this."},
    {"404", "NotFound", "No record with this id; the message names the entity and the id."},
    {"409", "Conflict",
     "A duplicate value of a unique field (the message names the field(s)), or a delete refused "
     "because other records still reference this one."},
    {"412", "PreconditionFailed",
     "If-Match named a version the record is no longer at (or the record is gone); the message "
     "names both versions. Read the record again and retry."},
    {"413", "PayloadTooLarge",
     "The request body is larger than the server accepts, or a batch has more records than "
     "limits.max_batch (the message names the limit)."},
    {"415", "UnsupportedMediaType", "The body must be sent as application/json."},
    {"422", "ValidationFailed",
     "The record breaks the schema's rules, or references a record that does not exist. Every "
     "field error is listed at once."},
    {"429", "TooManyRequests", "Rate limited; retry after the number of seconds in Retry-After."},
    {"500", "InternalError",
     "An unexpected server error; the log has details under the request id."},
    {"503", "ServiceUnavailable",
     "The database is unavailable or busy, or a list query ran past limits.query_timeout_ms (the "
     "message names the limit: narrow the filter)."},
};

// The record's version on every response that returns one record (see docs/rest.md).
object WithETag(object response) {
    response["headers"] = object{
        {"ETag",
         object{{"description",
                 "The record's version, a strong entity tag: its updatedAt in double quotes. "
                 "Send it back in If-Match to update or delete only that version."},
                {"schema", object{{"type", "string"}}}}}};
    return response;
}

// If-Match on PUT, PATCH and DELETE: optimistic concurrency.
object IfMatchParameter() {
    return object{{"name", "If-Match"},
                  {"in", "header"},
                  {"required", false},
                  {"description",
                   "Write only if the record is at one of these versions (ETag values), or exists "
                   "at all for \"*\"; otherwise 412 and nothing is written."},
                  {"schema", object{{"type", "string"}}}};
}

object ErrorResponses() {
    object responses;
    for (const auto& spec : kErrorResponses) {
        object response = JsonResponse(spec.description, SchemaRef("ErrorEnvelope"));
        if (std::strcmp(spec.status, "429") == 0) {
            response["headers"] = object{
                {"Retry-After", object{{"description", "Seconds to wait before retrying."},
                                       {"schema", object{{"type", "integer"}, {"minimum", 0}}}}}};
        }
        responses[spec.name] = std::move(response);
    }
    return responses;
}

const char* ErrorResponseName(std::string_view status) {
    for (const auto& spec : kErrorResponses) {
        if (status == spec.status) {
            return spec.name;
        }
    }
    return "InternalError";
}

// ---- operations --------------------------------------------------------------------------------

class DocumentBuilder {
public:
    DocumentBuilder(const schema::Schema& schema, const OpenApiOptions& options)
        : schema_(schema), options_(options) {}

    object Build();

private:
    // Adds `statuses` (error codes, e.g. {"400","404"}) to `responses`; 401 only with auth on.
    void AddErrors(object& responses, std::initializer_list<const char*> statuses) const;
    object Operation(std::string tag, std::string operation_id, std::string summary,
                     object responses, std::initializer_list<const char*> errors) const;
    void AddEntity(const Entity& entity);
    void AddAuth(const Entity& entity);
    void AddSystem();
    array ListParameters(const Entity& entity, const rbac::EntityAccess* access) const;
    // Whether the described caller is offered `action` on `entity` (with no principal: whether
    // the entity's operations allow it).
    bool Offers(const Entity& entity, rbac::Action action) const;
    object AggregateOperation(const Entity& entity, const rbac::EntityAccess* access) const;

    const schema::Schema& schema_;
    const OpenApiOptions& options_;
    object paths_;
    object schemas_;
};

bool DocumentBuilder::Offers(const Entity& entity, rbac::Action action) const {
    if (options_.principal == nullptr) {
        switch (action) {
            case rbac::Action::kRead:
                return entity.Allows(schema::kRead);
            case rbac::Action::kCreate:
                return entity.Allows(schema::kCreate);
            case rbac::Action::kUpdate:
                return entity.Allows(schema::kUpdate);
            case rbac::Action::kDelete:
                return entity.Allows(schema::kDelete);
        }
        return false;
    }
    return rbac::EntityAccess(schema_, *options_.principal, entity).Offers(action);
}

void DocumentBuilder::AddErrors(object& responses,
                                std::initializer_list<const char*> statuses) const {
    for (const char* status : statuses) {
        if (!options_.auth_required && (std::strcmp(status, "401") == 0)) {
            continue;
        }
        responses[status] = ResponseRef(ErrorResponseName(status));
    }
}

object DocumentBuilder::Operation(std::string tag, std::string operation_id, std::string summary,
                                  object responses,
                                  std::initializer_list<const char*> errors) const {
    AddErrors(responses, errors);
    return object{{"tags", array{value(std::move(tag))}},
                  {"operationId", std::move(operation_id)},
                  {"summary", std::move(summary)},
                  {"responses", std::move(responses)}};
}

// The fields a caller may name in sort, filter (`query`) or a view embedding (otherwise), comma
// separated; every readable field when `access` is null.
std::string FieldList(const Entity& entity, const rbac::EntityAccess* access, bool query) {
    std::string out;
    for (const auto& field : entity.fields()) {
        if (field.write_only ||
            (access != nullptr && !(query ? access->CanQuery(field) : access->CanEmbed(field)))) {
            continue;
        }
        out += out.empty() ? "" : ", ";
        out += field.name;
    }
    return out;
}

// GET /api/{entity}/_aggregate (docs/rest.md, "Aggregates").
object DocumentBuilder::AggregateOperation(const Entity& entity,
                                            const rbac::EntityAccess* access) const {
    const std::string& name = entity.name();
    const object group{
        {"type", "object"},
        {"required", array{"key"}},
        {"properties",
         object{{"key", object{{"type", "object"},
                               {"description", "The group-by values by field name."}}}}},
        {"additionalProperties",
         object{{"description", "count, sum_<field>, avg_<field>, min_<field>, max_<field>"}}}};
    const object envelope{
        {"type", "object"},
        {"required", array{"data"}},
        {"properties",
         object{{"data",
                 object{{"type", "object"},
                        {"required", array{"groups", "truncated"}},
                        {"properties",
                         object{{"groups", object{{"type", "array"}, {"items", group}}},
                                {"truncated",
                                 object{{"type", "boolean"},
                                        {"description",
                                         "More groups exist than the 1,000 returned."}}}}}}}}}};
    object op = Operation(name, "aggregate" + name, "Aggregate " + name + " records",
                          object{{"200", JsonResponse("One object per group.", envelope)}},
                          {"400", "401", "403", "429", "500", "503"});
    op["description"] =
        "count, sum, avg, min and max over the records matching `filter`, optionally grouped "
        "(at most 1,000 groups, ordered by the group values; `truncated` says when more exist). "
        "The read rules apply: a role may aggregate and group only fields it may read and filter "
        "on, within its row scope.";
    op["parameters"] = array{
        object{{"name", "metrics"},
               {"in", "query"},
               {"description", "Comma-separated `op` or `op:field`, op one of count, sum, avg "
                               "(numeric fields), min, max; default `count`. Fields of " +
                                   name + ": " + FieldList(entity, access, true) + "."},
               {"schema", object{{"type", "string"}}},
               {"example", "count"}},
        object{{"name", "groupBy"},
               {"in", "query"},
               {"description", "Comma-separated fields to group by (at most 3)."},
               {"schema", object{{"type", "string"}}}},
        object{{"name", "filter"},
               {"in", "query"},
               {"description", "As for the list: `field:op:value,...` or the JSON filter."},
               {"schema", object{{"type", "string"}}}},
        object{{"name", "filter_matching"},
               {"in", "query"},
               {"description", "As for the list (default contains)."},
               {"schema", object{{"type", "string"},
                                 {"enum", array{"exact", "contains", "fuzzy"}}}}}};
    return op;
}

array DocumentBuilder::ListParameters(const Entity& entity,
                                      const rbac::EntityAccess* access) const {
    const std::string readable = FieldList(entity, access, true);
    array params;
    params.push_back(
        object{{"name", "page"},
               {"in", "query"},
               {"description", "Page number, 1 or more (default 1). A non-integer is 400."},
               {"schema", object{{"type", "integer"}, {"minimum", 1}, {"default", 1}}}});
    params.push_back(
        object{{"name", "pageSize"},
               {"in", "query"},
               {"description", "Records per page, 1 to 1000 (default 25). A non-integer is 400."},
               {"schema", object{{"type", "integer"},
                                 {"minimum", 1},
                                 {"maximum", kMaxPageSize},
                                 {"default", kDefaultPageSize}}}});
    params.push_back(object{
        {"name", "sort"},
        {"in", "query"},
        {"description",
         "Sort keys: `field[:asc|desc][,field2[:asc|desc]]...`, ascending when no direction is "
         "given, e.g. `createdAt:desc,id`. Default order is by id; strings sort "
         "case-insensitively; ties are broken by id; nulls come first ascending and last "
         "descending. Field names ignore case and empty items are skipped (`a,,b`). An unknown "
         "field or direction is 400; empty means none. Fields: " +
             readable + "."},
        {"schema", object{{"type", "string"}}}});
    params.push_back(object{
        {"name", "filter"},
        {"in", "query"},
        {"description",
         "Conditions, comma-separated and ANDed: `field:value` (equals) or `field:op:value` with "
         "op one of `eq ne lt le lte gt ge gte in`; `in` takes `|`-separated values "
         "(`field:in:a|b|c`). The value is everything after the operator, colons included "
         "(`dateTime:gte:2025-01-01T10:00:00`); quote a value (\"a, b\") to include a comma. "
         "Values are read by field type: booleans `true/1/yes` and `false/0/no`, dates compare as "
         "dates, enum values match case-insensitively. A value starting with `{` is the JSON "
         "filter language instead: `{\"field\": value}`, `{\"field\": {\"$op\": value}}` with "
         "$eq $ne $gt $gte $lt $lte $in $nin $exists, and `{\"$and\": [...]}`, "
         "`{\"$or\": [...]}`. Field names ignore case. An unknown field or operator, or an "
         "empty value, is 400; an empty "
         "parameter means none. Fields: " +
             readable + "."},
        {"schema", object{{"type", "string"}}}});
    std::string views;
    for (const auto& relation : entity.references()) {
        if (!Offers(*relation.to, rbac::Action::kRead) ||
            (access != nullptr && !access->CanQuery(*relation.field))) {
            continue;  // an embedding the caller may not make is not offered
        }
        std::optional<rbac::EntityAccess> target;
        if (options_.principal != nullptr) {
            target.emplace(schema_, *options_.principal, *relation.to);
        }
        const std::string& name = relation.field->name;
        const std::string view_name =
            name.size() > 2 && name.ends_with("Id") ? name.substr(0, name.size() - 2) : name;
        views += views.empty() ? "" : "; ";
        views += "`" + view_name + "(...)` (" + relation.to->name() + ": " +
                 FieldList(*relation.to, target ? &*target : nullptr, false) + ")";
    }
    params.push_back(object{
        {"name", "view"},
        {"in", "query"},
        {"description",
         "Embed referenced records: `x(field1,field2)[,y(...)]`. For each `<x>Id` reference in a "
         "record it adds an object named `<x>`: `{\"exists\": true, ...the chosen fields}`, or "
         "`{\"exists\": false}` when the target is gone. Names ignore case and empty items "
         "are skipped (`x(a,,b)`); `x()` is 400, as is an unknown field of a reference that "
         "exists; a name that is no reference here is ignored and reported in "
         "`notifications.request_warnings`. Empty means none. Also on get-by-id. " +
             (views.empty() ? std::string("This entity holds no references.")
                            : "Views here: " + views + ".")},
        {"schema", object{{"type", "string"}}}});
    params.push_back(object{
        {"name", "filter_matching"},
        {"in", "query"},
        {"description",
         "How `filter` matches free-text String fields: `exact`, `contains` (default: "
         "case-insensitive substring) or `fuzzy`. Enums, ids, numbers and booleans always match "
         "exactly."},
        {"schema", object{{"type", "string"},
                          {"enum", array{"exact", "contains", "fuzzy"}},
                          {"default", "contains"}}}});
    params.push_back(object{
        {"name", "count"},
        {"in", "query"},
        {"description",
         "How `pagination.total` is obtained: `auto` (default: exact while at most 10,000 records "
         "match or the table is small, otherwise a sampled estimate, and then "
         "`totalIsEstimate` is true), `exact`, `estimated`, or `none` (`total` and `totalPages` "
         "are null; `hasMore` says whether a next page exists)."},
        {"schema", object{{"type", "string"},
                          {"enum", array{"auto", "exact", "estimated", "none"}},
                          {"default", "auto"}}}});
    return params;
}

void DocumentBuilder::AddEntity(const Entity& entity) {
    const std::string& name = entity.name();
    const std::string lower = Lower(name);
    std::optional<rbac::EntityAccess> access_of;
    if (options_.principal != nullptr) {
        access_of.emplace(schema_, *options_.principal, entity);
    }
    const rbac::EntityAccess* access = access_of ? &*access_of : nullptr;
    const bool reads = Offers(entity, rbac::Action::kRead);
    const bool creates = Offers(entity, rbac::Action::kCreate);
    const bool updates = Offers(entity, rbac::Action::kUpdate);
    const bool deletes = Offers(entity, rbac::Action::kDelete);
    if (!reads && !creates && !updates && !deletes) {
        if (entity.auth()) {  // the auth routes stay, and `me` answers the caller's own record
            schemas_[name] = ReadSchema(entity, access);
            schemas_[name + "Envelope"] = RecordEnvelope(name);
            AddAuth(entity);
        }
        return;  // nothing else this caller may do with it: not described
    }
    schemas_[name] = ReadSchema(entity, access);
    if (creates || updates) {
        schemas_[name + "Input"] = WriteSchema(entity, true, access);
    }
    if (updates) {
        schemas_[name + "Patch"] = WriteSchema(entity, false, access);
    }
    schemas_[name + "Envelope"] = RecordEnvelope(name);
    if (reads) {
        schemas_[name + "ListEnvelope"] = ListEnvelope(name);
    }

    const auto body = [&](std::string_view schema_name) {
        return object{{"required", true}, {"content", JsonContent(SchemaRef(schema_name))}};
    };
    const auto one = [&](std::string description) {
        return JsonResponse(std::move(description), SchemaRef(name + "Envelope"));
    };

    object collection;
    if (reads) {
        object op = Operation(
            name, "list" + name, "List " + name + " records",
            object{{"200", JsonResponse("One page of records.", SchemaRef(name + "ListEnvelope"))}},
            {"400", "401", "403", "429", "500", "503"});
        op["description"] =
            "Only these query parameters are accepted (their names in any case: `pagesize` is "
            "`pageSize`); any other is 400 naming the valid ones. When a parameter repeats, the "
            "last one wins.";
        op["parameters"] = ListParameters(entity, access);
        collection["get"] = std::move(op);
    }
    if (creates) {
        object op = Operation(name, "create" + name, "Create a " + name,
                              object{{"201", WithETag(one("The saved record (a JSON array of "
                                                          "records for a batch)."))}},
                              {"400", "401", "403", "409", "413", "415", "422", "429", "500"});
        op["description"] =
            "Validates the whole record and reports every field error at once "
            "(422). A missing reference is 422 and wins over a duplicate (409).";
        op["requestBody"] = body(name + "Input");
        collection["post"] = std::move(op);
    }
    if (!collection.empty()) {
        paths_["/api/" + lower] = std::move(collection);
    }
    if (reads) {
        paths_["/api/" + lower + "/_aggregate"] =
            object{{"get", AggregateOperation(entity, access)}};
    }

    object item;
    item["parameters"] =
        array{object{{"name", "id"},
                     {"in", "path"},
                     {"required", true},
                     {"description", "The record id (case-insensitive)."},
                     {"schema", object{{"type", "string"}, {"pattern", kIdPattern}}}}};
    if (reads) {
        object get = Operation(name, "get" + name, "Get a " + name + " by id",
                               object{{"200", WithETag(one("The record."))}},
                               {"400", "401", "403", "404", "429", "500"});
        for (auto& parameter : ListParameters(entity, access)) {  // view embeds as in the list
            if (parameter.as_object().at("name") == "view") {
                get["parameters"] = array{std::move(parameter)};
            }
        }
        item["get"] = std::move(get);
    }
    if (updates) {
        object put = Operation(
            name, "replace" + name, "Replace a " + name,
            object{{"200", WithETag(one("The saved record."))}},
            {"400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "500"});
        put["parameters"] = array{IfMatchParameter()};
        put["description"] =
            "Full replacement: fields left out are cleared (createdAt is kept). "
            "Body validation (422) is checked before a missing record (404).";
        put["requestBody"] = body(name + "Input");
        item["put"] = std::move(put);
        object patch = Operation(
            name, "update" + name, "Update some fields of a " + name,
            object{{"200", WithETag(one("The saved record."))}},
            {"400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "500"});
        patch["parameters"] = array{IfMatchParameter()};
        patch["description"] =
            "Partial update: only the fields sent change; concurrent updates "
            "of different fields all survive.";
        patch["requestBody"] = body(name + "Patch");
        item["patch"] = std::move(patch);
    }
    if (deletes) {
        object deleted{
            {"type", "object"},
            {"required", array{"data", "notifications", "status"}},
            {"properties",
             object{
                 {"data", object{{"anyOf", array{SchemaRef(name), object{{"type", "object"},
                                                                         {"maxProperties", 0}}}}}},
                 {"notifications", SchemaRef("Notifications")},
                 {"status", object{{"const", "success"}}}}}};
        object del = Operation(
            name, "delete" + name, "Delete a " + name,
            object{{"200", JsonResponse("The deleted record, or empty data when there was no such "
                                        "record (deleting is idempotent).",
                                        std::move(deleted))}},
            {"400", "401", "403", "409", "412", "429", "500"});
        del["parameters"] = array{IfMatchParameter()};
        del["description"] =
            "Records that reference this one are handled by their on_delete "
            "rule: cascade deletes them too, restrict refuses with 409.";
        item["delete"] = std::move(del);
    }
    if (item.size() > 1) {
        paths_["/api/" + lower + "/{id}"] = std::move(item);
    }

    if (entity.auth()) {
        AddAuth(entity);
    }
}

void DocumentBuilder::AddAuth(const Entity& entity) {
    const std::string& name = entity.name();
    const std::string lower = Lower(name);
    const auto add = [&](const std::string& prefix, bool legacy) {
        const std::string id_suffix = name + (legacy ? "Legacy" : "");
        const std::string note =
            legacy
                ? " The original path, kept for existing clients; prefer /api/" + lower + "/auth/…."
                : std::string();

        object login = Operation(
            "Auth", "login" + id_suffix, "Log in as a " + name,
            object{{"200", JsonResponse("Logged in. The sessionId cookie is set (HttpOnly, "
                                        "SameSite=Lax).",
                                        SchemaRef("LoginResponse"))}},
            {"400", "415", "429", "500"});
        // 401 is the answer to bad credentials here, so it is listed even with auth off.
        login["responses"].as_object()["401"] = ResponseRef("Unauthorized");
        login["responses"].as_object()["200"].as_object()["headers"] = object{
            {"Set-Cookie", object{{"description", "`sessionId=<token>; HttpOnly; SameSite=Lax`"},
                                  {"schema", object{{"type", "string"}}}}}};
        login["description"] =
            "A wrong password and an unknown user get the same 401. Failed "
            "logins are rate limited per username and client address." +
            note;
        login["requestBody"] =
            object{{"required", true}, {"content", JsonContent(SchemaRef("LoginRequest"))}};
        login["security"] = array{};
        if (legacy) {
            login["deprecated"] = true;
        }
        paths_[prefix + "/login"] = object{{"post", std::move(login)}};

        for (const char* action : {"logout", "refresh"}) {
            const bool is_logout = std::strcmp(action, "logout") == 0;
            object op = Operation(
                "Auth", action + id_suffix,
                is_logout ? "End the current session" : "Extend the current session by its TTL",
                object{{"200", JsonResponse("Done.", SchemaRef("AuthResult"))}}, {"429", "500"});
            op["responses"].as_object()["401"] = ResponseRef("Unauthorized");
            op["description"] = std::string(
                                    "Requires a valid session (cookie or bearer); 401 "
                                    "otherwise.") +
                                note;
            op["security"] =
                array{object{{"cookieAuth", array{}}}, object{{"bearerAuth", array{}}}};
            if (legacy) {
                op["deprecated"] = true;
            }
            paths_[prefix + "/" + action] = object{{"post", std::move(op)}};
        }
        if (!legacy) {
            object me = Operation("Auth", "me" + name, "The logged-in " + name,
                                  object{{"200", JsonResponse("The caller's own record.",
                                                              SchemaRef(name + "Envelope"))}},
                                  {"429", "500"});
            me["responses"].as_object()["401"] = ResponseRef("Unauthorized");
            me["security"] =
                array{object{{"cookieAuth", array{}}}, object{{"bearerAuth", array{}}}};
            paths_[prefix + "/me"] = object{{"get", std::move(me)}};
        }
    };
    add("/api/" + lower + "/auth", false);
    add("/" + lower + "/auth", true);
}

void DocumentBuilder::AddSystem() {
    const array no_security;
    const auto plain = [](std::string description, std::string content_type) {
        return object{{"description", std::move(description)},
                      {"content", object{{std::move(content_type),
                                          object{{"schema", object{{"type", "string"}}}}}}}};
    };

    object metadata = Operation(
        "System", "getMetadata", "The data model, for building forms",
        object{
            {"200", JsonResponse(
                        "{projectName, database, entities: {Entity: field metadata}}.",
                        object{{"type", "object"},
                               {"required", array{"projectName", "database", "entities"}},
                               {"properties", object{{"projectName", object{{"type", "string"}}},
                                                     {"database", object{{"type", "string"}}},
                                                     {"entities", object{{"type", "object"}}}}}})}},
        {"401", "403", "500"});
    paths_["/api/metadata"] = object{{"get", std::move(metadata)}};

    object report = Operation(
        "System", "getDbReport", "Record counts, sizes and schema version (admin only)",
        object{{"200", JsonResponse("The report.",
                                    object{{"type", "object"},
                                           {"properties",
                                            object{{"database", object{{"type", "string"}}},
                                                   {"report", object{{"type", "object"}}}}}})}},
        {"401", "403", "500"});
    paths_["/api/db/report"] = object{{"get", std::move(report)}};

    object init = Operation("System", "getDbInitPage",
                            "An HTML page asking to confirm wiping the database (admin only)",
                            object{{"200", plain("The confirmation page.", "text/html")}},
                            {"401", "403", "500"});
    paths_["/api/db/init"] = object{{"get", std::move(init)}};

    const object confirm_schema{
        {"type", "object"},
        {"required", array{"confirm"}},
        {"properties", object{{"confirm", object{{"const", "DELETE ALL DATA"},
                                                 {"description", "Must be exactly this text."}}}}}};
    object confirmed =
        Operation("System", "resetDb", "Wipe every table and re-create it (admin only)",
                  object{{"200", JsonResponse("Done.", object{{"type", "object"}})}},
                  {"400", "401", "403", "415", "500"});
    confirmed["description"] =
        "Irreversible. Refused (400) unless `confirm` is exactly "
        "\"DELETE ALL DATA\".";
    confirmed["requestBody"] =
        object{{"required", true},
               {"content",
                object{{"application/json", object{{"schema", confirm_schema}}},
                       {"application/x-www-form-urlencoded", object{{"schema", confirm_schema}}}}}};
    paths_["/api/db/init/confirmed"] = object{{"post", std::move(confirmed)}};

    const auto open_get = [&](const char* path, std::string id, std::string summary,
                              object response) {
        object op{{"tags", array{"System"}},
                  {"operationId", std::move(id)},
                  {"summary", std::move(summary)},
                  {"security", no_security},
                  {"responses", object{{"200", std::move(response)}}}};
        paths_[path] = object{{"get", std::move(op)}};
    };
    open_get("/healthz", "getHealth", "Liveness: the process is serving",
             plain("Alive.", "text/plain"));
    open_get("/readyz", "getReadiness", "Readiness: the store answers",
             plain("Ready.", "text/plain"));
    paths_["/readyz"].as_object()["get"].as_object()["responses"].as_object()["503"] =
        plain("Not ready (the store does not answer).", "text/plain");
    open_get("/metrics", "getMetrics", "Prometheus metrics",
             plain("Prometheus text exposition format.", "text/plain"));
    open_get("/openapi.json", "getOpenApi", "This document",
             JsonResponse("The OpenAPI 3.1 document.", object{{"type", "object"}}));
    open_get("/docs", "getDocs", "The interactive documentation page",
             plain("An HTML page.", "text/html"));
}

object DocumentBuilder::Build() {
    array tags;
    for (const auto& entity : schema_.entities()) {
        const bool described = !options_.principal || Offers(*entity, rbac::Action::kRead) ||
                               Offers(*entity, rbac::Action::kCreate) ||
                               Offers(*entity, rbac::Action::kUpdate) ||
                               Offers(*entity, rbac::Action::kDelete);
        if (described) {
            tags.push_back(
                object{{"name", entity->name()}, {"description", entity->description()}});
        }
        AddEntity(*entity);
    }
    const bool any_auth =
        std::any_of(schema_.entities().begin(), schema_.entities().end(),
                    [](const auto& candidate) { return candidate->auth().has_value(); });
    if (any_auth) {
        tags.push_back(object{{"name", "Auth"},
                              {"description", "Sessions: log in, log out, refresh, who am I."}});
    }
    tags.push_back(object{{"name", "System"},
                          {"description", "Metadata, administration, health and metrics."}});
    AddSystem();

    object schemas = CommonSchemas();
    for (auto& member : schemas_) {
        schemas[member.key()] = std::move(member.value());
    }

    std::string description =
        "The " + schema_.project_name() +
        " REST API, generated from its schema. Every response uses the envelope "
        "{data, notifications, status}; lists add pagination. Errors use the same envelope with "
        "status \"error\" and notifications.errors.";
    const auto auth_entity = std::find_if(schema_.entities().begin(), schema_.entities().end(),
                                          [](const auto& e) { return e->auth().has_value(); });
    if (options_.auth_required && auth_entity != schema_.entities().end()) {
        description += " Every other call needs a session: log in with `POST /api/" +
                       Lower((*auth_entity)->name()) +
                       "/auth/login` (Try it out works here); the session cookie is then sent "
                       "automatically. Or pass the returned token as a bearer token (Authorize).";
    }

    object doc;
    doc["openapi"] = "3.1.0";
    doc["info"] = object{{"title", options_.title},
                         {"version", options_.version},
                         {"description", std::move(description)}};
    if (!options_.server_url.empty()) {
        doc["servers"] = array{object{{"url", options_.server_url}}};
    }
    doc["tags"] = std::move(tags);
    doc["paths"] = std::move(paths_);
    doc["components"] = object{
        {"schemas", std::move(schemas)},
        {"responses", ErrorResponses()},
        {"securitySchemes",
         object{{"cookieAuth", object{{"type", "apiKey"},
                                      {"in", "cookie"},
                                      {"name", "sessionId"},
                                      {"description", "Set by the login call."}}},
                {"bearerAuth", object{{"type", "http"},
                                      {"scheme", "bearer"},
                                      {"description", "The token returned by the login call."}}}}}};
    if (options_.auth_required) {
        doc["security"] = array{object{{"cookieAuth", array{}}}, object{{"bearerAuth", array{}}}};
    }
    return doc;
}

}  // namespace

boost::json::object OpenApiDocument(const schema::Schema& schema, const OpenApiOptions& options) {
    return DocumentBuilder(schema, options).Build();
}

std::string OpenApiJson(const schema::Schema& schema, const OpenApiOptions& options) {
    return boost::json::serialize(OpenApiDocument(schema, options));
}

OpenApiDocuments::OpenApiDocuments(const schema::Schema& schema, OpenApiOptions options)
    : schema_(schema), options_(std::move(options)) {}

std::shared_ptr<const std::string> OpenApiDocuments::For(const Principal& principal) {
    // A caller without a session is offered nothing but the public routes, whatever its
    // (empty) role says.
    const std::string key = principal.authenticated ? principal.role : std::string();
    std::lock_guard lock(mutex_);
    auto it = by_role_.find(key);
    if (it == by_role_.end()) {
        OpenApiOptions options = options_;
        options.principal = &principal;
        it = by_role_
                 .emplace(key, std::make_shared<const std::string>(OpenApiJson(schema_, options)))
                 .first;
    }
    return it->second;
}

}  // namespace ea::rest
