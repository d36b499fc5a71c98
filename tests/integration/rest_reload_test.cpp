// Schema reload regenerates the REST face too, on the real binary: a new entity's routes answer
// and validate by its fields, a changed field validates by the new schema, a removed entity's
// routes answer 404, /api/metadata and /openapi.json (per role) describe the schema in service,
// a broken schema is refused with REST still serving the old one, and a reload under concurrent
// REST load fails no request.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>

#include "integration/integration_fixture.hpp"
#include "integration/reload_schema.hpp"
#include "testing/temp_dir.hpp"
#include "testing/text_file.hpp"

namespace ea::integration {
namespace {

using ea::testing::ReadTextFile;
using ea::testing::WriteTextFile;
using namespace std::chrono_literals;

// Inserted before the rbac section. No rbac rule names it: administrators only.
constexpr const char* kWidget = R"(Widget:
  description: A thing added by a schema reload.
  fields:
    label:
      type: String
      required: true
      max_length: 10
      description: What the widget is called.

)";

// The same entity with its label allowed longer and a new field with an enum.
constexpr const char* kWidgetChanged = R"(Widget:
  description: A thing changed by a schema reload.
  fields:
    label:
      type: String
      required: true
      max_length: 40
      description: What the widget is called.
    colour:
      type: String
      enum: [red, green]
      description: Its colour.

)";

// The entity names /api/metadata lists for this caller.
std::vector<std::string> MetadataEntities(const Api& api) {
    const auto response = api.Get("/api/metadata");
    std::vector<std::string> names;
    const auto data = response.Json();
    if (const auto* object = data.if_object()) {
        if (const auto* entities = object->if_contains("entities")) {
            if (entities->is_array()) {
                for (const auto& entity : entities->as_array()) {
                    names.push_back(Str(entity.at("name")));
                }
            } else if (entities->is_object()) {
                for (const auto& [name, _] : entities->as_object()) {
                    names.emplace_back(name);
                }
            }
        }
    }
    return names;
}

