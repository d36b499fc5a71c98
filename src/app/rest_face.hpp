// One schema's HTTP face on `serve`: the Core it was built for, the AdminService over that core,
// the REST routes generated from its schema (entities, auth, /api/metadata, /openapi.json per
// role, the docs page) and the router that holds them with the routes every face shares (MCP,
// health, metrics, audit, reload). A schema reload builds a new face and swaps it into the
// RestFaceSlot; a request keeps the face it started with (it holds a shared_ptr), so nothing it
// uses goes away under it and no request does any schema work.
#pragma once

#include <memory>

#include "app/core.hpp"
#include "common/swap_slot.hpp"
#include "http/router.hpp"
#include "rest/rest_api.hpp"
#include "service/admin_service.hpp"

namespace ea::app {

struct RestFace {
    // Declared in this order so that they are destroyed in the reverse one: the router's handlers
    // refer to `rest`, which refers to `admin` and `core`.
    std::shared_ptr<Core> core;
    std::unique_ptr<service::AdminService> admin;
    std::unique_ptr<rest::RestApi> rest;
    std::unique_ptr<http::Router> router;
};

// The face in service (common/swap_slot.hpp).
using RestFaceSlot = SwapSlot<RestFace>;

}  // namespace ea::app
