# EA_SANITIZE builds everything with ASan + UBSan; the test command runs that build too.
if(EA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
