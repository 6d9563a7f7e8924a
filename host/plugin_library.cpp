#include "plugin_library.hpp"

#include <dlfcn.h>

#include <boost/system/error_code.hpp>

#include "log.hpp"
#include "plugin_trust.hpp"

namespace ytpipe::host {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw PluginLoadError(path.string() + ": " + reason);
}

// The absolute, symlink-free path of `path`, which is what gets checked and opened: a name
// without a slash would make dlopen search LD_LIBRARY_PATH and the system folders.
std::filesystem::path resolve_file(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::canonical(path, error);
  if (error) {
    fail(path, error == std::errc::no_such_file_or_directory ? "no such file" : error.message());
  }
  return resolved;
}

void check_trust(const std::filesystem::path& path) {
  const std::optional<TrustProblem> problem = find_trust_problem(path);
  if (!problem) {
    return;
  }
  if (untrusted_plugins_allowed()) {
    Log::warn("host", "loading untrusted plugin ", path.string(),
              " (--allow-untrusted-plugins): ", problem->finding);
    return;
  }
  throw UntrustedPluginError(
      path.string() + ": refused, other users could change its code: " + problem->to_string() +
      " (--allow-untrusted-plugins overrides this while developing)");
}

// `resolved` is opened; `path` is what the user named, for messages.
boost::dll::shared_library open_library(const std::filesystem::path& path,
                                        const std::filesystem::path& resolved) {
  // rtld_now: a plugin missing a symbol fails here, as a configuration error, rather than
  // aborting the process in the middle of a run. rtld_local keeps plugins' symbols apart.
  // RTLD_NODELETE: a plugin stays mapped until the process exits, because the libraries it
  // pulls in (OpenSSL, librdkafka) keep threads, atexit handlers and globals that must not
  // outlive their code; instances are still destroyed before the host lets go of the library.
  const auto mode = static_cast<boost::dll::load_mode::type>(
      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local | RTLD_NODELETE);
  boost::system::error_code error;
  boost::dll::shared_library library(boost::dll::fs::path(resolved.string()), mode, error);
  if (error) {
    const char* detail = dlerror();
    fail(path, "is not a loadable shared library: " +
                   (detail != nullptr ? std::string(detail) : error.message()));
  }
  return library;
}

const ytpipe_plugin_descriptor* call_entry_point(const std::filesystem::path& path,
                                                 const boost::dll::shared_library& library) {
  if (!library.has(YTPIPE_ENTRY_POINT_NAME)) {
    fail(path, "is not a ytpipe plugin: no `" YTPIPE_ENTRY_POINT_NAME "` entry point");
  }
  ytpipe_entry_point& entry_point = library.get_alias<ytpipe_entry_point>(YTPIPE_ENTRY_POINT_NAME);
  const ytpipe_plugin_descriptor* descriptor = entry_point();
  if (descriptor == nullptr) {
    fail(path, "is not a usable ytpipe plugin: its entry point returned no descriptor");
  }
  return descriptor;
}

// Reads abi_version alone: a plugin of another ABI may lay out everything after it differently.
void check_abi_version(const std::filesystem::path& path,
                       const ytpipe_plugin_descriptor& descriptor) {
  const std::uint32_t version = descriptor.abi_version;
  if (version != YTPIPE_ABI_VERSION) {
    fail(path, "built for SDK ABI " + std::to_string(version) + ", this host speaks " +
                   std::to_string(YTPIPE_ABI_VERSION));
  }
}

// The first thing wrong with the descriptor's shape, or "" when it is sound.
std::string descriptor_problem(const ytpipe_plugin_descriptor& descriptor) {
  if (descriptor.descriptor_size < sizeof(ytpipe_plugin_descriptor)) {
    return "descriptor_size is " + std::to_string(descriptor.descriptor_size) + ", ABI " +
           std::to_string(YTPIPE_ABI_VERSION) + " needs " +
           std::to_string(sizeof(ytpipe_plugin_descriptor));
  }
  if (descriptor.name == nullptr || *descriptor.name == '\0')
    return "it has no name";
  if (descriptor.version == nullptr)
    return "it has no version";
  if (descriptor.create == nullptr || descriptor.destroy == nullptr) {
    return "create() or destroy() is missing";
  }

  if (descriptor.kind == YTPIPE_KIND_SOURCE) {
    if (descriptor.run_cycle == nullptr)
      return "a source plugin without run_cycle()";
  } else if (descriptor.kind == YTPIPE_KIND_SINK) {
    if (descriptor.write == nullptr || descriptor.poll == nullptr || descriptor.flush == nullptr) {
      return "a sink plugin without write(), poll() or flush()";
    }
  } else {
    return "unknown kind " + std::to_string(static_cast<int>(descriptor.kind)) +
           " (expected 1 for a source or 2 for a sink)";
  }

  if (descriptor.config_key_count > 0 && descriptor.config_keys == nullptr) {
    return "config_key_count is set but config_keys is NULL";
  }
  for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
    const ytpipe_config_key& key = descriptor.config_keys[i];
    if (key.name == nullptr || *key.name == '\0') {
      return "config key #" + std::to_string(i + 1) + " has no name";
    }
    if (to_string(key.type) == "?") {
      return "config key \"" + std::string(key.name) + "\" has unknown type " +
             std::to_string(static_cast<int>(key.type));
    }
  }
  return {};
}

}  // namespace

std::string_view to_string(ytpipe_plugin_kind kind) {
  switch (kind) {
    case YTPIPE_KIND_SOURCE:
      return "source";
    case YTPIPE_KIND_SINK:
      return "sink";
  }
  return "?";
}

std::string_view to_string(ytpipe_config_type type) {
  switch (type) {
    case YTPIPE_CONFIG_STRING:
      return "string";
    case YTPIPE_CONFIG_INTEGER:
      return "integer";
    case YTPIPE_CONFIG_BOOLEAN:
      return "boolean";
    case YTPIPE_CONFIG_DURATION:
      return "duration";
    case YTPIPE_CONFIG_STRING_LIST:
      return "string list";
  }
  return "?";
}

std::shared_ptr<const PluginLibrary> PluginLibrary::load(const std::filesystem::path& path) {
  const std::filesystem::path resolved = resolve_file(path);

  check_trust(path);

  boost::dll::shared_library library = open_library(path, resolved);

  const ytpipe_plugin_descriptor* descriptor = call_entry_point(path, library);

  check_abi_version(path, *descriptor);

  const std::string problem = descriptor_problem(*descriptor);
  if (!problem.empty()) {
    fail(path, "malformed plugin descriptor: " + problem);
  }
  return std::shared_ptr<const PluginLibrary>(
      new PluginLibrary(path, std::move(library), descriptor));
}

const ytpipe_config_key* PluginLibrary::find_key(const std::string& name) const {
  for (std::size_t i = 0; i < descriptor_->config_key_count; ++i) {
    if (name == descriptor_->config_keys[i].name) {
      return &descriptor_->config_keys[i];
    }
  }
  return nullptr;
}

PluginLibrary::PluginLibrary(std::filesystem::path path, boost::dll::shared_library library,
                             const ytpipe_plugin_descriptor* descriptor)
    : path_(std::move(path)), library_(std::move(library)), descriptor_(descriptor) {}

}  // namespace ytpipe::host
