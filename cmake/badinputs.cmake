# cmake/badinputs.cmake — the bad-input catalogue (tests/bad-inputs) as one
# ctest entry. Include after the tests section of CMakeLists.txt:
#   include(cmake/badinputs.cmake)
# Each case's case.txt gives the command, exit status and message pattern;
# under ELDERCAP_SANITIZE any sanitizer report fails the case too.
if(BUILD_TESTING)
  add_test(NAME badinputs
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/bad-inputs/run.sh $<TARGET_FILE:eldercap>)
  set_tests_properties(badinputs PROPERTIES
    ENVIRONMENT "PROJ_NETWORK=OFF;HDF5_USE_FILE_LOCKING=FALSE;ASAN_OPTIONS=detect_leaks=1"
    FAIL_REGULAR_EXPRESSION "ERROR: (Address|Leak)Sanitizer;runtime error:")
endif()
