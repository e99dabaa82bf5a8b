# cmake/faults.cmake — fault injection (tests/faults): the LD_PRELOAD shim
# that fails writes/fsync/close, and one ctest entry per group. Include after
# the tests section of CMakeLists.txt:
#   include(cmake/faults.cmake)
if(BUILD_TESTING)
  # The shim is never built with sanitizers: it is preloaded ahead of them.
  add_library(ec_faultshim SHARED ${PROJECT_SOURCE_DIR}/tests/faults/faultshim.c)
  target_compile_options(ec_faultshim PRIVATE -fno-sanitize=all)
  target_link_options(ec_faultshim PRIVATE -fno-sanitize=all)
  target_link_libraries(ec_faultshim PRIVATE ${CMAKE_DL_LIBS})
  set_target_properties(ec_faultshim PROPERTIES PREFIX "" OUTPUT_NAME faultshim)
  foreach(group hdf5 standards export signals)
    add_test(NAME faults.${group}
             COMMAND sh ${PROJECT_SOURCE_DIR}/tests/faults/run.sh
                     $<TARGET_FILE:eldercap> $<TARGET_FILE:ec_faultshim> ${group})
    set_tests_properties(faults.${group} PROPERTIES
      ENVIRONMENT "PROJ_NETWORK=OFF;HDF5_USE_FILE_LOCKING=FALSE"
      RUN_SERIAL TRUE)   # the signal test times a long run
  endforeach()
endif()
