#include "manifest.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "duration.hpp"
#include "instance_validation.hpp"
#include "log.hpp"
#include "plugin_config.hpp"
#include "plugin_search.hpp"
#include "suggestion.hpp"

namespace ytpipe::host {
namespace {

const std::vector<std::string> kTopLevelKeys{"host", "source", "sink"};
const std::vector<std::string> kHostKeys{"plugin_dirs",      "log_level", "shutdown_timeout",
                                         "max_buffer_bytes", "data_dir",  "summary_interval"};
const std::vector<std::string> kSourceKeys{"name", "plugin", "config"};
const std::vector<std::string> kSinkKeys{"name", "plugin", "config", "inputs"};
const std::vector<std::string> kLogLevels{"error", "warn", "info", "debug"};

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string describe(ytpipe_plugin_kind kind, std::string_view name) {
  return std::string(to_string(kind)) + " " + in_quotes(name);
}

class ManifestReader {
 public:
  ManifestReader(std::filesystem::path manifest, const ManifestOptions& options)
      : manifest_(std::move(manifest)),
        diagnostics_(manifest_.string(), options.lookup),
        base_(manifest_.has_parent_path() ? manifest_.parent_path() : ".") {
    spec_.manifest = manifest_;
  }

  ManifestLoad read() {
    if (!parse()) {
      return {std::nullopt, diagnostics_.sorted_errors()};
    }

    check_keys(root_, kTopLevelKeys, "top-level key", "");

    read_host(root_.get("host"));

    search_.emplace(PluginSearch::standard(plugin_dirs_));

    read_instances(YTPIPE_KIND_SOURCE, "source", spec_.sources);

    read_instances(YTPIPE_KIND_SINK, "sink", spec_.sinks);

    resolve_inputs();

    apply_log_settings();

    validate_instances();

    if (diagnostics_.has_errors()) {
      return {std::nullopt, diagnostics_.sorted_errors()};
    }
    return {std::move(spec_), {}};
  }

 private:
  bool parse() {
    std::error_code error;
    if (!std::filesystem::is_regular_file(manifest_, error)) {
      diagnostics_.add({manifest_.string()}, "cannot read the manifest: no such file");
      return false;
    }
    try {
      root_ = toml::parse_file(manifest_.string());
    } catch (const toml::parse_error& failure) {
      diagnostics_.add(diagnostics_.locate(failure.source()),
                       "TOML syntax error: " + std::string(failure.description()));
      return false;
    }
    return true;
  }

