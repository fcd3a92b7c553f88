# SUMSCOPE_SANITIZE: ASan + UBSan on all our code and tests, aborting on the
# first report so a test fails on it. Everything in this tree is ours, so the
# flags are set directory-wide.
add_library(sumscope_sanitize INTERFACE)
if(SUMSCOPE_SANITIZE)
  set(SUMSCOPE_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${SUMSCOPE_SANITIZE_FLAGS})
  add_link_options(${SUMSCOPE_SANITIZE_FLAGS})
  message(STATUS "ASan + UBSan enabled")
endif()

# SUMSCOPE_TSAN: ThreadSanitizer instead, for the analyzer's two-thread
# pipeline (tests/tsan/run_tsan.sh builds a tree of its own with it).
if(SUMSCOPE_TSAN)
  if(SUMSCOPE_SANITIZE)
    message(FATAL_ERROR "SUMSCOPE_TSAN and SUMSCOPE_SANITIZE cannot be combined")
  endif()
  set(SUMSCOPE_TSAN_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  add_compile_options(${SUMSCOPE_TSAN_FLAGS})
  add_link_options(${SUMSCOPE_TSAN_FLAGS})
  message(STATUS "ThreadSanitizer enabled")
endif()
