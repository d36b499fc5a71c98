// `kill -9` of the server under write load: every write it acknowledged is in the database
// afterwards, exactly once, and no write it did not acknowledge is there twice. Four clients
// create events with unique titles as fast as they can; the process is killed mid-stream; the
// SQLite file is then read beside it (SQLite recovers from the write-ahead log as any reader
// opens it), and a new server on the same file serves every acknowledged record.
#include <atomic>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "integration/integration_fixture.hpp"

namespace ea::integration {
namespace {

// How many Events of each title start with `prefix` (a UniqueId: no quote, no wildcard), read
// from the database itself.
std::map<std::string, int> TitlesInStore(const ea::testing::ServerProcess& server,
                                         const std::string& prefix) {
    const std::string joined =
        StoreValue(server, std::string("SELECT ") +
                               (OnPostgres() ? "string_agg(\"title\", chr(10))"
                                             : "group_concat(\"title\", char(10))") +
                               " FROM \"Event\" WHERE \"title\" LIKE '" + prefix + "%'");
    std::map<std::string, int> titles;
    std::istringstream lines(joined);
    for (std::string line; std::getline(lines, line);) {
        titles[line] += 1;
    }
    return titles;
}

TEST(CrashTest, KillNineUnderWriteLoadLosesNoAcknowledgedWriteAndDoublesNone) {
    auto server = StartServer(DemoServerOptions());
    ASSERT_NE(server, nullptr);
    const std::string token = LoginToken(server->port(), "admin", kAdminPassword);
    ASSERT_FALSE(token.empty());
    const std::string prefix = UniqueId("crash");

    std::mutex mutex;
    std::vector<std::string> acknowledged;
    std::vector<std::string> attempted;
    std::atomic<bool> stop{false};
    std::atomic<int> created{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            const Api api(server->port(), token);
            for (int i = 0; !stop.load(); ++i) {
                const std::string title =
                    prefix + "_" + std::to_string(w) + "_" + std::to_string(i);
                {
                    std::lock_guard lock(mutex);
                    attempted.push_back(title);
                }
                const auto response = api.Post("/api/event", EventBody(title));
                if (response.status == 201) {
                    std::lock_guard lock(mutex);
                    acknowledged.push_back(title);
                    created.fetch_add(1);
                } else if (response.status != 0) {
                    // Anything but a dropped connection before the kill is a failure of its own.
                    if (!stop.load()) {
                        ADD_FAILURE() << "write answered " << Describe(response);
                    }
                }
            }
        });
    }
    // Kill once a good number of writes went through, mid-stream.
    ASSERT_TRUE(WaitFor([&] { return created.load() >= 200; }, std::chrono::seconds(60)));
    ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);
    ASSERT_TRUE(WaitFor(
        [&] {
            int status = 0;
            return ::waitpid(server->pid(), &status, WNOHANG) == server->pid();
        },
        std::chrono::seconds(10)));
    stop.store(true);
    for (auto& writer : writers) {
        writer.join();
    }

    const auto titles = TitlesInStore(*server, prefix);
    std::size_t missing = 0;
    for (const auto& title : acknowledged) {
        const auto it = titles.find(title);
        if (it == titles.end()) {
            ++missing;
            ADD_FAILURE() << "an acknowledged write is gone: " << title;
        } else {
            EXPECT_EQ(it->second, 1) << title;
        }
    }
    EXPECT_EQ(missing, 0u);
    for (const auto& [title, count] : titles) {
        EXPECT_EQ(count, 1) << "stored twice: " << title;
    }
    // What is stored is what was attempted: at most the writes in flight at the kill beyond
    // the acknowledged ones (one per client).
    EXPECT_GE(titles.size(), acknowledged.size());
    EXPECT_LE(titles.size(), acknowledged.size() + writers.size());
    EXPECT_GE(acknowledged.size(), 200u);

    // A new server on (a copy of) the same file serves them. The read above was the file's last
    // connection, so closing it checkpointed the write-ahead log into the file the copy takes.
    auto options = DemoServerOptions();
    UseDataOf(*server, options);
    auto restarted = StartServer(options);
    ASSERT_NE(restarted, nullptr);
    const std::string again = LoginToken(restarted->port(), "admin", kAdminPassword);
    const Api api(restarted->port(), again);
    const auto listed = api.Get("/api/event?filter=title:" + acknowledged.back());
    ASSERT_TRUE(IsListEnvelope(listed)) << Describe(listed);
    EXPECT_EQ(RowsOf(listed).size(), 1u);
}

}  // namespace
}  // namespace ea::integration
