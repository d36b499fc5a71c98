// Runs LoadSchema over tests/data/schemas: good/ must load, broken/ must report exactly the
// problems its `# expect: LINE:COL text` comments list (see tests/data/schemas/README.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "schema/schema_loader.hpp"

namespace ea::schema {
namespace {

const std::filesystem::path kSchemas = std::filesystem::path(EA_TEST_DATA_DIR) / "schemas";

std::vector<std::filesystem::path> YamlFiles(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".yaml") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Expectation {
    std::string position;
    std::string text;
};

std::vector<Expectation> ReadExpectations(const std::filesystem::path& file) {
    static const std::regex kExpect(R"(^# expect: (\d+:\d+) (.+)$)");
    std::vector<Expectation> out;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch match;
        if (std::regex_match(line, match, kExpect)) {
            out.push_back({match[1], match[2]});
        }
    }
    return out;
}

TEST(SchemaFilesTest, GoodSchemasLoad) {
    const auto files = YamlFiles(kSchemas / "good");
    ASSERT_GE(files.size(), 2u);
    for (const auto& file : files) {
        auto loaded = LoadSchema(file);
        EXPECT_TRUE(loaded.has_value()) << file << ": "
                                        << (loaded ? "" : loaded.error().fields.at(0).message);
    }
}

TEST(SchemaFilesTest, BrokenSchemasReportExactlyTheExpectedProblems) {
    const auto files = YamlFiles(kSchemas / "broken");
    ASSERT_GE(files.size(), 5u);
    for (const auto& file : files) {
        const auto expected = ReadExpectations(file);
        ASSERT_FALSE(expected.empty()) << file << " has no # expect: lines";
        auto loaded = LoadSchema(file);
        ASSERT_FALSE(loaded.has_value()) << file;
        const auto& fields = loaded.error().fields;
        std::string report;
        for (const auto& f : fields) {
            report += "  " + f.field + ": " + f.message + "\n";
        }
        ASSERT_EQ(fields.size(), expected.size()) << file << "\n" << report;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(fields[i].field, file.string() + ":" + expected[i].position) << report;
            EXPECT_NE(fields[i].message.find(expected[i].text), std::string::npos)
                << file << ": expected '" << expected[i].text << "'\n" << report;
        }
        EXPECT_NE(loaded.error().message.find(file.string()), std::string::npos);
    }
}

TEST(SchemaFilesTest, MissingFileIsAnErrorNamingIt) {
    const auto missing = kSchemas / "does-not-exist.yaml";
    auto loaded = LoadSchema(missing);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(loaded.error().message.find("does-not-exist.yaml"), std::string::npos);
    ASSERT_EQ(loaded.error().fields.size(), 1u);
    EXPECT_EQ(loaded.error().fields[0].field, missing.string());
}

}  // namespace
}  // namespace ea::schema
