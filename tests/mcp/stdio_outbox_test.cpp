// The stdio connection's notification channel: messages queued from another thread wake the loop
// and are written between answers in the order they came; the queue is bounded; a listen request's
// outbox refuses once cancelled; SIGHUP runs the hook between messages instead of ending the run.
#include "mcp/stdio_outbox.hpp"

#include <csignal>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "mcp/stdio_transport.hpp"
#include "testing/temp_dir.hpp"

namespace ea::mcp {
namespace {

bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(StdioOutboxTest, DeliveriesFromAnotherThreadWakeTheLoopAndComeOutInOrder) {
    StdioOutbox outbox;
    ASSERT_GE(outbox.wake_fd(), 0);
    EXPECT_FALSE(Readable(outbox.wake_fd()));
    std::thread producer([&] {
        EXPECT_TRUE(outbox.Deliver("one"));
        EXPECT_TRUE(outbox.Deliver("two"));
    });
    producer.join();
    EXPECT_TRUE(Readable(outbox.wake_fd()));
    EXPECT_EQ(outbox.Take(), (std::vector<std::string>{"one", "two"}));
    EXPECT_FALSE(Readable(outbox.wake_fd())) << "Take clears the wake-up";
    EXPECT_TRUE(outbox.Take().empty());
}

TEST(StdioOutboxTest, PastTheBoundMessagesAreDroppedAndCountedAndTheChannelStaysOpen) {
    StdioOutbox outbox;
    const std::string big(StdioOutbox::kMaxQueuedBytes / 2, 'x');
    EXPECT_TRUE(outbox.Deliver(big));
    EXPECT_TRUE(outbox.Deliver(big));
    EXPECT_TRUE(outbox.Deliver("one too many"));
    EXPECT_EQ(outbox.dropped(), 1U);
    EXPECT_TRUE(outbox.open());
    EXPECT_EQ(outbox.Take().size(), 2U);
    EXPECT_TRUE(outbox.Deliver("room again"));
    EXPECT_EQ(outbox.Take(), (std::vector<std::string>{"room again"}));
}

TEST(StdioOutboxTest, ACancelledListenRefusesAndForwardsNothing) {
    auto target = std::make_shared<StdioOutbox>();
    ListenOutbox listen(target);
    EXPECT_TRUE(listen.Deliver("before"));
    listen.Close();
    EXPECT_FALSE(listen.open());
    EXPECT_FALSE(listen.Deliver("after"));
    EXPECT_EQ(target->Take(), (std::vector<std::string>{"before"}));
}

TEST(StdioOutboxTest, TheLoopWritesQueuedMessagesBetweenAnswers) {
    ea::testing::TempDir dir;
    const auto in_path = (dir / "in").string();
    const auto out_path = (dir / "out").string();
    { std::ofstream(in_path, std::ios::binary) << "a\n"; }
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    StdioOutbox outbox;
    outbox.Deliver("queued before the first message");
    StdioOptions options{in, out, false};
    options.wake_fd = outbox.wake_fd();
    options.drain = [&] { return outbox.Take(); };
    const auto end = RunStdio(
        [&](std::string_view line) {
            outbox.Deliver("made while answering " + std::string(line));
            return std::vector<std::string>{"answer " + std::string(line)};
        },
        [] { return std::string("too-long"); }, 1024, options);
    close(in);
    close(out);
    EXPECT_EQ(end, StdioEnd::kEndOfInput);
    // In each poll round the wake-up is served before input: what was queued before the first
    // message comes first, what the answer queued comes in the next round, before end of input.
    EXPECT_EQ(ReadAll(out_path),
              "queued before the first message\nanswer a\nmade while answering a\n");
    EXPECT_TRUE(outbox.Take().empty());
}

TEST(StdioOutboxTest, SighupRunsTheHookBetweenMessagesAndTheRunGoesOn) {
    sigset_t previous;
    sigset_t hangup;
    sigemptyset(&hangup);
    sigaddset(&hangup, SIGHUP);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &hangup, &previous), 0);
    int input[2];
    ASSERT_EQ(pipe(input), 0);
    ea::testing::TempDir dir;
    const auto out_path = (dir / "out").string();
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_EQ(raise(SIGHUP), 0);  // pending (blocked) until the loop's signalfd reads it
    int hangups = 0;
    StdioOptions options{input[0], out, true};
    options.on_hangup = [&] {
        ++hangups;
        // Only now is there input: the hook ran before any message, and the run continues.
        EXPECT_EQ(write(input[1], "after\n", 6), 6);
        close(input[1]);
    };
    const auto end = RunStdio(
        [](std::string_view line) {
            return std::vector<std::string>{"answer " + std::string(line)};
        },
        [] { return std::string("too-long"); }, 1024, options);
    close(input[0]);
    close(out);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    EXPECT_EQ(end, StdioEnd::kEndOfInput);
    EXPECT_EQ(hangups, 1);
    EXPECT_EQ(ReadAll(out_path), "answer after\n");
}

}  // namespace
}  // namespace ea::mcp
