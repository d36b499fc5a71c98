// Who is calling: filled in by authentication, read by the service layer. No I/O.
#pragma once

#include <string>

namespace ea {

struct Principal {
    std::string user_id;
    std::string username;
    std::string role;  // "admin", "read", "ai_agent", ... as named in the schema's role enum
    std::string account_id;
    bool authenticated = false;

    // The principal used by local tools (CLI commands, seeding) and by `auth.required: false`.
    static Principal System() { return Principal{"", "system", "admin", "", true}; }
};

}  // namespace ea
