#include "manifest_diagnostics.hpp"

#include <algorithm>
#include <sstream>

namespace ytpipe::host {

std::string ManifestError::to_string() const {
  return location.to_string() + ": " + message;
}

ManifestDiagnostics::ManifestDiagnostics(std::string file, VariableLookup lookup)
    : file_(std::move(file)), lookup_(std::move(lookup)) {}

SourceLocation ManifestDiagnostics::locate(const toml::source_region& region) const {
  return {file_, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

void ManifestDiagnostics::add(SourceLocation location, std::string message) {
  errors_.push_back({std::move(location), std::move(message)});
}

std::optional<std::string> ManifestDiagnostics::expand_string(const toml::node& node,
                                                              std::string_view what,
                                                              std::string_view expected) {
  const auto* text = node.as_string();
  if (text == nullptr) {
    add_type_error(node, what, expected);
    return std::nullopt;
  }
  return expand(text->get(), node, what);
}

std::optional<std::string> ManifestDiagnostics::expand(std::string_view text,
                                                       const toml::node& node,
                                                       std::string_view what) {
  auto expanded = expand_variables(text, lookup_);
  if (const auto* error = std::get_if<ExpansionError>(&expanded)) {
    add(node, std::string(what) + ": " + error->message);
    return std::nullopt;
  }
  return std::get<std::string>(std::move(expanded));
}

void ManifestDiagnostics::add_type_error(const toml::node& node, std::string_view what,
                                         std::string_view expected, bool secret) {
  add(node, std::string(what) + ": expected " + std::string(expected) + ", found " +
                describe_value(node, secret));
}

std::vector<ManifestError> ManifestDiagnostics::sorted_errors() const {
  std::vector<ManifestError> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& left, const auto& right) {
    return std::tie(left.location.line, left.location.column) <
           std::tie(right.location.line, right.location.column);
  });
  return sorted;
}

std::string describe_value(const toml::node& node, bool secret) {
  std::ostringstream text;
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      text << "string";
      if (!secret)
        text << " \"" << node.as_string()->get() << '"';
      return text.str();
    case toml::node_type::integer:
      text << "integer";
      if (!secret)
        text << ' ' << node.as_integer()->get();
      return text.str();
    case toml::node_type::floating_point:
      text << "float";
      if (!secret)
        text << ' ' << node.as_floating_point()->get();
      return text.str();
    case toml::node_type::boolean:
      text << "boolean";
      if (!secret)
        text << ' ' << (node.as_boolean()->get() ? "true" : "false");
      return text.str();
    default:
      return "a date or time";
  }
}

}  // namespace ytpipe::host
