# Fuzzers over the analyzer: frames through decode + flows + reconstruction,
# and whole capture files through libpcap's reader and every reporter.
# sumanalyzer and sumcore are rebuilt with the fuzzer's sanitizers here.
foreach(_lib sumanalyzer sumcore)
  target_compile_options(${_lib} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
endforeach()
sumscope_fuzzer(fuzz_frames fuzz_frames.c)
target_link_libraries(fuzz_frames PRIVATE sumanalyzer)
sumscope_fuzzer(fuzz_capture fuzz_capture.c)
target_link_libraries(fuzz_capture PRIVATE sumanalyzer)
