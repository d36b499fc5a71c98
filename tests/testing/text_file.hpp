// Whole text files for tests: a schema copy a test rewrites, a log or audit file it reads back.
#pragma once

#include <filesystem>
#include <string>

namespace ea::testing {

// The bytes of `path`; "" when it cannot be read.
std::string ReadTextFile(const std::filesystem::path& path);

// Replaces the content of `path` with `text` (creating the file).
void WriteTextFile(const std::filesystem::path& path, const std::string& text);

}  // namespace ea::testing
