// Claims SDK ABI 2. Every other member is deliberately unusable (a pointer into nowhere): a host
// that reads anything past abi_version before refusing the plugin crashes on it.
#include <ytpipe/plugin.h>

#include <boost/dll/alias.hpp>
#include <cstdint>

namespace {

const char* const kNowhere = reinterpret_cast<const char*>(std::uintptr_t{8});

const ytpipe_plugin_descriptor kDescriptor = {
    .abi_version = 2,
    .descriptor_size = 0xFFFFFFFFu,
    .name = kNowhere,
    .kind = static_cast<ytpipe_plugin_kind>(3),
    .version = kNowhere,
    .description = kNowhere,
    .config_keys = reinterpret_cast<const ytpipe_config_key*>(kNowhere),
    .config_key_count = 1000,
    .extra_keys_doc = kNowhere,
    .validate = nullptr,
    .create = nullptr,
    .destroy = nullptr,
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
