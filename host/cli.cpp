#include "cli.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "duration.hpp"
#include "exit_codes.hpp"
#include "log.hpp"
#include "manifest.hpp"
#include "plugin_search.hpp"
#include "plugin_trust.hpp"

namespace ytpipe::host {
namespace {

using Arguments = std::vector<std::string>;

constexpr std::string_view kAllowUntrusted = "--allow-untrusted-plugins";

CommandLine command_line(CommandLine::Command command) {
  CommandLine line;
  line.command = command;
  return line;
}

UsageError unexpected(const std::string& command, const std::string& argument) {
  return {"ytpipe " + command + ": unexpected argument \"" + argument + "\""};
}

std::variant<CommandLine, UsageError> parse_manifest_command(CommandLine::Command command,
                                                             const std::string& name,
                                                             const Arguments& rest) {
  CommandLine line = command_line(command);
  bool have_manifest = false;
  for (const std::string& argument : rest) {
    if (argument == "--once" && command == CommandLine::Command::Run) {
      line.once = true;
    } else if (argument == kAllowUntrusted) {
      line.allow_untrusted_plugins = true;
    } else if (argument.starts_with("-") || have_manifest) {
      return unexpected(name, argument);
    } else {
      line.manifest = argument;
      have_manifest = true;
    }
  }
  if (!have_manifest) {
    return UsageError{"ytpipe " + name + ": missing MANIFEST"};
  }
  return line;
}

std::variant<CommandLine, UsageError> parse_plugins_command(const Arguments& rest) {
  CommandLine line = command_line(CommandLine::Command::Plugins);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "--plugin-dir" && i + 1 < rest.size()) {
      line.plugin_dir = rest[++i];
    } else if (rest[i] == "--plugin-dir") {
      return UsageError{"ytpipe plugins: --plugin-dir needs a folder"};
    } else if (rest[i].starts_with("--plugin-dir=")) {
      line.plugin_dir = rest[i].substr(std::string_view("--plugin-dir=").size());
    } else if (rest[i] == kAllowUntrusted) {
      line.allow_untrusted_plugins = true;
    } else {
      return unexpected("plugins", rest[i]);
    }
  }
  return line;
}

std::string value_text(const InstanceConfig::Value& value) {
  if (value.secret) {
    return "***";
  }
  if (value.type != YTPIPE_CONFIG_STRING_LIST) {
    return value.text;
  }
  std::string text = "[";
  for (const std::string& item : value.items) {
    text += (text.size() > 1 ? ", " : "") + item;
  }
  return text + "]";
}

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += (text.empty() ? "" : ", ") + name;
  }
  return text;
}

void describe_instance(const InstanceSpec& instance, std::ostream& out) {
  const ytpipe_plugin_descriptor& plugin = instance.plugin->descriptor();
  out << to_string(plugin.kind) << " \"" << instance.name << "\": plugin " << plugin.name << ' '
      << plugin.version << " (" << instance.plugin->path().string() << ")\n";
  if (plugin.kind == YTPIPE_KIND_SINK) {
    out << "  inputs: " << join(instance.inputs) << '\n';
  }
  for (const InstanceConfig::Value& value : instance.config.values()) {
    out << "  " << value.key << " = " << value_text(value) << (value.extra ? "  (extra)" : "")
        << '\n';
  }
}

std::string key_setting(const ytpipe_config_key& key) {
  std::string setting = key.required != 0 ? "required" : "optional";
  if (key.default_value != nullptr && key.secret == 0) {
    setting = std::string("default ") + key.default_value;
  }
  return key.secret != 0 ? setting + ", secret" : setting;
}

void write_key_table(const ytpipe_plugin_descriptor& plugin, std::ostream& out) {
  std::vector<std::vector<std::string>> rows{{"key", "type", "setting", "doc"}};
  for (std::size_t i = 0; i < plugin.config_key_count; ++i) {
    const ytpipe_config_key& key = plugin.config_keys[i];
    rows.push_back({key.name, std::string(to_string(key.type)), key_setting(key),
                    key.doc != nullptr ? key.doc : ""});
  }

  std::vector<std::size_t> widths(3, 0);
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < widths.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) {
    out << "  ";
    for (std::size_t column = 0; column < widths.size(); ++column) {
      out << row[column] << std::string(widths[column] - row[column].size() + 2, ' ');
    }
    out << row[3] << '\n';
  }
}

}  // namespace

