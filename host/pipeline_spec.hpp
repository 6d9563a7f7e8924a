// What the manifest loader hands the runtime: every instance resolved, its plugin loaded and
// checked, its config validated against the plugin's declared keys.
#pragma once

#include <ytpipe/plugin.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "log.hpp"
#include "plugin_library.hpp"

namespace ytpipe::host {

// A place in a manifest, for error messages: "manifest.toml:12:3".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  std::string to_string() const;
};

// One instance's config after validation, ${VAR} expansion and defaults, owning the storage
// that its C view (entries()) points into.
class InstanceConfig {
 public:
  struct Value {
    std::string key;
    ytpipe_config_type type = YTPIPE_CONFIG_STRING;
    std::string text;
    std::int64_t integer = 0;
    std::vector<std::string> items;
    bool extra = false;
    bool secret = false;
    SourceLocation location;  // of the value in the manifest, or of the table for a default
  };

  InstanceConfig() = default;
  explicit InstanceConfig(std::vector<Value> values);
  InstanceConfig(const InstanceConfig& other);
  InstanceConfig& operator=(const InstanceConfig& other);
  InstanceConfig(InstanceConfig&&) noexcept = default;
  InstanceConfig& operator=(InstanceConfig&&) noexcept = default;

  // The C view handed to the plugin; valid while this object lives and is not modified.
  const std::vector<ytpipe_config_entry>& entries() const { return entries_; }
  const std::vector<Value>& values() const { return values_; }

  // Where `key` was written, for errors a plugin raises against one of its keys; falls back to
  // `fallback` (the instance's table) for keys the manifest does not set.
  SourceLocation location_of(const std::string& key, const SourceLocation& fallback) const;

 private:
  void rebuild_view();

  std::vector<Value> values_;
  std::vector<std::vector<const char*>> item_pointers_;
  std::vector<ytpipe_config_entry> entries_;
};

struct InstanceSpec {
  std::string name;
  std::shared_ptr<const PluginLibrary> plugin;
  InstanceConfig config;
  std::vector<std::string> inputs;  // sinks only: the sources feeding it (all when unset)
  SourceLocation location;          // of the [[source]] or [[sink]] table
};

struct HostSettings {
  LogLevel log_level = LogLevel::Info;
  std::chrono::milliseconds shutdown_timeout{30'000};
  std::uint64_t max_buffer_bytes = 64ull << 20;
  std::filesystem::path data_dir = "data";
  std::chrono::milliseconds summary_interval{30'000};
};

struct PipelineSpec {
  std::filesystem::path manifest;
  HostSettings host;
  std::vector<InstanceSpec> sources;
  std::vector<InstanceSpec> sinks;
};

}  // namespace ytpipe::host
