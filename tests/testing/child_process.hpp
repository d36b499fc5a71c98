// Runs a test's step in a real second process (fork), for what two processes sharing one file
// must see of each other's changes. The child runs `step` and leaves with _exit, so it runs none
// of the parent's destructors (its open connections stay the parent's).
#pragma once

#include <functional>

#include <sys/wait.h>
#include <unistd.h>

namespace ea::testing {

// True when the child ran `step` and it returned true; false when fork failed, the child did
// not exit normally or `step` returned false.
inline bool SucceedsInAChildProcess(const std::function<bool()>& step) {
    const pid_t child = ::fork();
    if (child < 0) {
        return false;
    }
    if (child == 0) {
        ::_exit(step() ? 0 : 1);
    }
    int status = 0;
    return ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace ea::testing
