// Speaks ABI 1 but describes a source without run_cycle(): the host must refuse it by name
// rather than call a null function later.
#include <ytpipe/plugin.h>

#include <boost/dll/alias.hpp>

namespace {

ytpipe_status create(const ytpipe_context*, void** instance, ytpipe_error*) {
  *instance = nullptr;
  return YTPIPE_OK;
}

void destroy(void*) {}

const ytpipe_plugin_descriptor kDescriptor = {
    .abi_version = YTPIPE_ABI_VERSION,
    .descriptor_size = sizeof(ytpipe_plugin_descriptor),
    .name = "malformed",
    .kind = YTPIPE_KIND_SOURCE,
    .version = "1.0.0",
    .description = "a source that cannot run",
    .config_keys = nullptr,
    .config_key_count = 0,
    .extra_keys_doc = nullptr,
    .validate = nullptr,
    .create = &create,
    .destroy = &destroy,
    .run_cycle = nullptr,
    .write = nullptr,
    .poll = nullptr,
    .flush = nullptr,
};

const ytpipe_plugin_descriptor* entry_point() {
  return &kDescriptor;
}

}  // namespace

BOOST_DLL_ALIAS(entry_point, ytpipe_plugin)
