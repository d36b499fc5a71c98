// How the conformance suites' backends are set up (session_store_conformance.hpp,
// access_token_store_conformance.hpp): a harness owns the opened store and what keeps it alive (a
// temp directory, a redis-server process), and one function per backend makes it, so the SQLite
// and Redis instantiations of both suites are one call each.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "auth/redis_endpoint.hpp"
#include "common/result.hpp"
#include "testing/redis_server.hpp"
#include "testing/temp_dir.hpp"

namespace ea::auth::testing {

// `Harness` (SessionStoreHarness, AccessTokenStoreHarness) over `store`, owning `keeper`; the
// store is destroyed first.
template <class Harness, class Keeper, class Store>
class KeptHarness final : public Harness {
public:
    KeptHarness(std::unique_ptr<Keeper> keeper, std::unique_ptr<Store> store)
        : keeper_(std::move(keeper)), store_(std::move(store)) {}
    decltype(std::declval<Harness&>().store()) store() override { return *store_; }

private:
    std::unique_ptr<Keeper> keeper_;
    std::unique_ptr<Store> store_;
};

// The SQLite backend: Store::Open(file) on `file_name` in a fresh temp directory.
template <class Harness, class Store>
Result<std::unique_ptr<Harness>> MakeSqliteHarness(const std::string& file_name) {
    auto dir = std::make_unique<ea::testing::TempDir>();
    auto store = Store::Open(*dir / file_name);
    if (!store) {
        return store.error();
    }
    return std::unique_ptr<Harness>(
        new KeptHarness<Harness, ea::testing::TempDir, Store>(std::move(dir), *std::move(store)));
}

// The Redis backend: Store::Open(endpoint, options) on a fresh redis-server. kUnavailable when
// the server does not start, so the suite fails saying why (it never skips).
template <class Harness, class Store, class Options>
Result<std::unique_ptr<Harness>> MakeRedisHarness(const Options& options) {
    auto server = ea::testing::RedisServer::Start();
    if (!server) {
        return server.error();
    }
    auto endpoint = ParseRedisUrl((*server)->Url());
    if (!endpoint) {
        return endpoint.error();
    }
    auto store = Store::Open(*endpoint, options);
    if (!store) {
        return store.error();
    }
    return std::unique_ptr<Harness>(new KeptHarness<Harness, ea::testing::RedisServer, Store>(
        *std::move(server), *std::move(store)));
}

}  // namespace ea::auth::testing
