#include "plugin_instance.hpp"

#include <cstring>

namespace ytpipe::host {

PluginInstance::PluginInstance(const InstanceSpec& spec, const InstanceContext& context)
    : spec_(spec), context_(context), library_(spec.plugin) {}

ytpipe_status PluginInstance::create(ytpipe_error& error) {
  void* handle = nullptr;
  const ytpipe_status status = plugin().create(context_.raw(), &handle, &error);
  if (status == YTPIPE_OK) {
    handle_ = handle;
  }
  return status;
}

void PluginInstance::destroy() {
  if (handle_ != nullptr) {
    plugin().destroy(handle_);
    handle_ = nullptr;
  }
}

std::string PluginInstance::start_failure(const ytpipe_error& error) const {
  const std::string key(error.config_key, strnlen(error.config_key, sizeof error.config_key));
  const SourceLocation where =
      key.empty() ? spec_.location : spec_.config.location_of(key, spec_.location);
  std::string text = where.to_string() + ": " + context_.component() + " (" +
                     library_->path().string() + ") cannot start";
  if (!key.empty()) {
    text += ", key \"" + key + "\"";
  }
  return text + ": " + error_text(error);
}

std::string error_text(const ytpipe_error& error) {
  const std::size_t length = strnlen(error.message, sizeof error.message);
  return length == 0 ? "no message given" : std::string(error.message, length);
}

}  // namespace ytpipe::host
