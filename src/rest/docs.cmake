# ea_rest_docs: GET /openapi.json (openapi.cpp) and GET /docs (docs_page.cpp) with Swagger UI from
# web/node_modules embedded into the binary. Included by src/rest/CMakeLists.txt; ea_rest links it.
# Swagger UI comes from npm (web/package.json pins it); `npm ci --prefix web` must have run.
include(${PROJECT_SOURCE_DIR}/cmake/EaEmbed.cmake)

set(EA_SWAGGER_UI_DIR ${PROJECT_SOURCE_DIR}/web/node_modules/swagger-ui-dist)
set(ea_swagger_ui_files swagger-ui-bundle.js swagger-ui.css swagger-ui-bundle.js.LICENSE.txt
    LICENSE package.json)
foreach(file IN LISTS ea_swagger_ui_files)
  if(NOT EXISTS ${EA_SWAGGER_UI_DIR}/${file})
    message(FATAL_ERROR
      "The /docs page embeds Swagger UI from npm, but ${EA_SWAGGER_UI_DIR}/${file} is missing.\n"
      "Install it first:  npm ci --prefix ${PROJECT_SOURCE_DIR}/web")
  endif()
endforeach()

# The installed version must be the pinned one, or the binary would embed whatever was lying around.
file(READ ${PROJECT_SOURCE_DIR}/web/package.json ea_web_package)
string(JSON ea_swagger_ui_pinned GET "${ea_web_package}" dependencies swagger-ui-dist)
file(READ ${EA_SWAGGER_UI_DIR}/package.json ea_swagger_ui_package)
string(JSON ea_swagger_ui_version GET "${ea_swagger_ui_package}" version)
if(NOT ea_swagger_ui_version STREQUAL ea_swagger_ui_pinned)
  message(FATAL_ERROR
    "web/node_modules has swagger-ui-dist ${ea_swagger_ui_version}, web/package.json pins "
    "${ea_swagger_ui_pinned}. Reinstall:  npm ci --prefix ${PROJECT_SOURCE_DIR}/web")
endif()
# Re-run this check (and the version definition below) when either package.json changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/web/package.json ${EA_SWAGGER_UI_DIR}/package.json)

set(ea_docs_embedded)
ea_embed_file(ea_docs_embedded INPUT ${EA_SWAGGER_UI_DIR}/swagger-ui-bundle.js
              SYMBOL kSwaggerUiBundleJs)
ea_embed_file(ea_docs_embedded INPUT ${EA_SWAGGER_UI_DIR}/swagger-ui.css SYMBOL kSwaggerUiCss)
ea_embed_file(ea_docs_embedded INPUT ${EA_SWAGGER_UI_DIR}/swagger-ui-bundle.js.LICENSE.txt
              SYMBOL kSwaggerUiBundleLicense)
ea_embed_file(ea_docs_embedded INPUT ${EA_SWAGGER_UI_DIR}/LICENSE SYMBOL kSwaggerUiLicense)

add_library(ea_rest_docs STATIC openapi.cpp docs_page.cpp ${ea_docs_embedded})
target_compile_definitions(ea_rest_docs PRIVATE
  EA_SWAGGER_UI_VERSION="${ea_swagger_ui_version}")
# ea_validate only for its limits (kMaxArrayElements), so the document states what it enforces.
target_link_libraries(ea_rest_docs PUBLIC ea_schema ea_http ea_common PRIVATE ea_validate)
