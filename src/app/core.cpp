#include "app/core.hpp"

#include <utility>

#include "schema/schema_loader.hpp"

namespace ea::app {

Result<schema::SchemaPtr> LoadConfiguredSchema(const Config& config) {
    return schema::LoadSchema(config.schema);
}

Result<std::unique_ptr<Core>> OpenCore(const Config& config) {
    auto core = std::make_unique<Core>();
    core->config = config;
    auto schema = LoadConfiguredSchema(config);
    if (!schema) {
        return schema.error();
    }
    core->schema = *std::move(schema);
    auto store = store::OpenStore(store::StoreConfig{config.db}, *core->schema);
    if (!store) {
        return store.error();
    }
    core->store = *std::move(store);
    core->documents = std::make_unique<service::DocumentService>(*core->schema, *core->store);
    return core;
}

}  // namespace ea::app
