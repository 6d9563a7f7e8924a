# ytpipe_add_plugin(<target> NAME <plugin-name> SOURCES <file>...)
#
# Builds a plugin as the shared library the host looks for: `ytpipe-<plugin-name>.so`, exporting
# only its entry point. Plugins found by `plugin = "<plugin-name>"` in a manifest must be named
# this way; a plugin can always be named by its path instead.
function(ytpipe_add_plugin target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "NAME" "SOURCES")
  if(NOT ARG_NAME)
    message(FATAL_ERROR "ytpipe_add_plugin(${target}): NAME is required")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ytpipe::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "ytpipe-${ARG_NAME}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED YTPIPE_BUILD_PLUGIN_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${YTPIPE_BUILD_PLUGIN_DIR}")
  endif()
endfunction()
