#include "auth/token.hpp"

#include <array>
#include <cstdlib>
#include <mutex>

#include <sodium.h>

namespace ea::auth {
namespace {

void EnsureSodiumInitialized() {
    static std::once_flag once;
    std::call_once(once, [] {
        // sodium_init returns 1 when already initialized (e.g. by password.cpp): that is fine.
        if (sodium_init() < 0) {
            std::abort();  // no usable randomness: issuing tokens would be unsafe
        }
    });
}

}  // namespace

std::string NewToken() {
    EnsureSodiumInitialized();
    std::array<unsigned char, 32> bytes;
    randombytes_buf(bytes.data(), bytes.size());
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string encoded(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(), kVariant);
    encoded.resize(kTokenLength);  // drop the terminating NUL libsodium writes
    sodium_memzero(bytes.data(), bytes.size());
    return encoded;
}

std::string HashToken(std::string_view token) {
    EnsureSodiumInitialized();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size());
    std::string hex(kTokenHashLength + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    hex.resize(kTokenHashLength);
    return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    if (a.empty()) {
        return true;
    }
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ea::auth

namespace ea::auth {
namespace {

bool IsBase64Url(std::string_view text) {
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string NewAccessToken() {
    return std::string(kAccessTokenPrefix) + NewToken();
}

BearerKind ClassifyBearer(std::string_view token) {
    if (token.size() == kTokenLength && IsBase64Url(token)) {
        return BearerKind::kSession;
    }
    if (token.size() == kAccessTokenLength && token.starts_with(kAccessTokenPrefix) &&
        IsBase64Url(token.substr(kAccessTokenPrefix.size()))) {
        return BearerKind::kAccessToken;
    }
    return BearerKind::kMalformed;
}

}  // namespace ea::auth
