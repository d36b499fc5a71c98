// Session tokens: 256 random bits handed to the client once, and the SHA-256 hash that is the
// only form ever stored (session stores key on it) or compared. Nothing here does I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ea::auth {

inline constexpr std::size_t kTokenLength = 43;      // base64url of 32 bytes, no padding
inline constexpr std::size_t kTokenHashLength = 64;  // hex of a SHA-256 digest

// A fresh token: 32 bytes from libsodium's CSPRNG as base64url (RFC 4648 §5) without padding,
// i.e. kTokenLength characters from [A-Za-z0-9_-]; safe in cookies and Authorization headers.
// Never fails (libsodium initialization failure aborts: the process cannot issue secrets).
std::string NewToken();

// Lowercase hex SHA-256 of `token` (kTokenHashLength characters). Deterministic, so the hash of a
// presented token finds its session. The token has 256 bits of entropy, so a fast hash is enough
// (no salt or stretching needed, unlike passwords).
std::string HashToken(std::string_view token);

// True when `a` and `b` are equal, in time that depends only on their lengths, not on where they
// differ. Use it wherever a secret (or a hash of one) is compared with client input.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ea::auth

namespace ea::auth {

// Access tokens (access_token_store.hpp) carry a prefix so a bearer is told apart from a session
// token without a lookup, and a leaked one is recognisable by secret scanners.
inline constexpr std::string_view kAccessTokenPrefix = "eat_";
inline constexpr std::size_t kAccessTokenLength = kAccessTokenPrefix.size() + kTokenLength;

// kAccessTokenPrefix + NewToken(): 256 random bits.
std::string NewAccessToken();

// What a presented bearer looks like: a session token (kTokenLength base64url characters), an
// access token (the prefix and kTokenLength of them), or neither.
enum class BearerKind { kSession, kAccessToken, kMalformed };
BearerKind ClassifyBearer(std::string_view token);

}  // namespace ea::auth
