#include "service_fixture.hpp"

#include <boost/json.hpp>

#include "testing/test_schema.hpp"

namespace ea::service::testing {

RequestContext Context(Channel channel, TimePoint now, Principal principal) {
    RequestContext ctx;
    ctx.principal = std::move(principal);
    ctx.request_id = "test";
    ctx.channel = channel;
    ctx.now = now;
    return ctx;
}

Record Json(std::string_view text) {
    boost::system::error_code ec;
    auto value = boost::json::parse(text, ec);
    if (ec || !value.is_object()) {
        ADD_FAILURE() << "bad JSON object in test: " << text;
        return {};
    }
    return value.as_object();
}

ServiceTest::ServiceTest() : db_file_((dir_ / "t.db").string()) {
    auto opened = store::OpenStore(store::StoreConfig{"sqlite://" + db_file_}, schema());
    if (!opened) {
        ADD_FAILURE() << "OpenStore: " << opened.error().message;
        std::abort();
    }
    store_ = *std::move(opened);
    documents_ = std::make_unique<DocumentService>(schema(), *store_);
}

const schema::Schema& ServiceTest::schema() const {
    return ea::testing::DefaultSchema();
}

const schema::Entity& ServiceTest::Entity(std::string_view name) const {
    const auto* entity = schema().FindEntity(name);
    if (entity == nullptr) {
        ADD_FAILURE() << "no entity " << name;
        std::abort();
    }
    return *entity;
}

std::string ServiceTest::MakeAccount(std::string id) {
    Record body;
    if (!id.empty()) {
        body["id"] = id;
    }
    auto created = documents_->Create(Context(Channel::kCli), Entity("Account"), body);
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::string((*created)["id"].as_string()) : std::string();
}

Record ServiceTest::MakeUser(const std::string& username, const std::string& password,
                             const std::string& account_id, const std::string& role) {
    Record body{{"username", username}, {"email", username + "@example.com"},
                {"password", password}, {"firstName", "Casey"},
                {"lastName", "Tester"}, {"isAccountOwner", false},
                {"role", role},         {"accountId", account_id}};
    auto created = documents_->Create(Context(Channel::kRest), Entity("User"), body);
    EXPECT_TRUE(created) << created.error().message;
    return created ? *created : Record{};
}

Record ServiceTest::EventBody(const std::string& title) {
    return Record{
        {"url", "https://example.com/e"}, {"title", title}, {"dateTime", "2025-07-01T18:00:00Z"}};
}

}  // namespace ea::service::testing
