#include "cli/user_core.hpp"

#include <utility>

#include "cli/command.hpp"

namespace ea::cli {

std::optional<UserCore> OpenUserCore(const app::Config& config) {
    auto core = app::OpenCore(config);
    if (!core) {
        PrintError(core.error());
        return std::nullopt;
    }
    const auto* user = (*core)->schema->FindEntity("User");
    if (user == nullptr || !user->auth()) {
        PrintError(InvalidArgument("the schema has no User entity with the auth service"));
        return std::nullopt;
    }
    return UserCore{*std::move(core), user};
}

}  // namespace ea::cli
