#include "auth/password.hpp"

#include <cstdlib>
#include <iostream>
#include <mutex>

#include <sodium.h>

namespace ea::auth {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

struct Limits {
    unsigned long long opslimit;
    std::size_t memlimit;
};

Limits LimitsFor(PasswordCost cost) {
    switch (cost) {
        case PasswordCost::kInteractive:
            return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
        case PasswordCost::kMinimum:
            return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    }
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

// sodium_init is itself idempotent, but call_once makes the "initialised before first use" rule
// explicit. Failure means no secure random source: no password can be hashed safely, so abort.
void EnsureSodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) {
            std::cerr << "libsodium failed to initialise\n";
            std::abort();
        }
    });
}

}  // namespace

Result<std::string> HashPassword(std::string_view plain, PasswordCost cost) {
    EnsureSodium();
    if (plain.size() > crypto_pwhash_PASSWD_MAX) {
        return InvalidArgument("password is too long");
    }
    const Limits limits = LimitsFor(cost);
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, plain.data(), plain.size(), limits.opslimit, limits.memlimit) != 0) {
        return Internal("password hashing failed (out of memory)");
    }
    return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view plain) {
    EnsureSodium();
    // libsodium reads the hash as a NUL-terminated string of at most STRBYTES - 1 characters.
    if (!IsPasswordHash(hash) || hash.size() >= crypto_pwhash_STRBYTES ||
        hash.find('\0') != std::string_view::npos || plain.size() > crypto_pwhash_PASSWD_MAX) {
        return false;
    }
    const std::string terminated(hash);
    return crypto_pwhash_str_verify(terminated.c_str(), plain.data(), plain.size()) == 0;
}

bool IsPasswordHash(std::string_view text) {
    return text.starts_with(kArgon2idPrefix);
}

bool NeedsRehash(std::string_view hash, PasswordCost cost) {
    EnsureSodium();
    if (!IsPasswordHash(hash) || hash.size() >= crypto_pwhash_STRBYTES ||
        hash.find('\0') != std::string_view::npos) {
        return true;
    }
    const std::string terminated(hash);
    const Limits limits = LimitsFor(cost);
    // 0: matches the parameters; 1: different parameters; -1: not a valid argon2id string.
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), limits.opslimit, limits.memlimit) !=
           0;
}

}  // namespace ea::auth
