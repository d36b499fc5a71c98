#include "common/ids.hpp"

#include <sodium.h>

#include <chrono>
#include <mutex>

namespace ea {
namespace {

// GCC's 128-bit integer is an extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef unsigned __int128 Uint128;

constexpr char kCrockford[] = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kMaxIdLength = 64;

struct UlidState {
    std::mutex mutex;
    std::uint64_t last_ms = 0;
    std::uint64_t hi16 = 0;  // top 16 of the 80 random bits
    std::uint64_t lo64 = 0;  // low 64 of the 80 random bits
};

UlidState& State() {
    static UlidState state;
    return state;
}

}  // namespace

std::string MakeUlid(std::uint64_t unix_ms, std::uint64_t random_hi16, std::uint64_t random_lo64) {
    // 128 bits: 48-bit time, 80-bit randomness, written as 26 base32 digits (the first holds 3 bits).
    Uint128 value = (static_cast<Uint128>(unix_ms & 0xFFFFFFFFFFFFULL) << 80) |
                    (static_cast<Uint128>(random_hi16 & 0xFFFFULL) << 64) |
                              random_lo64;
    std::string out(26, '0');
    for (int i = 25; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = kCrockford[static_cast<unsigned>(value & 0x1F)];
        value >>= 5;
    }
    return out;
}

std::string NewId() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
    auto& state = State();
    std::lock_guard lock(state.mutex);
    if (ms > state.last_ms) {
        state.last_ms = ms;
        randombytes_buf(&state.lo64, sizeof state.lo64);
        std::uint16_t hi = 0;
        randombytes_buf(&hi, sizeof hi);
        state.hi16 = hi & 0x7FFF;  // leave headroom so the monotonic increment cannot overflow
    } else {
        // Same (or an earlier, clock-stepped) millisecond: increment so ids stay ordered.
        if (++state.lo64 == 0) {
            ++state.hi16;
        }
    }
    return MakeUlid(state.last_ms, state.hi16, state.lo64);
}

bool IsValidId(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '-' || c == '.' || c == ':';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string NormalizeId(std::string_view id) {
    std::string out(id);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

}  // namespace ea
