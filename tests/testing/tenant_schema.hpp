// The entities of a multi-tenant model, for the row-scope tests of rbac and of the service: a Note
// reaches its Account through its User (a chain of two), a User through accountId (one step).
// Each test appends the entities and the rbac section it needs.
#pragma once

namespace ea::testing {

inline constexpr const char* kTenantEntities = R"(Account:
  fields:
    name: String
User:
  fields:
    name: String
    accountId: ObjectId
Note:
  fields:
    title: String
    userId: ObjectId
)";

}  // namespace ea::testing
