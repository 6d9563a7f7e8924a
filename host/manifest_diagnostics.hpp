// Errors found in a manifest, each tied to the place it was written, and the shared steps every
// part of the manifest reader needs: locating a node, expanding a string, describing a value.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline_spec.hpp"
#include "variable_expansion.hpp"

namespace ytpipe::host {

struct ManifestError {
  SourceLocation location;
  std::string message;

  // "manifest.toml:12:3: <message>"
  std::string to_string() const;
};

class ManifestDiagnostics {
 public:
  ManifestDiagnostics(std::string file, VariableLookup lookup);

  const std::string& file() const { return file_; }

  SourceLocation locate(const toml::source_region& region) const;
  SourceLocation locate(const toml::node& node) const { return locate(node.source()); }

  void add(SourceLocation location, std::string message);
  void add(const toml::node& node, std::string message) { add(locate(node), std::move(message)); }

  // The string value of `node` with ${VAR} expanded. Records an error naming `what` and returns
  // nullopt when the node is not a string or the expansion fails.
  std::optional<std::string> expand_string(const toml::node& node, std::string_view what,
                                           std::string_view expected = "a string");

  // Expands `text`, which was written at `node`; records an error naming `what` on failure.
  std::optional<std::string> expand(std::string_view text, const toml::node& node,
                                    std::string_view what);

  // Records "<what>: expected <expected>, found <description of node>".
  void add_type_error(const toml::node& node, std::string_view what, std::string_view expected,
                      bool secret = false);

  bool has_errors() const { return !errors_.empty(); }
  std::size_t error_count() const { return errors_.size(); }

  // The errors in the order they appear in the file.
  std::vector<ManifestError> sorted_errors() const;

 private:
  std::string file_;
  VariableLookup lookup_;
  std::vector<ManifestError> errors_;
};

// "integer 60", "string \"abc\"", "a table"; a secret value is described by its type alone.
std::string describe_value(const toml::node& node, bool secret = false);

}  // namespace ytpipe::host
