// An instance's `config` table checked against the keys its plugin declares.
#pragma once

#include <toml++/toml.h>

#include <string_view>

#include "manifest_diagnostics.hpp"
#include "pipeline_spec.hpp"
#include "plugin_library.hpp"

namespace ytpipe::host {

// Builds the config `plugin` receives from `table` (nullptr when the manifest has none): declared
// keys in declaration order, each with its value or default (required ones must be set), then
// the extra keys in manifest order when the plugin accepts them. Types are checked; strings are
// ${VAR}-expanded first, so `port = "${PORT:-9092}"` works for an integer key. Errors name
// `owner` ("source \"watched\"") and go to `diagnostics`; a secret value is never quoted.
// `fallback` locates messages about keys the table does not contain.
InstanceConfig read_plugin_config(const PluginLibrary& plugin, const toml::table* table,
                                  const SourceLocation& fallback, std::string_view owner,
                                  ManifestDiagnostics& diagnostics);

// True for an extra key whose name says it holds a credential ("sasl.password",
// "oauth.client.secret"): such values are treated like a declared secret key's.
bool extra_key_looks_secret(std::string_view key);

}  // namespace ytpipe::host
