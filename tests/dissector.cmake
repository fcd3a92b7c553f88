# dissector/: the plugin loaded into the real tshark (never installed: a
# private HOME per run, as 'nobody' when root), against every sample's truth,
# what it shows (columns, filters, statistics against sumscope's report),
# over tcpdump's corpus, and fuzzed with corrupted copies of the samples.
if(TARGET sum AND TSHARK)
  add_test(NAME dissector_samples
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/dissector/check_plugin.py
                   $<TARGET_FILE:sum> ${SUMSCOPE_SAMPLES_DIR})
  set_tests_properties(dissector_samples PROPERTIES LABELS dissector TIMEOUT 1500)
  add_test(NAME dissector_views
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/dissector/check_views.py
                   $<TARGET_FILE:sum> ${SUMSCOPE_SAMPLES_DIR} $<TARGET_FILE:sumscope>)
  set_tests_properties(dissector_views PROPERTIES LABELS dissector TIMEOUT 600)
  # sumscope, -z sum,alloc in one pass and in two, and the GUI's ledger tree
  # tell the same story on every capture, the ones not met yet included.
  add_test(NAME dissector_agree
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/dissector/check_agree.py
                   $<TARGET_FILE:sum> $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                   ${SUMSCOPE_SAMPLES_DIR}/next)
  set_tests_properties(dissector_agree PROPERTIES LABELS dissector TIMEOUT 900)
  # The Qt GUI under Xvfb, where wireshark and xvfb-run are installed.
  add_test(NAME dissector_gui
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/dissector/check_gui.sh $<TARGET_FILE:sum>
                   ${SUMSCOPE_SAMPLES_DIR})
  set_tests_properties(dissector_gui PROPERTIES LABELS dissector TIMEOUT 120
                       SKIP_RETURN_CODE 77)
  if(EXISTS ${SUMSCOPE_CORPUS_DIR})
    add_test(NAME dissector_corpus
             COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/dissector/check_corpus.py
                     $<TARGET_FILE:sum> ${SUMSCOPE_CORPUS_DIR})
    set_tests_properties(dissector_corpus PROPERTIES LABELS "dissector;robustness"
                         TIMEOUT 1800)
  endif()
  add_test(NAME plugin_fuzz
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/robustness/plugin_fuzz.sh $<TARGET_FILE:sum>
                   ${SUMSCOPE_SAMPLES_DIR} ${CMAKE_CURRENT_BINARY_DIR}/plugin-fuzz 3)
  set_tests_properties(plugin_fuzz PROPERTIES LABELS "dissector;robustness" TIMEOUT 1800)
elseif(SUMSCOPE_BUILD_PLUGIN)
  message(STATUS "tshark not found: the plugin's tests are not run")
endif()
