#include "testing/test_schema.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "schema/schema_loader.hpp"
#include "testing/temp_dir.hpp"

namespace ea::testing {

std::filesystem::path DefaultSchemaPath() { return std::filesystem::path(EA_SOURCE_DIR) / "schema.yaml"; }

const schema::Schema& DefaultSchema() {
    static const schema::SchemaPtr schema = [] {
        auto loaded = schema::LoadSchema(DefaultSchemaPath());
        if (!loaded) {
            std::cerr << "default schema failed to load: " << loaded.error().message << "\n";
            std::abort();
        }
        return *loaded;
    }();
    return *schema;
}

schema::SchemaPtr SchemaFromText(const std::string& yaml) {
    TempDir dir;
    const auto file = dir / "schema.yaml";
    std::ofstream(file) << yaml;
    auto loaded = schema::LoadSchemaText(yaml, file.string());
    if (!loaded) {
        std::cerr << "test schema failed to load: " << loaded.error().message << "\n";
        for (const auto& f : loaded.error().fields) {
            std::cerr << "  " << f.field << ": " << f.message << "\n";
        }
        std::abort();
    }
    return *loaded;
}

}  // namespace ea::testing
