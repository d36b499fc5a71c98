// UserCore: the opened core with the schema's User entity, for the commands that write accounts
// or their credentials (`user add`, `token create`). Internal to cli/.
#pragma once

#include <memory>
#include <optional>

#include "app/core.hpp"
#include "schema/schema.hpp"

namespace ea::cli {

struct UserCore {
    std::unique_ptr<app::Core> core;
    const schema::Entity* user = nullptr;  // never null; has the auth service
};

// Opens the core of `config` (OpenCore) and finds its User entity with the auth service; or
// prints why not (the store's error, or that the schema has no such entity) and returns nullopt,
// on which the command exits 1.
[[nodiscard]] std::optional<UserCore> OpenUserCore(const app::Config& config);

}  // namespace ea::cli
