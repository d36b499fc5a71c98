// SharedRevision: a change counter that every process using one SQLite auth file shares, so a
// process can keep what it read from that file in memory and still see, at the cost of one
// atomic load, that another process (a second server, `events-api mcp`, the CLI) changed it.
// Internal to auth/ (sqlite_session_store, sqlite_access_token_store).
//
// The counters live in a one-page file beside the database, `<file>.auth-revisions`, mapped
// shared by each process (as SQLite maps its -shm file). A writer bumps its slot before and after
// each change it commits; a reader loads the slot before it reads the database and may trust what
// it read for as long as the slot still has that value. Only events-api's own writers bump: a
// direct SQL edit of the database is not seen through the counter (the cache bounds how long
// that can go unseen; see verified_cache.hpp). Like -wal and -shm, the file must not be
// deleted while processes use the database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "common/result.hpp"

namespace ea::auth::detail {

// Which counter of the file a store uses.
enum class RevisionSlot : std::uint8_t { kSessions = 0, kAccessTokens = 1 };

class SharedRevision {
public:
    // Maps the counters of `database`'s revision file, creating it (with the database file's
    // permissions and, when run as root, its owner, so every process that can write the
    // database can write the counters) when missing. For ":memory:" the counter is this
    // process's own. kUnavailable naming the file when it cannot be created or mapped.
    [[nodiscard]] static Result<std::unique_ptr<SharedRevision>> Open(
        const std::filesystem::path& database, RevisionSlot slot);

    ~SharedRevision();
    SharedRevision(const SharedRevision&) = delete;
    SharedRevision& operator=(const SharedRevision&) = delete;

    // The slot's current value (acquire: what a writer committed before bumping is visible).
    [[nodiscard]] std::uint64_t Load() const;
    // Adds one to the slot (release).
    void Bump();

    // The revision file that belongs to `database`.
    [[nodiscard]] static std::filesystem::path FileFor(const std::filesystem::path& database);

private:
    SharedRevision(void* mapping, std::uint64_t* counter) : mapping_(mapping), counter_(counter) {}

    void* mapping_;           // the shared page; nullptr for a process-local counter
    std::uint64_t* counter_;  // inside mapping_, or local_
    std::uint64_t local_ = 0;
};

// Bumps `revision` when made and again when destroyed: declared before a change's statement
// runs, it brackets the commit, so a reader either loaded the revision before the first bump
// (and reads again once it sees the second) or after the second (and reads the committed
// change).
class RevisionChange {
public:
    explicit RevisionChange(SharedRevision& revision) : revision_(revision) { revision_.Bump(); }
    ~RevisionChange() { revision_.Bump(); }
    RevisionChange(const RevisionChange&) = delete;
    RevisionChange& operator=(const RevisionChange&) = delete;

private:
    SharedRevision& revision_;
};

}  // namespace ea::auth::detail
