# ea_warnings: an interface target every library links, so one place sets the warning policy.
add_library(ea_warnings INTERFACE)
target_compile_options(ea_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                       -Wno-missing-field-initializers)
if(EA_WERROR)
  target_compile_options(ea_warnings INTERFACE -Werror)
endif()
