// The stdio transport: newline-delimited JSON-RPC on a pair of file descriptors (stdin/stdout for
// `events-api mcp`). Each input line is one message; each answer is written as one line. Nothing
// else is ever written to the output: logs go to the LogSink (stderr). Runs until end of input
// or SIGTERM/SIGINT, finishing the message in hand first.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ea::mcp {

struct StdioOptions {
    int input_fd = 0;
    int output_fd = 1;
    // Also stop on SIGTERM and SIGINT (blocked and read through a signalfd for the run).
    bool stop_on_signals = true;
    // When set (and stop_on_signals), SIGHUP is read through the signalfd too and calls this on
    // the loop's thread between two messages (`events-api mcp` reloads its schema).
    std::function<void()> on_hangup;
    // Server-initiated messages: when `wake_fd` (>= 0) is readable, what `drain()` returns is
    // written, between two answers (StdioOutbox).
    int wake_fd = -1;
    std::function<std::vector<std::string>()> drain;
};

enum class StdioEnd {
    kEndOfInput,    // the client closed our input: the normal way to stop
    kSignal,        // SIGTERM or SIGINT
    kOutputClosed,  // the client stopped reading (EPIPE) or another write error
    kInputError,
};

// Blocks SIGTERM and SIGINT (and SIGHUP with `and_hangup`) in the calling thread and so in every
// thread it starts afterwards; RunStdio then reads them through a signalfd. Call it first thing,
// before any other thread exists (a store or session backend may start some), or a signal can
// reach a thread that has them unblocked and end the process without a clean stop.
void BlockStopSignals(bool and_hangup = false);

// Calls `handle` for every non-blank line (a trailing "\r" removed) and writes what it returns.
// A line longer than `max_line_bytes` is not handed over: `on_oversized()` is written instead
// and the rest of the line is skipped.
StdioEnd RunStdio(const std::function<std::vector<std::string>(std::string_view)>& handle,
                  const std::function<std::string()>& on_oversized, std::size_t max_line_bytes,
                  const StdioOptions& options = {});

}  // namespace ea::mcp
