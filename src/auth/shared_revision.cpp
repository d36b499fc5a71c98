#include "auth/shared_revision.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ea::auth::detail {
namespace {

constexpr std::size_t kFileBytes = 4096;  // one page holds every slot

// The counters are shared with other processes through the mapping: only a lock-free atomic,
// which works on the memory itself, is safe there.
static_assert(std::atomic_ref<std::uint64_t>::is_always_lock_free);

Error CannotUse(const std::filesystem::path& file, const char* step) {
    return Unavailable("cannot " + std::string(step) + " the auth revision file '" + file.string() +
                       "': " + std::strerror(errno));
}

// Closes a descriptor on every path out of Open; the mapping outlives it.
class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

std::filesystem::path SharedRevision::FileFor(const std::filesystem::path& database) {
    std::filesystem::path file = database;
    file += ".auth-revisions";
    return file;
}

Result<std::unique_ptr<SharedRevision>> SharedRevision::Open(const std::filesystem::path& database,
                                                             RevisionSlot slot) {
    if (database == ":memory:") {
        std::unique_ptr<SharedRevision> local(new SharedRevision(nullptr, nullptr));
        local->counter_ = &local->local_;
        return local;
    }
    const std::filesystem::path file = FileFor(database);
    // The database's permissions and owner, as SQLite gives its -wal and -shm files.
    struct stat owner {};
    const bool have_owner = ::stat(database.c_str(), &owner) == 0;
    const mode_t mode = have_owner ? (owner.st_mode & 0666) : 0644;
    Descriptor fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        return CannotUse(file, "open");
    }
    if (have_owner && ::geteuid() == 0) {
        // Best effort, as SQLite does: a root process must not leave a file the database's
        // owner cannot write.
        static_cast<void>(::fchown(fd.get(), owner.st_uid, owner.st_gid));
    }
    struct stat current {};
    if (::fstat(fd.get(), &current) != 0) {
        return CannotUse(file, "inspect");
    }
    // A new file gets the database's mode exactly, whatever this process's umask (SQLite
    // does the same for its -shm file).
    if (current.st_size == 0 && have_owner) {
        static_cast<void>(::fchmod(fd.get(), mode));
    }
    // Growing only: two processes that create the file at once both extend it to one page, and
    // a page already in use keeps its counters.
    if (static_cast<std::size_t>(current.st_size) < kFileBytes &&
        ::ftruncate(fd.get(), static_cast<off_t>(kFileBytes)) != 0) {
        return CannotUse(file, "size");
    }
    void* mapping = ::mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (mapping == MAP_FAILED) {
        return CannotUse(file, "map");
    }
    auto* counters = static_cast<std::uint64_t*>(mapping);
    return std::unique_ptr<SharedRevision>(
        new SharedRevision(mapping, counters + static_cast<std::size_t>(slot)));
}

SharedRevision::~SharedRevision() {
    if (mapping_ != nullptr) {
        ::munmap(mapping_, kFileBytes);
    }
}

std::uint64_t SharedRevision::Load() const {
    return std::atomic_ref<std::uint64_t>(*counter_).load(std::memory_order_acquire);
}

void SharedRevision::Bump() {
    std::atomic_ref<std::uint64_t>(*counter_).fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace ea::auth::detail
