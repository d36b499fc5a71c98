// The stdio framing on real file descriptors: one message per line, CR LF tolerated, blank lines
// skipped, a last line without its newline still handled, an oversized line refused without losing
// the next one, and end of input reported.
#include "mcp/stdio_transport.hpp"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "testing/temp_dir.hpp"

namespace ea::mcp {
namespace {

struct Run {
    StdioEnd end;
    std::vector<std::string> seen;
    std::string output;
};

// Input and output are regular files, so any size fits without a second thread draining a pipe.
Run RunOn(const std::string& input, std::size_t max_line = 1024) {
    ea::testing::TempDir dir;
    const auto in_path = (dir / "in").string();
    const auto out_path = (dir / "out").string();
    { std::ofstream(in_path, std::ios::binary) << input; }
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(in, 0);
    EXPECT_GE(out, 0);
    Run run;
    run.end = RunStdio(
        [&run](std::string_view line) {
            run.seen.emplace_back(line);
            return std::vector<std::string>{"echo:" + std::string(line.substr(0, 20))};
        },
        [] { return std::string("too-long"); }, max_line, StdioOptions{in, out, false});
    close(in);
    close(out);
    std::ifstream result(out_path, std::ios::binary);
    run.output.assign(std::istreambuf_iterator<char>(result), {});
    return run;
}

TEST(StdioTransportTest, OneMessagePerLineAndOneAnswerPerLine) {
    auto run = RunOn("{\"a\":1}\n{\"b\":2}\r\n\n   \n{\"c\":3}");
    EXPECT_EQ(run.end, StdioEnd::kEndOfInput);
    EXPECT_EQ(run.seen, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
    EXPECT_EQ(run.output, "echo:{\"a\":1}\necho:{\"b\":2}\necho:{\"c\":3}\n");
}

TEST(StdioTransportTest, OversizedLineIsRefusedAndTheNextOneStillServed) {
    const std::string big(5000, 'x');
    auto run = RunOn(big + "\n{\"after\":true}\n", 1024);
    EXPECT_EQ(run.seen, (std::vector<std::string>{"{\"after\":true}"}));
    EXPECT_EQ(run.output, "too-long\necho:{\"after\":true}\n");
}

TEST(StdioTransportTest, LinesSplitAcrossReadsAreJoined) {
    // Larger than one read buffer (64 KiB), so the line arrives in pieces.
    const std::string long_line(200'000, 'y');
    auto run = RunOn(long_line + "\nz\n", 1'000'000);
    ASSERT_EQ(run.seen.size(), 2u);
    EXPECT_EQ(run.seen[0], long_line);
    EXPECT_EQ(run.seen[1], "z");
}

TEST(StdioTransportTest, EmptyInputEndsAtOnce) {
    auto run = RunOn("");
    EXPECT_EQ(run.end, StdioEnd::kEndOfInput);
    EXPECT_TRUE(run.output.empty());
}

}  // namespace
}  // namespace ea::mcp
