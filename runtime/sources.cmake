# runtime/sources.cmake: the runtime's sources, included by the top-level CMakeLists.txt.
#
# PV_RUNTIME_SOURCES      library files (compiled into pyverify_obj)
# PV_CLI_RUNTIME_SOURCES  files only the command-line tool needs (the run's JSON document)
# PV_CLI_RUNTIME_LIBS     libraries pyverify_cli must link for them (jansson)
#
# Works whether or not libseccomp was found: the top level defines PV_HAVE_SECCOMP on
# pyverify_obj when SECCOMP_FOUND; without it the runtime reports the seccomp layer as
# unavailable instead of silently skipping it.
set(PV_RUNTIME_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/run.c
  ${CMAKE_CURRENT_LIST_DIR}/run_pool.c
  ${CMAKE_CURRENT_LIST_DIR}/spawn.c
  ${CMAKE_CURRENT_LIST_DIR}/sandbox.c
  ${CMAKE_CURRENT_LIST_DIR}/seccomp_filter.c
  ${CMAKE_CURRENT_LIST_DIR}/pylayer.c
  ${CMAKE_CURRENT_LIST_DIR}/guard.c
  ${CMAKE_CURRENT_LIST_DIR}/runner.c
  ${CMAKE_CURRENT_LIST_DIR}/warm_child.c
  ${CMAKE_CURRENT_LIST_DIR}/batch.c
  ${CMAKE_CURRENT_LIST_DIR}/batch_child.c
  ${CMAKE_CURRENT_LIST_DIR}/prepare.c
  ${CMAKE_CURRENT_LIST_DIR}/hoststub.c
  ${CMAKE_CURRENT_LIST_DIR}/hostcall.c
  ${CMAKE_CURRENT_LIST_DIR}/session.c
  ${CMAKE_CURRENT_LIST_DIR}/session_child.c
  ${CMAKE_CURRENT_LIST_DIR}/template.c
  ${CMAKE_CURRENT_LIST_DIR}/arena.c
  ${CMAKE_CURRENT_LIST_DIR}/template_kind.c
  ${CMAKE_CURRENT_LIST_DIR}/subid.c)

set(PV_CLI_RUNTIME_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/run_json.c
  ${CMAKE_CURRENT_LIST_DIR}/batch_json.c)

pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
set(PV_CLI_RUNTIME_LIBS PkgConfig::JANSSON)

if(NOT SECCOMP_FOUND)
  message(STATUS "pyverify runtime: libseccomp not found; the seccomp layer will be reported as unavailable")
endif()
