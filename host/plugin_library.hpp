// A plugin shared library, loaded through Boost.DLL with its ABI version checked.
#pragma once

#include <ytpipe/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ytpipe::host {

// A library that cannot be used as a plugin; what() reads "<file>: <reason>".
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file other users could change, refused before any of its code runs (plugin_trust.hpp).
class UntrustedPluginError : public PluginLoadError {
 public:
  using PluginLoadError::PluginLoadError;
};

std::string_view to_string(ytpipe_plugin_kind kind);
std::string_view to_string(ytpipe_config_type type);

class PluginLibrary {
 public:
  // Checks that no other user can change `path` (UntrustedPluginError unless
  // allow_untrusted_plugins() is set, which turns the refusal into a warning), loads it by its
  // resolved absolute path so no library search path is ever consulted, finds the entry point,
  // checks the ABI version before anything else and the descriptor's shape. Throws
  // PluginLoadError naming the file and the reason.
  static std::shared_ptr<const PluginLibrary> load(const std::filesystem::path& path);

  const ytpipe_plugin_descriptor& descriptor() const { return *descriptor_; }
  const std::filesystem::path& path() const { return path_; }
  std::string name() const { return descriptor_->name; }
  ytpipe_plugin_kind kind() const { return descriptor_->kind; }

  // Declared key named `name`, or nullptr.
  const ytpipe_config_key* find_key(const std::string& name) const;

 private:
  PluginLibrary(std::filesystem::path path, boost::dll::shared_library library,
                const ytpipe_plugin_descriptor* descriptor);

  std::filesystem::path path_;
  // Everything the plugin created must be gone before this member unloads the library: holders
  // keep a shared_ptr to the PluginLibrary for as long as they keep an instance.
  boost::dll::shared_library library_;
  const ytpipe_plugin_descriptor* descriptor_;
};

}  // namespace ytpipe::host
