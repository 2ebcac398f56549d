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

# libmicrohttpd (and gnutls with its ten dependencies) loaded by `pyverify serve` only
# (mhd_load.c), not at every start of `pyverify`: its soname, read from the library the
# build would link. Without readelf or a soname, it is linked as before.
find_program(PV_READELF readelf)
find_library(PV_MHD_LIBRARY NAMES microhttpd HINTS ${MHD_LIBRARY_DIRS})
set(PV_MHD_SONAME "")
if(PV_READELF AND PV_MHD_LIBRARY)
  execute_process(COMMAND ${PV_READELF} -d ${PV_MHD_LIBRARY} OUTPUT_VARIABLE _pv_dyn
                  ERROR_QUIET RESULT_VARIABLE _pv_rc)
  if(_pv_rc EQUAL 0 AND _pv_dyn MATCHES "Library soname: \\[([^]]+)\\]")
    set(PV_MHD_SONAME ${CMAKE_MATCH_1})
  endif()
endif()
if(PV_MHD_SONAME)
  list(APPEND PV_SERVICE_SOURCES ${CMAKE_CURRENT_LIST_DIR}/mhd_load.c)
  set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/mhd_load.c PROPERTIES
    COMPILE_DEFINITIONS "PV_MHD_SONAME=\"${PV_MHD_SONAME}\"")
  # the headers only; dlopen is in libc (glibc 2.34+), ${CMAKE_DL_LIBS} for older ones
  add_library(pv_mhd_headers INTERFACE)
  target_include_directories(pv_mhd_headers INTERFACE ${MHD_INCLUDE_DIRS})
  target_compile_options(pv_mhd_headers INTERFACE ${MHD_CFLAGS_OTHER})
  set(PV_SERVICE_LIBS pv_mhd_headers Threads::Threads ${CMAKE_DL_LIBS})
endif()
