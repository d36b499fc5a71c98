// The `events-api` command line: parses arguments with CLI11 and runs one subcommand.
#pragma once

namespace ea::cli {

// Returns the process exit code: 0 success, 1 a failure the command reports, 2 bad usage.
int Main(int argc, char** argv);

}  // namespace ea::cli
