#include "plugin_config.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <sstream>

#include "duration.hpp"
#include "suggestion.hpp"

namespace ytpipe::host {
namespace {

using Value = InstanceConfig::Value;

std::string expectation(ytpipe_config_type type) {
  switch (type) {
    case YTPIPE_CONFIG_STRING:
      return "a string";
    case YTPIPE_CONFIG_INTEGER:
      return "an integer";
    case YTPIPE_CONFIG_BOOLEAN:
      return "a boolean (true or false)";
    case YTPIPE_CONFIG_DURATION:
      return std::string(kDurationExpectation);
    case YTPIPE_CONFIG_STRING_LIST:
      return "a list of strings";
  }
  return "a value";
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (!text.empty() && start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    items.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    text += text.empty() ? item : "," + item;
  }
  return text;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) {
    text += text.empty() ? name : ", " + name;
  }
  return text;
}

// Fills `value` from text as a manifest would write it for `value.type`: a default, or a string
// that came from a ${VAR}. False when the text does not fit the type.
bool assign_from_text(Value& value, std::string text) {
  switch (value.type) {
    case YTPIPE_CONFIG_STRING:
      break;
    case YTPIPE_CONFIG_INTEGER: {
      const auto [end, error] =
          std::from_chars(text.data(), text.data() + text.size(), value.integer);
      if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return false;
      break;
    }
    case YTPIPE_CONFIG_BOOLEAN:
      if (text != "true" && text != "false")
        return false;
      value.integer = text == "true" ? 1 : 0;
      break;
    case YTPIPE_CONFIG_DURATION: {
      const std::optional<std::chrono::milliseconds> duration = parse_duration(text);
      if (!duration)
        return false;
      value.integer = duration->count();
      break;
    }
    case YTPIPE_CONFIG_STRING_LIST:
      value.items = split_list(text);
      break;
  }
  value.text = std::move(text);
  return true;
}

class ConfigReader {
 public:
  ConfigReader(const PluginLibrary& plugin, const SourceLocation& fallback, std::string_view owner,
               ManifestDiagnostics& diagnostics)
      : plugin_(plugin), fallback_(fallback), owner_(owner), diagnostics_(diagnostics) {}

  std::optional<Value> declared(const ytpipe_config_key& key, const toml::node* node) {
    Value value;
    value.key = key.name;
    value.type = key.type;
    value.secret = key.secret != 0;
    if (node == nullptr) {
      return from_default(key, std::move(value));
    }
    value.location = diagnostics_.locate(*node);
    const bool ok = key.type == YTPIPE_CONFIG_STRING_LIST ? assign_list(value, *node)
                                                          : assign_scalar(value, *node);
    return ok ? std::optional(std::move(value)) : std::nullopt;
  }

  std::optional<Value> extra(const std::string& key, const toml::node& node) {
    Value value;
    value.key = key;
    value.extra = true;
    value.secret = extra_key_looks_secret(key);
    value.location = diagnostics_.locate(node);
    if (node.is_string()) {
      std::optional<std::string> text = diagnostics_.expand_string(node, what(key));
      if (!text)
        return std::nullopt;
      value.text = std::move(*text);
    } else if (node.is_integer() || node.is_floating_point() || node.is_boolean()) {
      value.text = scalar_text(node);
    } else {
      // TOML reads an unquoted dotted key as nested tables; librdkafka-style names need quotes.
      std::string expected = "a string, number or boolean";
      if (const toml::table* nested = node.as_table(); nested && !nested->empty()) {
        const std::string dotted = key + "." + std::string(nested->begin()->first.str());
        expected += " (a dotted key needs quotes: \"" + dotted + "\" = ...)";
      }
      diagnostics_.add_type_error(node, what(key), expected, value.secret);
      return std::nullopt;
    }
    return value;
  }

