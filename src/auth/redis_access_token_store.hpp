// RedisAccessTokenStore: the AccessTokenStore shared by every instance that uses one Redis (the
// store `--sessions redis://...` selects). Redis expires each token at its expires_at.
//
// Keys: <prefix>token:<token_hash> (a hash of the AccessToken fields, times in ms),
// <prefix>token-id:<id> (the token hash, for revoke by id), <prefix>user-tokens:<user_id> and
// <prefix>tokens (sets of ids, for RevokeUser, RevokeAll and List). Every change is one Lua
// script, so the keys never disagree.
#pragma once

#include <memory>
#include <string>

#include "auth/access_token_store.hpp"
#include "auth/redis_client.hpp"

namespace ea::auth {

class RedisAccessTokenStore final : public AccessTokenStore {
public:
    // Connects and PINGs (kUnavailable naming the endpoint when Redis cannot be reached).
    [[nodiscard]] static Result<std::unique_ptr<RedisAccessTokenStore>> Open(
        RedisEndpoint endpoint, RedisClientOptions options = {}, std::string key_prefix = "ea:");

    [[nodiscard]] Status Put(const AccessToken& token) override;
    [[nodiscard]] Result<AccessToken> Find(std::string_view token_hash,
                                           std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Result<std::vector<AccessToken>> List(
        std::optional<std::string_view> username,
        std::chrono::system_clock::time_point now) override;
    [[nodiscard]] Status Revoke(std::string_view id) override;
    [[nodiscard]] Status RevokeUser(std::string_view user_id) override;
    [[nodiscard]] Status RevokeAll() override;

private:
    RedisAccessTokenStore(std::unique_ptr<RedisClient> client, std::string key_prefix)
        : client_(std::move(client)), prefix_(std::move(key_prefix)) {}

    std::unique_ptr<RedisClient> client_;
    const std::string prefix_;
};

}  // namespace ea::auth
