# service/sources.cmake: `pyverify serve` (issue 8), included by the top-level CMakeLists.txt.
#
# PV_SERVICE_SOURCES  files of the command-line tool for the service
# PV_SERVICE_LIBS     libraries pyverify_cli links for them (libmicrohttpd, threads)
set(PV_SERVICE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/serve.c
  ${CMAKE_CURRENT_LIST_DIR}/dispatch.c
  ${CMAKE_CURRENT_LIST_DIR}/zygote.c
  ${CMAKE_CURRENT_LIST_DIR}/batch.c
  ${CMAKE_CURRENT_LIST_DIR}/sessions.c
  ${CMAKE_CURRENT_LIST_DIR}/conn.c
  ${CMAKE_CURRENT_LIST_DIR}/clients.c
  ${CMAKE_CURRENT_LIST_DIR}/accesslog.c
  ${CMAKE_CURRENT_LIST_DIR}/layers.c)

pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
find_package(Threads REQUIRED)
set(PV_SERVICE_LIBS PkgConfig::MHD Threads::Threads)
