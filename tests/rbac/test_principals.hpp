// Principals for the rbac tests. EntityAccess keeps a reference to its principal (no copy per
// call), so a test's principal must outlive the access built from it: As() hands out principals
// that live as long as the test binary.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/principal.hpp"

namespace ea::testing {

// An authenticated principal with `role` (user usr_1, no account).
inline const Principal& As(std::string_view role) {
    static std::map<std::string, Principal, std::less<>> principals;
    auto it = principals.find(role);
    if (it == principals.end()) {
        it = principals
                 .emplace(std::string(role),
                          Principal{"usr_1", "someone", std::string(role), "", true})
                 .first;
    }
    return it->second;
}

}  // namespace ea::testing
