// Reading a manifest into a PipelineSpec: TOML syntax, the [host] table, every [[source]] and
// [[sink]], their plugins found and loaded, their configs checked, then each plugin's own
// validate(). Every problem found is reported at once, each with file, line and column.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "manifest_diagnostics.hpp"
#include "pipeline_spec.hpp"
#include "variable_expansion.hpp"

namespace ytpipe::host {

struct ManifestLoad {
  std::optional<PipelineSpec> spec;   // set when `errors` is empty
  std::vector<ManifestError> errors;  // in the order they appear in the file
};

struct ManifestOptions {
  VariableLookup lookup = environment_variable;
};

// Loads and fully validates `manifest`. Before any plugin code runs (validate() may log) it
// applies the manifest's log_level and registers every secret config value with Log, so no log
// line can show one.
ManifestLoad load_pipeline(const std::filesystem::path& manifest,
                           const ManifestOptions& options = {});

// Registers the value of every secret config key (declared secret, or an extra key that names a
// credential) with Log::add_secret.
void register_secrets(const PipelineSpec& spec);

}  // namespace ytpipe::host