bool Has(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool OpenApiHasPath(const Api& api, const std::string& path) {
    const auto response = api.Get("/openapi.json");
    if (response.status != 200) {
        return false;
    }
    return response.Json().at("paths").as_object().contains(path);
}

class RestReloadTest : public ::testing::Test {
protected:
    void SetUp() override {
        original_ = ReadTextFile(DefaultSchemaPath());
        ASSERT_NE(original_.find("\nrbac:"), std::string::npos);
        schema_path_ = dir_ / "schema.yaml";
        WriteTextFile(schema_path_, original_);
        auto options = DemoServerOptions();
        options.schema = schema_path_;
        server_ = StartServer(options);
        ASSERT_TRUE(server_);
        token_ = LoginToken(server_->port(), "admin", kAdminPassword);
    }

    HttpResponse Reload() const {
        return Api(server_->port(), token_).Post("/api/_admin/reload-schema", json::object{});
    }

    ea::testing::TempDir dir_;
    std::filesystem::path schema_path_;
    std::string original_;
    std::unique_ptr<ea::testing::ServerProcess> server_;
    std::string token_;
};

TEST_F(RestReloadTest, ReloadRegeneratesRoutesValidationMetadataAndOpenApi) {
    const std::uint16_t port = server_->port();
    Api admin(port, token_);
    Api anonymous(port, "");
    ASSERT_TRUE(IsError(admin.Get("/api/widget"), 404)) << Describe(admin.Get("/api/widget"));
    EXPECT_FALSE(Has(MetadataEntities(admin), "Widget"));
    EXPECT_FALSE(OpenApiHasPath(admin, "/api/widget"));

    // A new entity: its routes answer, validate by its fields, and it is described.
    WriteTextFile(schema_path_, WithEntity(original_, kWidget));
    const auto reloaded = Reload();
    ASSERT_EQ(reloaded.status, 200) << Describe(reloaded);
    EXPECT_EQ(reloaded.Json().at("entities").as_int64(), 9) << reloaded.body;
    const auto created = admin.Post("/api/widget", json::object{{"label", "first"}});
    ASSERT_TRUE(IsSuccess(created, 201)) << Describe(created);
    const std::string id = Str(DataOf(created).at("id"));
    const auto fetched = admin.Get("/api/widget/" + id);
    ASSERT_TRUE(IsSuccess(fetched)) << Describe(fetched);
    EXPECT_EQ(Str(DataOf(fetched).at("label")), "first");
    EXPECT_TRUE(IsError(admin.Post("/api/widget", json::object{{"label", "far too long a label"}}),
                        422, "", "", "label"))
        << Describe(admin.Post("/api/widget", json::object{{"label", "far too long a label"}}));
    EXPECT_TRUE(IsError(admin.Post("/api/widget", json::object{}), 422, "", "", "label"));
    EXPECT_TRUE(Has(MetadataEntities(admin), "Widget"))
        << admin.Get("/api/metadata").body.substr(0, 800);
    EXPECT_TRUE(OpenApiHasPath(admin, "/api/widget"));
    EXPECT_TRUE(OpenApiHasPath(admin, "/api/widget/{id}"));
    // Per role: a caller without a session is described the public routes only.
    EXPECT_FALSE(OpenApiHasPath(anonymous, "/api/widget"));
    EXPECT_EQ(anonymous.Get("/docs").status, 200);

    // Changed fields validate by the new schema: the longer label passes, the new field's enum
    // is enforced.
    WriteTextFile(schema_path_, WithEntity(original_, kWidgetChanged));
    const auto changed = Reload();
    ASSERT_EQ(changed.status, 200) << Describe(changed);
    EXPECT_TRUE(IsError(admin.Post("/api/widget", json::object{{"label", "a longer label now"},
                                                               {"colour", "blue"}}),
                        422, "", "", "colour"));
    const auto coloured = admin.Post(
        "/api/widget", json::object{{"label", "a longer label now"}, {"colour", "green"}});
    ASSERT_TRUE(IsSuccess(coloured, 201)) << Describe(coloured);
    EXPECT_EQ(Str(DataOf(coloured).at("colour")), "green");
    const auto description = admin.Get("/openapi.json").body;
    EXPECT_NE(description.find("A thing changed by a schema reload."), std::string::npos);

    // A broken schema is refused; REST keeps the schema in service.
    WriteTextFile(schema_path_, WithEntity(original_, kWidgetChanged) +
                                    "\nBroken:\n  fields:\n    x:\n      type: NoSuchType\n");
    const auto refused = Reload();
    EXPECT_EQ(refused.status, 422) << Describe(refused);
    EXPECT_NE(refused.body.find("NoSuchType"), std::string::npos) << refused.body;
    EXPECT_TRUE(IsSuccess(admin.Get("/api/widget/" + Str(DataOf(coloured).at("id")))));
    EXPECT_TRUE(IsError(
        admin.Post("/api/widget", json::object{{"label", "still checked"}, {"colour", "blue"}}),
        422, "", "", "colour"));

    // A removed entity's routes answer 404 and it is no longer described. SIGHUP reloads too.
    WriteTextFile(schema_path_, original_);
    ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
    EXPECT_TRUE(WaitFor([&] { return admin.Get("/api/widget").status == 404; }))
        << "SIGHUP did not remove the widget routes";
    EXPECT_TRUE(IsError(admin.Get("/api/widget/" + id), 404));
    EXPECT_TRUE(IsError(admin.Post("/api/widget", json::object{{"label", "gone"}}), 404));
    EXPECT_FALSE(Has(MetadataEntities(admin), "Widget"));
    EXPECT_FALSE(OpenApiHasPath(admin, "/api/widget"));
    // The rest of the API is untouched by all this.
    EXPECT_TRUE(IsSuccess(admin.Get("/api/event?pageSize=1")));
    EXPECT_TRUE(server_->running());
}

TEST_F(RestReloadTest, ReloadsUnderConcurrentRestLoadFailNoRequest) {
    const std::uint16_t port = server_->port();
    const std::string with_widget = WithEntity(original_, kWidget);
    const auto first = Api(port, token_).Get("/api/event?pageSize=1");
    ASSERT_TRUE(IsSuccess(first)) << Describe(first);
    const std::string event_id = Str(RowsOf(first).at(0).at("id"));

    std::atomic<bool> stop{false};
    std::atomic<int> requests{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    auto record = [&](const std::string& what, const HttpResponse& response) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(what + ": " + Describe(response));
    };
    const auto deadline = std::chrono::steady_clock::now() + 60s;  // bounds the loops
    std::vector<std::thread> clients;
    for (int t = 0; t < 3; ++t) {
        clients.emplace_back([&, t] {
            Api api(port, token_);
            for (int i = 0; !stop && std::chrono::steady_clock::now() < deadline; ++i) {
                HttpResponse response;
                std::string what;
                switch ((t + i) % 4) {
                    case 0:
                        what = "list";
                        response = api.Get("/api/event?pageSize=5&sort=createdAt");
                        break;
                    case 1:
                        what = "get";
                        response = api.Get("/api/event/" + event_id);
                        break;
                    case 2:
                        what = "metadata";
                        response = api.Get("/api/metadata");
                        break;
                    default:
                        what = "create";
                        response = api.Post("/api/event", EventBody(UniqueId("reload")));
                        break;
                }
                requests++;
                if (response.status != (what == "create" ? 201 : 200)) {
                    record(what, response);
                }
            }
        });
    }
    // Reloads alternate the schema with and without Widget while the clients run.
    int reloads = 0;
    for (int i = 0; i < 8; ++i) {
        // Each reload lands among requests: some complete between one reload and the next.
        const int before = requests;
        EXPECT_TRUE(WaitFor([&] { return requests >= before + 10; }));
        WriteTextFile(schema_path_, i % 2 == 0 ? with_widget : original_);
        const auto reloaded = Reload();
        EXPECT_EQ(reloaded.status, 200) << Describe(reloaded);
        reloads += reloaded.status == 200 ? 1 : 0;
    }
    // Some requests after the last reload too.
    const int before = requests;
    EXPECT_TRUE(WaitFor([&] { return requests >= before + 20; }));
    stop = true;
    for (auto& client : clients) {
        client.join();
    }
    EXPECT_EQ(reloads, 8);
    EXPECT_GE(requests.load(), 8 * 10 + 20);
    EXPECT_TRUE(failures.empty()) << failures.size() << " failed requests, the first: "
                                  << (failures.empty() ? "" : failures.front());
    // The last reload put the original schema back.
    EXPECT_TRUE(IsError(Api(port, token_).Get("/api/widget"), 404));
}

}  // namespace
}  // namespace ea::integration
