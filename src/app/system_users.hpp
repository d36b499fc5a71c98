// The users and the account the server and `events-api user add` create on their own, with the
// User fields they fill in. One place, because docs/cli.md and docs/configuration.md document
// these values and both the first-run admin (server_app.cpp) and `user add` must agree on them.
#pragma once

namespace ea::app {

// The account system users belong to; created when missing.
inline constexpr const char* kSystemAccountId = "acc_system";

// The first administrator, created by `serve` when no user has the admin role.
inline constexpr const char* kAdminUsername = "admin";
inline constexpr const char* kAdminEmail = "admin@system.internal";
inline constexpr const char* kAdminFirstName = "System";
inline constexpr const char* kAdminLastName = "Administrator";

// The names `user add NAME` gives a user other than admin when --first-name / --last-name are
// not passed: first name NAME (a username is 3 to 50 characters, which the default schema's
// firstName rule, 3 to 100, accepts), last name "Service Account".
inline constexpr const char* kServiceUserLastName = "Service Account";

}  // namespace ea::app
