// The front header of rbac/: what a principal may do with an entity, its fields, its queries and
// its rows, decided by pure functions over the schema's AccessPolicy (schema/access_policy.hpp).
// No I/O, no state: the service layer calls these on every path (REST, MCP, views, batches).
// See docs/security.md "Role model" and docs/schema.md "Access control (rbac)".
#pragma once

#include "rbac/authorizer.hpp"
#include "rbac/field_mask.hpp"
#include "rbac/input_offer.hpp"
#include "rbac/list_guard.hpp"
#include "rbac/row_scope.hpp"
