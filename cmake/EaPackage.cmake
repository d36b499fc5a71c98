# Installation layout and the Debian package (cpack -G DEB in the build directory):
#   /usr/bin/events-api
#   /usr/share/events-api/schema.yaml              the default data model
#   /etc/events-api/{config.yaml,env,mcp.env}      conffiles (env files root-only, see postinst)
#   /lib/systemd/system/events-api.service         `serve`
#   /lib/systemd/system/events-api-mcp.{socket,@.service}  `mcp` over stdio per connection
#   /usr/share/doc/events-api/                     the docs
# Runtime library dependencies come from dpkg-shlibdeps, so they follow what the binary links.
include(GNUInstallDirs)

install(TARGETS events-api RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/schema.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/events-api)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/config.yaml DESTINATION /etc/events-api)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/env ${PROJECT_SOURCE_DIR}/packaging/mcp.env
        DESTINATION /etc/events-api PERMISSIONS OWNER_READ OWNER_WRITE)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/events-api.service
              ${PROJECT_SOURCE_DIR}/packaging/events-api-mcp.socket
              ${PROJECT_SOURCE_DIR}/packaging/events-api-mcp@.service
        DESTINATION /lib/systemd/system)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/events-api)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME events-api)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "REST API and MCP server generated from a declarative data model")
set(CPACK_PACKAGE_CONTACT "events-api maintainers <maintainers@events-api.invalid>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Installed binaries carry no debug information (a debug or sanitizer build is 250 MB otherwise).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/conffiles ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/prerm ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
