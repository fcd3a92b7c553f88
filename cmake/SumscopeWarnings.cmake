# Our code builds warning-free; a warning is an error.
add_library(sumscope_warnings INTERFACE)
target_compile_options(sumscope_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
  -Wno-unused-parameter)
