// Calling a plugin's optional validate() for one configured instance.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "pipeline_spec.hpp"

namespace ytpipe::host {

struct ValidationFailure {
  std::string message;      // the plugin's message, with the instance's secret values masked
  SourceLocation location;  // the key the plugin blamed, else the instance's table
};

// Runs `instance.plugin`'s validate(), if it has one, with a context that logs as `component`
// ("source watched") and offers neither emit nor report. nullopt when the config is accepted.
std::optional<ValidationFailure> validate_instance(const InstanceSpec& instance,
                                                   const std::string& component,
                                                   const std::filesystem::path& data_dir);

}  // namespace ytpipe::host
