#include "store_test_util.hpp"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <iostream>

#include "common/ids.hpp"
#include "testing/postgres_server.hpp"
#include "testing/test_schema.hpp"

namespace ea {
void PrintTo(const FieldError& error, std::ostream* out) {
    *out << "{" << error.field << ": " << error.message << "}";
}
}  // namespace ea

namespace ea::store::testing {

const char* const kStoreTestSchemaText = R"yaml(
project: store-test
Owner:
  services:
    auth:
      login: name
      password: password
  fields:
    name:
      type: String
      required: true
      unique: true
    password:
      type: String
    level:
      type: Integer
Item:
  uniques: [[title, ownerId]]
  fields:
    title:
      type: String
    note:
      type: String
    kind:
      type: String
      enum: [alpha, beta, gamma]
    count:
      type: Integer
    price:
      type: Number
    cost:
      type: Currency
    flag:
      type: Boolean
    day:
      type: Date
    at:
      type: Datetime
    data:
      type: JSON
    tags:
      type: Array[String]
    nums:
      type: Array[Integer]
    ownerId:
      type: ObjectId
      references: Owner
      on_delete: restrict
    parentId:
      type: ObjectId
      references: Item
      on_delete: set_null
Part:
  fields:
    label:
      type: String
    itemId:
      type: ObjectId
      references: Item
      on_delete: cascade
Pin:
  fields:
    partId:
      type: ObjectId
      references: Part
      on_delete: restrict
)yaml";

std::string BackendName(Backend backend) {
    switch (backend) {
        case Backend::kSqlite: return "Sqlite";
        case Backend::kPostgres: return "Postgres";
    }
    return "Unknown";
}

const schema::Schema& StoreTestSchema() {
    static const schema::SchemaPtr schema = ea::testing::SchemaFromText(kStoreTestSchemaText);
    return *schema;
}

std::string StoreUrl(Backend backend, const ea::testing::TempDir& dir, const std::string& name) {
    switch (backend) {
        case Backend::kSqlite: return "sqlite://" + (dir / name).string();
        case Backend::kPostgres: {
            // One database per (temp dir, name): a test's stores share it, tests never do.
            auto* server = ea::testing::PostgresServer::Shared();
            return server == nullptr ? "postgresql://unavailable"
                                     : server->Database((dir / name).string());
        }
    }
    return {};
}

Record MakeRecord(std::string_view json) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(json, ec);
    if (ec || !parsed.is_object()) {
        std::cerr << "bad test record: " << json << "\n";
        std::abort();
    }
    Record record = parsed.as_object();
    if (!record.contains("id")) {
        record["id"] = NewId();
    }
    if (!record.contains("createdAt")) {
        record["createdAt"] = "2026-01-01T00:00:00.000Z";
    }
    if (!record.contains("updatedAt")) {
        record["updatedAt"] = "2026-01-01T00:00:00.000Z";
    }
    return record;
}

query::FilterPtr Cmp(const schema::Entity& entity, std::string_view field, query::Op op,
                     boost::json::value value) {
    auto node = std::make_unique<query::FilterNode>();
    node->kind = query::FilterNode::Kind::kComparison;
    node->comparison.field = entity.FindField(field);
    if (node->comparison.field == nullptr) {
        std::cerr << "test names unknown field " << field << "\n";
        std::abort();
    }
    node->comparison.op = op;
    node->comparison.value = std::move(value);
    return node;
}

namespace {
query::FilterPtr Group(query::FilterNode::Kind kind, std::vector<query::FilterPtr> children) {
    auto node = std::make_unique<query::FilterNode>();
    node->kind = kind;
    node->children = std::move(children);
    return node;
}
}  // namespace

query::FilterPtr And(std::vector<query::FilterPtr> children) {
    return Group(query::FilterNode::Kind::kAnd, std::move(children));
}
query::FilterPtr Or(std::vector<query::FilterPtr> children) {
    return Group(query::FilterNode::Kind::kOr, std::move(children));
}

std::vector<std::string> Ids(const ListResult& result) {
    std::vector<std::string> out;
    for (const auto& row : result.rows) {
        out.emplace_back(row.at("id").as_string());
    }
    return out;
}

std::vector<std::string> AllIds(DocumentStore& store, const schema::Entity& entity,
                                query::Query& query, int page_size) {
    std::vector<std::string> out;
    query.page_size = page_size;
    for (query.page = 1;; ++query.page) {
        auto result = store.List(entity, query);
        if (!result) {
            std::cerr << "list failed: " << result.error().message << "\n";
            return out;
        }
        if (result->rows.empty()) {
            break;
        }
        for (auto& id : Ids(*result)) {
            out.push_back(std::move(id));
        }
    }
    return out;
}

}  // namespace ea::store::testing
