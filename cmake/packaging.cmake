# packaging.cmake: Debian packages with CPack (docs/deploy.md), one per install component:
#   pyverify          the command, its man pages, the systemd unit
#   libpyverify0      libpyverify.so.0 (shlibs file: packages built against it get the right Depends)
#   libpyverify-dev   pyverify.h, libpyverify.a, the .so link, pkg-config and CMake files
# The Depends of the two packages with ELF files come from dpkg-shlibdeps. Built by
#   cmake -S . -B build/deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
#         -DPYVERIFY_TESTS=OFF && cmake --build build/deb -j2 && (cd build/deb && cpack -G DEB)
set(CPACK_PACKAGE_NAME pyverify)
set(CPACK_PACKAGE_VENDOR "pyverify")
set(CPACK_PACKAGE_CONTACT "pyverify maintainers <pyverify@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "whitelist verifier and sandbox runner for untrusted Python")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL pyverify libpyverify0 libpyverify-dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/pyverify/pyverify")
# the library's own shlibs file, so that dpkg-shlibdeps resolves libpyverify.so.0 for
# packages built against it (and the package gets the ldconfig trigger)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(CPACK_DEBIAN_PYVERIFY_PACKAGE_NAME pyverify)
# (CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY first: the texts below are the rest)
set(CPACK_DEBIAN_PYVERIFY_PACKAGE_SECTION utils)
# `pyverify serve` loads libmicrohttpd with dlopen (service/mhd_load.c): dpkg-shlibdeps
# cannot see it, so it is named here (libmicrohttpd.so.12 -> libmicrohttpd12; the version
# dpkg-shlibdeps gave while it was linked); the rest is appended by dpkg-shlibdeps
if(PV_MHD_SONAME MATCHES "^(lib[^.]+)\\.so\\.([0-9]+)$")
  set(CPACK_DEBIAN_PYVERIFY_PACKAGE_DEPENDS "${CMAKE_MATCH_1}${CMAKE_MATCH_2} (>= 0.9.50)")
endif()
set(CPACK_DEBIAN_PYVERIFY_DESCRIPTION
  "This package holds the pyverify command (check, run, corpus, serve), its man pages
 and a hardened systemd unit for pyverify serve, not enabled.")
set(CPACK_DEBIAN_LIBPYVERIFY0_PACKAGE_NAME libpyverify0)
set(CPACK_DEBIAN_LIBPYVERIFY0_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBPYVERIFY0_DESCRIPTION
  "This package holds the shared library libpyverify.so.0.")
set(CPACK_DEBIAN_LIBPYVERIFY-DEV_PACKAGE_NAME libpyverify-dev)
set(CPACK_DEBIAN_LIBPYVERIFY-DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_LIBPYVERIFY-DEV_DESCRIPTION
  "This package holds pyverify.h, the static library, the pkg-config files and the
 CMake package.")
# -dev holds no ELF file dpkg-shlibdeps reads: its Depends are what pyverify.pc and
# pyverifyConfig.cmake look up (Requires.private is resolved by pkg-config --cflags too).
set(PV_DEV_DEPENDS "libpyverify0 (= ${PROJECT_VERSION}), libpython3-dev, libpcre2-dev, libjansson-dev, pkg-config")
if(SECCOMP_FOUND)
  string(APPEND PV_DEV_DEPENDS ", libseccomp-dev")
endif()
set(CPACK_DEBIAN_LIBPYVERIFY-DEV_PACKAGE_DEPENDS "${PV_DEV_DEPENDS}")
include(CPack)
