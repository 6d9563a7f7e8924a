// The command line: parsing it, and the `check` and `plugins` commands. `run` hands the spec to
// run_pipeline() (pipeline.hpp); main.cpp ties these together.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pipeline_spec.hpp"

namespace ytpipe::host {

struct CommandLine {
  enum class Command { Run, Check, Plugins, Help, Version };

  Command command = Command::Help;
  std::filesystem::path manifest;                   // run, check
  bool once = false;                                // run
  std::optional<std::filesystem::path> plugin_dir;  // plugins
  bool allow_untrusted_plugins = false;             // run, check, plugins (plugin_trust.hpp)
};

struct UsageError {
  std::string message;
};

// `arguments` excludes the program name.
std::variant<CommandLine, UsageError> parse_command_line(const std::vector<std::string>& arguments);

std::string usage_text();
std::string version_text();

// Loads and validates the manifest; prints each error on its own line to `err` (secrets masked)
// and returns nullopt when there are any.
std::optional<PipelineSpec> load_for_command(const std::filesystem::path& manifest,
                                             std::ostream& err);

// `ytpipe check`: the exit code; the summary goes to `out`, errors to `err`.
int check_command(const std::filesystem::path& manifest, std::ostream& out, std::ostream& err);

// `ytpipe plugins`: every plugin found, with its config keys; files that fail to load, or that
// other users could change, are listed with the reason and not loaded. Always 0.
int plugins_command(const std::optional<std::filesystem::path>& first_folder, std::ostream& out);

// What `check` prints for a loaded spec; secret values appear as ***.
std::string describe_pipeline(const PipelineSpec& spec);

// What `plugins` prints for one plugin.
std::string describe_plugin(const PluginLibrary& plugin);

}  // namespace ytpipe::host
