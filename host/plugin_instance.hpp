// One live instance of a plugin: created through the descriptor, destroyed exactly once. Keeps
// the library loaded for as long as the instance exists.
#pragma once

#include <ytpipe/plugin.h>

#include <memory>
#include <string>

#include "instance_context.hpp"
#include "pipeline_spec.hpp"

namespace ytpipe::host {

class PluginInstance {
 public:
  PluginInstance(const InstanceSpec& spec, const InstanceContext& context);
  ~PluginInstance() { destroy(); }

  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  ytpipe_status create(ytpipe_error& error);
  void destroy();

  bool alive() const { return handle_ != nullptr; }
  void* handle() const { return handle_; }
  const ytpipe_plugin_descriptor& plugin() const { return library_->descriptor(); }

  // Why the first start failed, pointing into the manifest: at the key the plugin blamed, or
  // at the instance's table.
  std::string start_failure(const ytpipe_error& error) const;

 private:
  const InstanceSpec& spec_;
  const InstanceContext& context_;
  std::shared_ptr<const PluginLibrary> library_;
  void* handle_ = nullptr;
};

// The message of a failed plugin call; never empty.
std::string error_text(const ytpipe_error& error);

}  // namespace ytpipe::host
