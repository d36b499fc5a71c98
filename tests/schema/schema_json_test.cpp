// SchemaToJson: the stable description behind `schema dump --json` and /api/metadata.
#include "schema/schema_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "schema/schema_loader.hpp"
#include "testing/test_schema.hpp"

namespace ea::schema {
namespace {

const boost::json::object& FindByName(const boost::json::array& items, std::string_view name) {
    for (const auto& item : items) {
        if (item.as_object().at("name").as_string() == name) {
            return item.as_object();
        }
    }
    ADD_FAILURE() << "no item named " << name;
    static const boost::json::object kEmpty;
    return kEmpty;
}

TEST(SchemaJsonTest, DescribesEntitiesFieldsRulesAndRelations) {
    const auto json = SchemaToJson(ea::testing::DefaultSchema());
    EXPECT_EQ(json.at("project"), "events-api");
    EXPECT_EQ(json.at("version").as_string(), ea::testing::DefaultSchema().version());
    const auto& entities = json.at("entities").as_array();
    ASSERT_EQ(entities.size(), 8u);

    const auto& user = FindByName(entities, "User");
    EXPECT_EQ(boost::json::serialize(user.at("operations")), R"(["create","read","update"])");
    EXPECT_EQ(boost::json::serialize(user.at("auth")),
              R"({"login":"username","password":"password"})");
    EXPECT_EQ(boost::json::serialize(user.at("uniques")), R"([["username"],["email"]])");
    EXPECT_EQ(boost::json::serialize(user.at("references")),
              R"([{"field":"accountId","entity":"Account","onDelete":"restrict"}])");

    const auto& fields = user.at("fields").as_array();
    EXPECT_EQ(fields.front().as_object().at("name"), "id");
    EXPECT_EQ(fields.front().as_object().at("builtIn"), true);
    const auto& email = FindByName(fields, "email");
    EXPECT_EQ(email.at("type"), "String");
    EXPECT_EQ(email.at("required"), true);
    EXPECT_EQ(email.at("minLength"), 8);
    EXPECT_EQ(email.at("maxLength"), 50);
    EXPECT_EQ(email.at("pattern").as_object().at("message"), "Bad email address format");
    const auto& password = FindByName(fields, "password");
    EXPECT_EQ(password.at("writeOnly"), true);
    const auto& net_worth = FindByName(fields, "netWorth");
    EXPECT_EQ(boost::json::serialize(net_worth.at("ge")), "0");
    EXPECT_EQ(boost::json::serialize(net_worth.at("le")), "10000000");
    const auto& role = FindByName(fields, "role");
    EXPECT_EQ(boost::json::serialize(role.at("enum").as_object().at("values")),
              R"(["admin","read","ai_agent"])");
    EXPECT_EQ(role.at("default"), "read");
    EXPECT_FALSE(role.contains("pattern"));
    EXPECT_EQ(FindByName(fields, "accountId").at("references"), "Account");

    const auto& event = FindByName(entities, "Event");
    EXPECT_EQ(event.at("auth"), nullptr);
    const auto& tags = FindByName(event.at("fields").as_array(), "tags");
    EXPECT_EQ(tags.at("type"), "Array[String]");
    EXPECT_EQ(tags.at("elementType"), "String");
    EXPECT_EQ(boost::json::serialize(event.at("referencedBy")),
              R"([{"entity":"UserEvent","field":"eventId","onDelete":"cascade"}])");
}

TEST(SchemaJsonTest, IsStableForTheSameSchema) {
    const auto a = boost::json::serialize(SchemaToJson(ea::testing::DefaultSchema()));
    auto again = LoadSchema(ea::testing::DefaultSchemaPath());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(boost::json::serialize(SchemaToJson(**again)), a);
}

TEST(SchemaJsonTest, DescriptionKeysEveryEntityByNameInSchemaOrder) {
    const auto& schema = ea::testing::DefaultSchema();
    const auto described = SchemaDescription(schema, "sqlite");
    EXPECT_EQ(described.at("projectName"), "events-api");
    EXPECT_EQ(described.at("database"), "sqlite");
    const auto& entities = described.at("entities").as_object();
    ASSERT_EQ(entities.size(), schema.entities().size());
    std::size_t i = 0;
    for (const auto& [name, entity] : entities) {
        EXPECT_EQ(name, schema.entities()[i]->name());
        EXPECT_EQ(entity, EntityToJson(*schema.entities()[i]));
        ++i;
    }
}

}  // namespace
}  // namespace ea::schema
