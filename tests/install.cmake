# cmake --install into a temporary prefix: man page, docs, schema, bash
# completion and the plugin under the prefix (tests/install/check_install.py).
find_program(MAN_PROGRAM man)
find_program(GROFF_PROGRAM groff)
if(NOT MAN_PROGRAM OR NOT GROFF_PROGRAM)
  message(STATUS "man or groff not found (man-db, groff-base): install_layout not run")
  return()
endif()
set(_plugin_rel "")
if(TARGET sum AND NOT SUMSCOPE_PLUGIN_SYSTEM_DIR AND NOT SUMSCOPE_PLUGIN_DESTINATION)
  set(_plugin_rel
      ${CMAKE_INSTALL_LIBDIR}/wireshark/plugins/${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}/epan/sum.so)
endif()
add_test(NAME install_layout
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/install/check_install.py
                 ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/install-layout ${_plugin_rel})
set_tests_properties(install_layout PROPERTIES LABELS install TIMEOUT 300 RUN_SERIAL TRUE)
