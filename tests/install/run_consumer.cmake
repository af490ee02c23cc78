# Packaging test driver, run by ctest as `cmake -D... -P run_consumer.cmake`.
#
#   MODE=install  install the sparseglm build tree SPARSEGLM_BUILD_DIR into PREFIX with
#                 `cmake --install`, then configure, build and run tests/install/consumer, which
#                 uses find_package(sparseglm CONFIG REQUIRED) against that prefix only.
#   MODE=subdir   configure, build and run tests/install/subdir_consumer, which
#                 add_subdirectory()s SPARSEGLM_SOURCE_DIR and checks that sparseglm's own
#                 tests, benchmarks and examples are not part of a subproject build.
#
# Other inputs: WORK_DIR (scratch, wiped first), CONFIG, GENERATOR, GENERATOR_PLATFORM,
# GENERATOR_TOOLSET, MAKE_PROGRAM, CXX_COMPILER, EIGEN3_DIR.
cmake_minimum_required(VERSION 3.25)

foreach(var MODE SPARSEGLM_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
  endif()
endforeach()

if(CMAKE_CTEST_COMMAND)
  set(ctest "${CMAKE_CTEST_COMMAND}")
else()
  get_filename_component(cmake_bin_dir "${CMAKE_COMMAND}" DIRECTORY)
  set(ctest "${cmake_bin_dir}/ctest")
endif()

set(config_args "")
set(build_type_arg "")
if(NOT "${CONFIG}" STREQUAL "")
  set(config_args --config "${CONFIG}")
  set(build_type_arg "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()

set(generator_args -G "${GENERATOR}")
if(NOT "${GENERATOR_PLATFORM}" STREQUAL "")
  list(APPEND generator_args -A "${GENERATOR_PLATFORM}")
endif()
if(NOT "${GENERATOR_TOOLSET}" STREQUAL "")
  list(APPEND generator_args -T "${GENERATOR_TOOLSET}")
endif()
if(NOT "${MAKE_PROGRAM}" STREQUAL "")
  list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

set(common_args
  ${generator_args}
  ${build_type_arg}
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  # Nothing from the user/system package registries: only what we point at explicitly.
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(NOT "${EIGEN3_DIR}" STREQUAL "")
  list(APPEND common_args "-DEigen3_DIR=${EIGEN3_DIR}")
endif()

function(run_step)
  execute_process(COMMAND ${ARGN}
    COMMAND_ECHO STDOUT
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmdline)
    message(FATAL_ERROR "run_consumer.cmake (${MODE}): step failed (${rc}): ${cmdline}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(consumer_build "${WORK_DIR}/build")

if(MODE STREQUAL "install")
  foreach(var SPARSEGLM_BUILD_DIR PREFIX)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
      message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
    endif()
  endforeach()
  file(REMOVE_RECURSE "${PREFIX}")

  run_step("${CMAKE_COMMAND}" --install "${SPARSEGLM_BUILD_DIR}" --prefix "${PREFIX}" ${config_args})

  file(GLOB_RECURSE installed_config "${PREFIX}/*/sparseglmConfig.cmake")
  file(GLOB_RECURSE installed_version "${PREFIX}/*/sparseglmConfigVersion.cmake")
  file(GLOB_RECURSE installed_targets "${PREFIX}/*/sparseglmTargets.cmake")
  file(GLOB_RECURSE installed_headers "${PREFIX}/include/sparseglm/*.hpp")
  if(NOT installed_config OR NOT installed_version OR NOT installed_targets)
    message(FATAL_ERROR "install of ${SPARSEGLM_BUILD_DIR} into ${PREFIX} lacks the CMake package files")
  endif()
  if(NOT EXISTS "${PREFIX}/include/sparseglm/sparseglm.hpp")
    message(FATAL_ERROR "install into ${PREFIX} lacks include/sparseglm/sparseglm.hpp")
  endif()
  list(LENGTH installed_headers n_headers)
  message(STATUS "installed ${n_headers} headers and ${installed_config}")

  run_step("${CMAKE_COMMAND}"
    -S "${SPARSEGLM_SOURCE_DIR}/tests/install/consumer"
    -B "${consumer_build}"
    ${common_args}
    "-DCMAKE_PREFIX_PATH=${PREFIX}")

  # The consumer must have found the freshly installed package, not another copy.
  file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^sparseglm_DIR:")
  string(REGEX REPLACE "^sparseglm_DIR:[A-Z]*=" "" found_dir "${found_dir}")
  file(REAL_PATH "${PREFIX}" real_prefix)
  file(REAL_PATH "${found_dir}" real_found_dir)
  string(FIND "${real_found_dir}/" "${real_prefix}/" pos)
  if(NOT pos EQUAL 0)
    message(FATAL_ERROR "consumer found sparseglm in '${found_dir}', not under '${PREFIX}'")
  endif()
elseif(MODE STREQUAL "subdir")
  run_step("${CMAKE_COMMAND}"
    -S "${SPARSEGLM_SOURCE_DIR}/tests/install/subdir_consumer"
    -B "${consumer_build}"
    ${common_args}
    "-DSPARSEGLM_SOURCE_DIR=${SPARSEGLM_SOURCE_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}' (install or subdir)")
endif()

run_step("${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args})
run_step("${ctest}" --test-dir "${consumer_build}" ${config_args} --output-on-failure --no-tests=error)
message(STATUS "run_consumer.cmake (${MODE}): OK")
