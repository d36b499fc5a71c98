// Password hashing for stored credentials: argon2id (libsodium crypto_pwhash_str), self-describing
// "$argon2id$v=19$m=...,t=...,p=1$salt$hash" strings. Never logs or returns the plain text.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace ea::auth {

// How expensive a hash is. kInteractive (libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE: 2 passes over
// 64 MiB, tens of milliseconds) is for every password a person or client sets. kMinimum
// (OPSLIMIT/MEMLIMIT_MIN: 1 pass over 8 KiB) exists only so tests and bulk demo seeding can hash
// thousands of passwords on 2 cores; it is far too cheap to protect real credentials. The cost is
// recorded in the hash string, so VerifyPassword accepts hashes of either cost.
enum class PasswordCost { kInteractive, kMinimum };

// Hashes `plain` with argon2id and a fresh random salt; two calls on one password give different
// strings. Errors: kInvalidArgument if `plain` is longer than libsodium allows, kInternal if
// hashing fails (out of memory). Neither error mentions the password.
[[nodiscard]] Result<std::string> HashPassword(std::string_view plain,
                                               PasswordCost cost = PasswordCost::kInteractive);

// True when `plain` matches `hash`. False for a wrong password and for anything that is not an
// argon2id hash (including plain text stored by mistake), never an error: callers treat every
// false alike so a response does not reveal why a login failed.
[[nodiscard]] bool VerifyPassword(std::string_view hash, std::string_view plain);

// True when `text` is an argon2id hash string (starts with "$argon2id$"), so callers can tell a
// stored hash from a plain text password.
[[nodiscard]] bool IsPasswordHash(std::string_view text);

// True when `hash` was made with other parameters than `cost` (or is not an argon2id hash), so the
// caller should re-hash the password it just verified.
[[nodiscard]] bool NeedsRehash(std::string_view hash,
                               PasswordCost cost = PasswordCost::kInteractive);

}  // namespace ea::auth