  void unknown(const toml::key& key) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < plugin_.descriptor().config_key_count; ++i) {
      names.emplace_back(plugin_.descriptor().config_keys[i].name);
    }
    std::string hint = did_you_mean(key.str(), names);
    if (hint.empty()) {
      hint = names.empty() ? std::string("; it takes no config keys")
                           : "; accepted keys: " + join_names(names);
    }
    diagnostics_.add(diagnostics_.locate(key.source()), what(std::string(key.str())) +
                                                            ": unknown key for plugin \"" +
                                                            plugin_.name() + "\"" + hint);
  }

 private:
  std::string what(const std::string& key) const {
    return std::string(owner_) + ": config key \"" + key + "\"";
  }

  std::optional<Value> from_default(const ytpipe_config_key& key, Value value) {
    value.location = fallback_;
    if (key.default_value == nullptr) {
      if (key.required != 0) {
        diagnostics_.add(fallback_, what(key.name) + " is required (" +
                                        std::string(to_string(key.type)) + ": " +
                                        (key.doc ? key.doc : "") + ")");
      }
      return std::nullopt;
    }
    if (!assign_from_text(value, key.default_value)) {
      diagnostics_.add(fallback_, "plugin \"" + plugin_.name() + "\" declares a default for " +
                                      what(key.name) + " that is not " + expectation(key.type));
      return std::nullopt;
    }
    return value;
  }

  bool assign_scalar(Value& value, const toml::node& node) {
    const std::string label = what(value.key);
    if (const auto* text = node.as_string()) {
      std::optional<std::string> expanded = diagnostics_.expand(text->get(), node, label);
      if (!expanded)
        return false;
      // A literal string for a typed key is a type error; text from ${VAR} is parsed per type.
      const bool literal = text->get().find("${") == std::string::npos;
      const bool allowed =
          value.type == YTPIPE_CONFIG_STRING || value.type == YTPIPE_CONFIG_DURATION || !literal;
      if (allowed && assign_from_text(value, *expanded))
        return true;
      if (value.type == YTPIPE_CONFIG_DURATION || !literal) {
        const std::string found = value.secret ? "a string" : "\"" + *expanded + "\"";
        diagnostics_.add(node,
                         label + ": expected " + expectation(value.type) + ", found " + found);
        return false;
      }
    } else if (value.type == YTPIPE_CONFIG_INTEGER && node.is_integer()) {
      value.integer = node.as_integer()->get();
      value.text = std::to_string(value.integer);
      return true;
    } else if (value.type == YTPIPE_CONFIG_BOOLEAN && node.is_boolean()) {
      value.integer = node.as_boolean()->get() ? 1 : 0;
      value.text = value.integer != 0 ? "true" : "false";
      return true;
    }
    diagnostics_.add_type_error(node, label, expectation(value.type), value.secret);
    return false;
  }

  bool assign_list(Value& value, const toml::node& node) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      diagnostics_.add_type_error(node, what(value.key), expectation(value.type), value.secret);
      return false;
    }
    bool ok = true;
    for (const toml::node& element : *array) {
      std::optional<std::string> item =
          diagnostics_.expand_string(element, what(value.key) + " item", "a string");
      if (item) {
        value.items.push_back(std::move(*item));
      }
      ok = ok && item.has_value();
    }
    value.text = join_list(value.items);
    return ok;
  }

  static std::string scalar_text(const toml::node& node) {
    if (node.is_boolean())
      return node.as_boolean()->get() ? "true" : "false";
    if (node.is_integer())
      return std::to_string(node.as_integer()->get());
    std::ostringstream text;
    text << node.as_floating_point()->get();
    return text.str();
  }

  const PluginLibrary& plugin_;
  const SourceLocation& fallback_;
  std::string_view owner_;
  ManifestDiagnostics& diagnostics_;
};

// Undeclared keys in the order the manifest writes them (a TOML table is sorted by key).
std::vector<std::pair<const toml::key*, const toml::node*>> undeclared_in_order(
    const PluginLibrary& plugin, const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> found;
  for (const auto& [key, node] : table) {
    if (plugin.find_key(std::string(key.str())) == nullptr) {
      found.emplace_back(&key, &node);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& left, const auto& right) {
    const auto& a = left.first->source().begin;
    const auto& b = right.first->source().begin;
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return found;
}

}  // namespace

bool extra_key_looks_secret(std::string_view key) {
  return key.find("password") != std::string_view::npos ||
         key.find("secret") != std::string_view::npos;
}

InstanceConfig read_plugin_config(const PluginLibrary& plugin, const toml::table* table,
                                  const SourceLocation& fallback, std::string_view owner,
                                  ManifestDiagnostics& diagnostics) {
  ConfigReader reader(plugin, fallback, owner, diagnostics);
  std::vector<Value> values;
  const ytpipe_plugin_descriptor& descriptor = plugin.descriptor();

  for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
    const ytpipe_config_key& key = descriptor.config_keys[i];
    const toml::node* node = table != nullptr ? table->get(key.name) : nullptr;
    if (std::optional<Value> value = reader.declared(key, node)) {
      values.push_back(std::move(*value));
    }
  }

  const toml::table empty;
  for (const auto& [key, node] : undeclared_in_order(plugin, table ? *table : empty)) {
    if (descriptor.extra_keys_doc == nullptr) {
      reader.unknown(*key);
    } else if (std::optional<Value> value = reader.extra(std::string(key->str()), *node)) {
      values.push_back(std::move(*value));
    }
  }
  return InstanceConfig(std::move(values));
}

}  // namespace ytpipe::host
