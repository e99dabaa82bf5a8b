# cmake/fuzz.cmake — fuzz targets and the replay of their inputs (tests/fuzz).
#
# Included from CMakeLists.txt after the tests section:
#   option(ELDERCAP_FUZZ "Build the libFuzzer targets (clang)" OFF)
#   include(cmake/fuzz.cmake)
#
# Every build (gcc or clang, with or without sanitizers) gets fuzzrun_<t>:
# the target's entry point behind a small main that replays files, and a
# ctest entry fuzz.<t>.replay that runs every seed (tests/fuzz/corpus/<t>)
# and every regression input (tests/fuzz/regressions/<t>) through the reader.
# With ELDERCAP_FUZZ=ON (clang) the libraries are built with
# -fsanitize=fuzzer-no-link,address,undefined and fuzz_<t> libFuzzer
# executables are built in <build>/fuzz/; scripts/fuzz runs them.

file(GLOB ELDERCAP_FUZZ_SRC CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
list(FILTER ELDERCAP_FUZZ_SRC EXCLUDE REGEX "fuzz_driver\\.c$")

if(ELDERCAP_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ELDERCAP_FUZZ needs clang: -DCMAKE_C_COMPILER=clang")
  endif()
  set(_ec_fuzz_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
                   -fno-omit-frame-pointer)
  # Coverage instrumentation in the code under test; the sanitizer runtime
  # comes with every executable that links the libraries.
  foreach(lib eldercap_core eldercap_io)
    target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link ${_ec_fuzz_san})
    target_link_options(${lib} INTERFACE -fsanitize=address,undefined)
  endforeach()
endif()

foreach(src ${ELDERCAP_FUZZ_SRC})
  get_filename_component(tgt ${src} NAME_WE)          # fuzz_csv
  string(REPLACE "fuzz_" "" short ${tgt})             # csv
  set(_defs EC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

  if(ELDERCAP_FUZZ)
    add_executable(${tgt} ${src})
    target_compile_options(${tgt} PRIVATE -fsanitize=fuzzer ${_ec_fuzz_san})
    target_link_options(${tgt} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_compile_definitions(${tgt} PRIVATE ${_defs})
    target_link_libraries(${tgt} PRIVATE eldercap_io eldercap_warnings)
    set_target_properties(${tgt} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  endif()

  if(BUILD_TESTING)
    add_executable(fuzzrun_${short} ${src} ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_driver.c)
    target_compile_definitions(fuzzrun_${short} PRIVATE ${_defs})
    target_link_libraries(fuzzrun_${short} PRIVATE eldercap_io eldercap_warnings)
    if(ELDERCAP_FUZZ)
      target_compile_options(fuzzrun_${short} PRIVATE ${_ec_fuzz_san})
    endif()
    set_target_properties(fuzzrun_${short} PROPERTIES
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    set(_inputs)
    foreach(d corpus regressions)
      if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/tests/fuzz/${d}/${short})
        list(APPEND _inputs ${PROJECT_SOURCE_DIR}/tests/fuzz/${d}/${short})
      endif()
    endforeach()
    if(_inputs)
      add_test(NAME fuzz.${short}.replay COMMAND fuzzrun_${short} ${_inputs})
      set_tests_properties(fuzz.${short}.replay PROPERTIES
        ENVIRONMENT "PROJ_NETWORK=OFF;HDF5_USE_FILE_LOCKING=FALSE;ASAN_OPTIONS=detect_leaks=1"
        FAIL_REGULAR_EXPRESSION "ERROR: (Address|Leak)Sanitizer;runtime error:")
    endif()
  endif()
endforeach()