  void check_keys(const toml::table& table, const std::vector<std::string>& allowed,
                  std::string_view kind_of_key, std::string_view owner) {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
        continue;
      }
      std::string hint = did_you_mean(name, allowed);
      if (hint.empty()) {
        hint = "; expected one of: " + join(allowed);
      }
      const std::string prefix = owner.empty() ? "" : std::string(owner) + ": ";
      diagnostics_.add(
          diagnostics_.locate(key.source()),
          prefix + "unknown " + std::string(kind_of_key) + " " + in_quotes(name) + hint);
    }
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) {
      text += (text.empty() ? "" : ", ") + name;
    }
    return text;
  }

  // [host]

  void read_host(const toml::node* node) {
    if (node == nullptr) {
      return;
    }
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      diagnostics_.add_type_error(*node, "host", "a [host] table");
      return;
    }
    check_keys(*table, kHostKeys, "key", "[host]");

    if (const toml::node* dirs = table->get("plugin_dirs"))
      read_plugin_dirs(*dirs);
    if (const toml::node* level = table->get("log_level"))
      read_log_level(*level);
    read_duration(table->get("shutdown_timeout"), "shutdown_timeout", spec_.host.shutdown_timeout);
    read_duration(table->get("summary_interval"), "summary_interval", spec_.host.summary_interval);
    if (const toml::node* bytes = table->get("max_buffer_bytes"))
      read_buffer_bytes(*bytes);
    if (const toml::node* data_dir = table->get("data_dir")) {
      if (auto text = diagnostics_.expand_string(*data_dir, "[host] data_dir")) {
        spec_.host.data_dir = *text;
      }
    }
  }

  void read_plugin_dirs(const toml::node& node) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      diagnostics_.add_type_error(node, "[host] plugin_dirs", "a list of folder names");
      return;
    }
    for (const toml::node& element : *array) {
      if (auto folder = diagnostics_.expand_string(element, "[host] plugin_dirs item")) {
        const std::filesystem::path path(*folder);
        plugin_dirs_.push_back(path.is_absolute() ? path : base_ / path);
      }
    }
  }

  void read_log_level(const toml::node& node) {
    const std::optional<std::string> text =
        diagnostics_.expand_string(node, "[host] log_level", "one of error, warn, info, debug");
    if (!text) {
      return;
    }
    if (std::optional<LogLevel> level = parse_log_level(*text)) {
      spec_.host.log_level = *level;
      return;
    }
    diagnostics_.add(node, "[host] log_level: expected one of error, warn, info, debug, found " +
                               in_quotes(*text) + did_you_mean(*text, kLogLevels));
  }

  void read_duration(const toml::node* node, std::string_view key,
                     std::chrono::milliseconds& target) {
    if (node == nullptr) {
      return;
    }
    const std::string what = "[host] " + std::string(key);
    const std::optional<std::string> text =
        diagnostics_.expand_string(*node, what, kDurationExpectation);
    if (!text) {
      return;
    }
    if (std::optional<std::chrono::milliseconds> duration = parse_duration(*text)) {
      target = *duration;
      return;
    }
    diagnostics_.add(*node, what + ": expected " + std::string(kDurationExpectation) + ", found " +
                                in_quotes(*text));
  }

  void read_buffer_bytes(const toml::node& node) {
    const auto* integer = node.as_integer();
    if (integer == nullptr || integer->get() <= 0) {
      diagnostics_.add_type_error(node, "[host] max_buffer_bytes", "a positive integer");
      return;
    }
    spec_.host.max_buffer_bytes = static_cast<std::uint64_t>(integer->get());
  }

  // [[source]] and [[sink]]

  void read_instances(ytpipe_plugin_kind kind, std::string_view key,
                      std::vector<InstanceSpec>& into) {
    const toml::node* node = root_.get(key);
    if (node == nullptr) {
      return;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      diagnostics_.add_type_error(*node, std::string(key),
                                  "[[" + std::string(key) + "]] tables (an array of tables)");
      return;
    }
    for (const toml::node& element : *array) {
      if (std::optional<InstanceSpec> instance = read_instance(kind, *element.as_table())) {
        into.push_back(std::move(*instance));
      }
    }
  }

  std::optional<InstanceSpec> read_instance(ytpipe_plugin_kind kind, const toml::table& table) {
    InstanceSpec instance;
    instance.location = diagnostics_.locate(table);
    const std::string kind_name(to_string(kind));
    const std::string section = "[[" + kind_name + "]]";
    check_keys(table, kind == YTPIPE_KIND_SINK ? kSinkKeys : kSourceKeys, "key", section);

    const std::optional<std::string> name = read_name(table, section);
    const std::string owner = name ? describe(kind, *name) : section;
    if (name && kind == YTPIPE_KIND_SOURCE) {
      declared_sources_.push_back(*name);
    }

    const toml::node* plugin_node = table.get("plugin");
    if (plugin_node == nullptr) {
      diagnostics_.add(instance.location, owner +
                                              ": missing required key \"plugin\" "
                                              "(a plugin name or a path to a .so file)");
    } else {
      instance.plugin = find_plugin(kind, owner, *plugin_node);
    }

    const toml::node* config = table.get("config");
    if (config != nullptr && !config->is_table()) {
      diagnostics_.add_type_error(*config, owner + ": config",
                                  "a [" + kind_name + ".config] table");
    }
    if (kind == YTPIPE_KIND_SINK) {
      read_inputs(table.get("inputs"), owner, name);
    }
    if (!name || !instance.plugin) {
      return std::nullopt;
    }

    instance.name = *name;
    read_config(instance, config ? config->as_table() : nullptr, owner);
    return instance;
  }

  std::optional<std::string> read_name(const toml::table& table, const std::string& section) {
    const toml::node* node = table.get("name");
    if (node == nullptr) {
      diagnostics_.add(diagnostics_.locate(table),
                       section + ": missing required key \"name\" (a unique instance name)");
      return std::nullopt;
    }
    std::optional<std::string> name = diagnostics_.expand_string(*node, section + " name");
    if (!name) {
      return std::nullopt;
    }
    if (name->empty()) {
      diagnostics_.add(*node, section + " name: expected a non-empty string");
      return std::nullopt;
    }

    const SourceLocation here = diagnostics_.locate(*node);
    const auto [first, inserted] = names_.emplace(*name, here);
    if (!inserted) {
      diagnostics_.add(here, section + ": duplicate instance name " + in_quotes(*name) +
                                 " (first used at line " + std::to_string(first->second.line) +
                                 "); names must be unique across sources and sinks");
      return std::nullopt;
    }
    return name;
  }

  std::shared_ptr<const PluginLibrary> find_plugin(ytpipe_plugin_kind kind,
                                                   const std::string& owner,
                                                   const toml::node& node) {
    const std::optional<std::string> plugin = diagnostics_.expand_string(
        node, owner + ": plugin", "a plugin name or a path to a .so file");
    if (!plugin) {
      return nullptr;
    }

    const std::optional<std::filesystem::path> file = search_->resolve(*plugin, base_);
    if (!file) {
      diagnostics_.add(node, owner + ": no plugin named " + in_quotes(*plugin) + " (looked for " +
                                 plugin_file_name(*plugin) + " in " + searched_folders() + ")" +
                                 did_you_mean(*plugin, search_->all_names()));
      return nullptr;
    }

    std::shared_ptr<const PluginLibrary> library = load_cached(*file, owner, node);
    if (!library) {
      return nullptr;
    }
    if (!names_a_path(*plugin) && library->name() != *plugin) {
      diagnostics_.add(node, owner + ": " + file->string() + " holds plugin " +
                                 in_quotes(library->name()) + ", not " + in_quotes(*plugin));
      return nullptr;
    }
    if (library->kind() != kind) {
      diagnostics_.add(node, owner + ": plugin " + in_quotes(library->name()) + " (" +
                                 file->string() + ") is a " +
                                 std::string(to_string(library->kind())) + " plugin, not a " +
                                 std::string(to_string(kind)) + " plugin");
      return nullptr;
    }
    return library;
  }

  std::shared_ptr<const PluginLibrary> load_cached(const std::filesystem::path& file,
                                                   const std::string& owner,
                                                   const toml::node& node) {
    std::error_code error;
    const std::filesystem::path key = std::filesystem::weakly_canonical(file, error);
    if (auto found = loaded_.find(key); found != loaded_.end()) {
      return found->second;
    }
    try {
      std::shared_ptr<const PluginLibrary> library = PluginLibrary::load(file);
      loaded_.emplace(key, library);
      return library;
    } catch (const PluginLoadError& failure) {
      diagnostics_.add(node, owner + ": " + failure.what());
      return nullptr;
    }
  }

  std::string searched_folders() const {
    std::vector<std::string> folders;
    for (const std::filesystem::path& folder : search_->folders()) {
      folders.push_back(folder.string());
    }
    return folders.empty() ? "no folder" : join(folders);
  }

  void read_config(InstanceSpec& instance, const toml::table* table, const std::string& owner) {
    const std::size_t errors_before = diagnostics_.error_count();
    const SourceLocation fallback = table ? diagnostics_.locate(*table) : instance.location;
    instance.config = read_plugin_config(*instance.plugin, table, fallback, owner, diagnostics_);
    if (diagnostics_.error_count() == errors_before) {
      configured_.insert(instance.name);
    }
  }

  // inputs

  void read_inputs(const toml::node* node, const std::string& owner,
                   const std::optional<std::string>& sink) {
    if (node == nullptr) {
      return;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || array->empty()) {
      diagnostics_.add_type_error(*node, owner + ": inputs", "a non-empty list of source names");
      return;
    }
    for (const toml::node& element : *array) {
      pending_inputs_.push_back({sink, owner, &element});
    }
  }

  // Runs after every source is known: an `inputs` entry may name a source defined later. A
  // source whose plugin failed to load is still a valid input; its own error is reported.
  void resolve_inputs() {
    std::vector<std::string> sources;
    for (const InstanceSpec& source : spec_.sources) {
      sources.push_back(source.name);
    }
    for (InstanceSpec& sink : spec_.sinks) {
      sink.inputs = sources;
    }

    std::map<std::string, std::vector<std::string>> chosen;
    for (const PendingInput& input : pending_inputs_) {
      const std::optional<std::string> name =
          diagnostics_.expand_string(*input.node, input.owner + ": inputs item");
      if (!name) {
        continue;
      }
      if (std::find(declared_sources_.begin(), declared_sources_.end(), *name) ==
          declared_sources_.end()) {
        diagnostics_.add(*input.node, input.owner + ": inputs names " + in_quotes(*name) +
                                          ", which is not a [[source]]" +
                                          did_you_mean(*name, declared_sources_));
        continue;
      }
      if (input.sink) {
        chosen[*input.sink].push_back(*name);
      }
    }
    for (InstanceSpec& sink : spec_.sinks) {
      if (auto found = chosen.find(sink.name); found != chosen.end()) {
        sink.inputs = std::move(found->second);
      }
    }
  }

  // plugin code

  void apply_log_settings() {
    Log::set_level(spec_.host.log_level);
    register_secrets(spec_);
  }

  void validate_instances() {
    for (const auto* instances : {&spec_.sources, &spec_.sinks}) {
      for (const InstanceSpec& instance : *instances) {
        if (!configured_.contains(instance.name)) {
          continue;
        }
        const std::string kind(to_string(instance.plugin->kind()));
        const std::optional<ValidationFailure> failure =
            validate_instance(instance, kind + " " + instance.name, spec_.host.data_dir);
        if (failure) {
          diagnostics_.add(failure->location, describe(instance.plugin->kind(), instance.name) +
                                                  ": " + failure->message);
        }
      }
    }
  }

  struct PendingInput {
    std::optional<std::string> sink;  // unset when the sink has no usable name
    std::string owner;
    const toml::node* node;
  };

  std::filesystem::path manifest_;
  ManifestDiagnostics diagnostics_;
  std::filesystem::path base_;
  toml::table root_;
  PipelineSpec spec_;
  std::vector<std::filesystem::path> plugin_dirs_;
  std::optional<PluginSearch> search_;
  std::map<std::string, SourceLocation> names_;
  std::vector<std::string> declared_sources_;
  std::map<std::filesystem::path, std::shared_ptr<const PluginLibrary>> loaded_;
  std::set<std::string> configured_;
  std::vector<PendingInput> pending_inputs_;
};

}  // namespace

ManifestLoad load_pipeline(const std::filesystem::path& manifest, const ManifestOptions& options) {
  return ManifestReader(manifest, options).read();
}

void register_secrets(const PipelineSpec& spec) {
  for (const auto* instances : {&spec.sources, &spec.sinks}) {
    for (const InstanceSpec& instance : *instances) {
      for (const InstanceConfig::Value& value : instance.config.values()) {
        if (value.secret) {
          Log::add_secret(value.text);
        }
      }
    }
  }
}

}  // namespace ytpipe::host
