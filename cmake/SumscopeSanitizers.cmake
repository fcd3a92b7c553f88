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