std::variant<CommandLine, UsageError> parse_command_line(const Arguments& arguments) {
  if (arguments.empty()) {
    return UsageError{"ytpipe: missing command"};
  }
  const std::string& command = arguments.front();
  const Arguments rest(arguments.begin() + 1, arguments.end());
  const bool wants_help =
      std::find(arguments.begin(), arguments.end(), "--help") != arguments.end();
  if (wants_help && (command == "run" || command == "check" || command == "plugins")) {
    return command_line(CommandLine::Command::Help);
  }

  if ((command == "--help" || command == "-h" || command == "help") && rest.empty()) {
    return command_line(CommandLine::Command::Help);
  }
  if (command == "--version" && rest.empty()) {
    return command_line(CommandLine::Command::Version);
  }
  if (command == "run")
    return parse_manifest_command(CommandLine::Command::Run, command, rest);
  if (command == "check") {
    return parse_manifest_command(CommandLine::Command::Check, command, rest);
  }
  if (command == "plugins")
    return parse_plugins_command(rest);
  return UsageError{"ytpipe: unknown command \"" + command + "\""};
}

std::string usage_text() {
  return "usage:\n"
         "  ytpipe run MANIFEST [--once]        run the pipeline; --once: one cycle per source,\n"
         "                                      then drain and exit\n"
         "  ytpipe check MANIFEST               validate the manifest and every plugin config,\n"
         "                                      load every plugin, print a summary; run nothing\n"
         "  ytpipe plugins [--plugin-dir DIR]   list the plugins found and their config keys\n"
         "  ytpipe --help | --version\n"
         "\n"
         "run, check and plugins refuse a plugin file that other users could change (the file or\n"
         "a folder above it writable by group or others, or owned by another user);\n"
         "--allow-untrusted-plugins loads it anyway with a warning, for development only\n"
         "\n"
         "exit codes: 0 success, 1 runtime failure, 64 bad usage, 75 records left undelivered,\n"
         "78 configuration error\n";
}

std::string version_text() {
  return std::string("ytpipe ") + YTPIPE_VERSION + " (plugin ABI " +
         std::to_string(YTPIPE_ABI_VERSION) + ")\n";
}

std::optional<PipelineSpec> load_for_command(const std::filesystem::path& manifest,
                                             std::ostream& err) {
  ManifestLoad load = load_pipeline(manifest);
  for (const ManifestError& error : load.errors) {
    err << Log::redact(error.to_string()) << '\n';
  }
  return std::move(load.spec);
}

int check_command(const std::filesystem::path& manifest, std::ostream& out, std::ostream& err) {
  const std::optional<PipelineSpec> spec = load_for_command(manifest, err);
  if (!spec) {
    return kExitConfiguration;
  }
  out << describe_pipeline(*spec);
  return kExitSuccess;
}

int plugins_command(const std::optional<std::filesystem::path>& first_folder, std::ostream& out) {
  std::vector<std::filesystem::path> first;
  if (first_folder) {
    first.push_back(*first_folder);
  }
  const PluginSearch search = PluginSearch::standard(first);

  std::vector<std::string> folders;
  for (const std::filesystem::path& folder : search.folders()) {
    folders.push_back(folder.string());
  }
  out << "plugin folders searched: " << join(folders) << "\n";

  const std::vector<std::filesystem::path> files = search.all_files();
  if (files.empty()) {
    out << "\nno plugins found\n";
  }
  for (const std::filesystem::path& file : files) {
    out << '\n';
    try {
      out << describe_plugin(*PluginLibrary::load(file));
    } catch (const UntrustedPluginError& error) {
      out << "(untrusted, not loaded) " << error.what() << '\n';
    } catch (const PluginLoadError& error) {
      out << "(not loadable) " << error.what() << '\n';
    }
  }
  return kExitSuccess;
}

std::string describe_pipeline(const PipelineSpec& spec) {
  std::ostringstream out;
  out << spec.manifest.string() << ": valid; " << spec.sources.size() << " source(s), "
      << spec.sinks.size() << " sink(s)\n";
  out << "host: log_level " << to_string(spec.host.log_level) << ", shutdown_timeout "
      << format_duration(spec.host.shutdown_timeout) << ", max_buffer_bytes "
      << spec.host.max_buffer_bytes << ", data_dir " << spec.host.data_dir.string()
      << ", summary_interval " << format_duration(spec.host.summary_interval) << "\n";
  for (const auto* instances : {&spec.sources, &spec.sinks}) {
    for (const InstanceSpec& instance : *instances) {
      describe_instance(instance, out);
    }
  }
  return out.str();
}

std::string describe_plugin(const PluginLibrary& plugin) {
  const ytpipe_plugin_descriptor& descriptor = plugin.descriptor();
  std::ostringstream out;
  out << descriptor.name << ' ' << descriptor.version << " (" << to_string(descriptor.kind) << ")  "
      << plugin.path().string() << '\n';
  if (descriptor.description != nullptr && *descriptor.description != '\0') {
    out << "  " << descriptor.description << '\n';
  }
  if (descriptor.config_key_count > 0) {
    write_key_table(descriptor, out);
  } else {
    out << "  (no config keys)\n";
  }
  if (descriptor.extra_keys_doc != nullptr) {
    out << "  other keys: " << descriptor.extra_keys_doc << '\n';
  }
  return out.str();
}

}  // namespace ytpipe::host
