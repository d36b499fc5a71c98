# ea_warnings: an interface target every library links, so one place sets the warning policy.
add_library(ea_warnings INTERFACE)
target_compile_options(ea_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                       -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict positives inside std::string's operator+ at -O2 (GCC bug
# 105651, fixed in GCC 13); they point into libstdc++, not at our code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(ea_warnings INTERFACE -Wno-restrict)
endif()
if(EA_WERROR)
  target_compile_options(ea_warnings INTERFACE -Werror)
endif()
