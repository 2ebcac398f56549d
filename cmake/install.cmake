# install.cmake: what `cmake --install` puts where. The shared library (SONAME
# libpyverify.so.MAJOR) and the static one, pyverify.h, pyverify.pc and pyverify-static.pc
# (relocatable through ${pcfiledir}), the CMake package (find_package(pyverify): targets
# pyverify::pyverify and pyverify::pyverify_static), the pyverify command and its man pages.
include(CMakePackageConfigHelpers)

set(PV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pyverify)
# Components (the Debian packages of cmake/packaging.cmake): pyverify (the command, its man
# pages, the systemd unit), libpyverify0 (the shared library), libpyverify-dev (the rest).
install(TARGETS pyverify pyverify_static EXPORT pyverifyTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libpyverify0
                NAMELINK_COMPONENT libpyverify-dev
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libpyverify-dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT libpyverify0
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS pyverify_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT pyverify)
# the clean template library runners exec (runtime/template.c): it goes with the library
install(TARGETS pyverify_template RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}
        COMPONENT libpyverify0)
install(FILES include/pyverify.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT libpyverify-dev)
install(EXPORT pyverifyTargets NAMESPACE pyverify:: DESTINATION ${PV_CMAKE_DIR}
        COMPONENT libpyverify-dev)

# The package config recreates the pkg-config imported targets the exported ones link.
set(PV_CONFIG_SECCOMP ${SECCOMP_FOUND})
configure_package_config_file(cmake/pyverifyConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/pyverifyConfig.cmake INSTALL_DESTINATION ${PV_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/pyverifyConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/pyverifyConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/pyverifyConfigVersion.cmake
        DESTINATION ${PV_CMAKE_DIR} COMPONENT libpyverify-dev)

# pyverify.pc: the prefix is found from the .pc file's own place, so --prefix works.
set(PV_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH PV_PC_TO_PREFIX /pv/${PV_PC_DIR} /pv)
string(REGEX REPLACE "/$" "" PV_PC_TO_PREFIX "${PV_PC_TO_PREFIX}")
set(PV_PC_REQUIRES "python3-embed libpcre2-8 jansson")
if(SECCOMP_FOUND)
  string(APPEND PV_PC_REQUIRES " libseccomp")
endif()
configure_file(cmake/pyverify.pc.in ${CMAKE_CURRENT_BINARY_DIR}/pyverify.pc @ONLY)
# pyverify-static.pc: the archive by its path, so that the linker cannot pick the shared
# library instead (`pkg-config --static pyverify` still says -lpyverify, and ld prefers
# libpyverify.so when both are installed).
configure_file(cmake/pyverify-static.pc.in ${CMAKE_CURRENT_BINARY_DIR}/pyverify-static.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/pyverify.pc ${CMAKE_CURRENT_BINARY_DIR}/pyverify-static.pc
        DESTINATION ${PV_PC_DIR} COMPONENT libpyverify-dev)

foreach(page pyverify.1 pyverify-rules.5)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/docs/${page})
    string(REGEX MATCH "[0-9]$" sec ${page})
    install(FILES docs/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sec} COMPONENT pyverify)
  endif()
endforeach()
# The hardened unit (deploy/systemd/README.md); under the prefix, so /usr/lib/systemd/system
# for the Debian package (Debian 12 has a merged /usr).
install(FILES deploy/systemd/pyverify.service DESTINATION lib/systemd/system COMPONENT pyverify)
