// Runs a program as a child process with a given environment, working directory and stdin, and
// collects its stdout, stderr and exit code. For tests that drive the real binary.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ea::testing {

struct ProcessResult {
    int exit_code = -1;  // the exit status; 128 + signal number when killed by a signal
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::map<std::string, std::string> env;  // the child's whole environment
    std::string cwd;                         // empty: the parent's
    std::string stdin_text;                  // written, then stdin is closed
};

// Starts `argv[0]` (a path) with `argv`. Aborts the test binary when the process cannot start.
ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options);

}  // namespace ea::testing
