// The C++ layer plugin authors write against. Header-only: it compiles into the plugin, fills
// the C structures of <ytpipe/plugin.h> and keeps every exception on the plugin's side of the
// boundary.
//
// A plugin is one class deriving from ytpipe::Source or ytpipe::Sink, constructed from a
// `const ytpipe::Context&`, plus one line that exports it:
//
//   const ytpipe::ConfigKey kKeys[] = {
//       {.name = "greeting", .type = ytpipe::ConfigType::String, .default_value = "hello",
//        .doc = "text of every record"},
//   };
//   const ytpipe::PluginInfo kInfo{.name = "hello", .version = "1.0.0",
//                                  .description = "says hello once", .config = kKeys};
//   YTPIPE_PLUGIN(HelloSource, kInfo)
//
// Errors: throw ytpipe::ConfigError to blame a config key (the host points at it in the
// manifest), ytpipe::FatalError for trouble retrying cannot fix (the pipeline stops), and any
// other std::exception for trouble that recreating the instance after a backoff may fix.
//
// Threading: the host calls a source's run_cycle() from one thread, and a sink's write(),
// poll() and flush() from one thread. Context's functions may be called from any thread.
#pragma once

#include <ytpipe/plugin.h>

#include <boost/dll/alias.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iterator>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ytpipe {

enum class ConfigType {
  String = YTPIPE_CONFIG_STRING,
  Integer = YTPIPE_CONFIG_INTEGER,
  Boolean = YTPIPE_CONFIG_BOOLEAN,
  Duration = YTPIPE_CONFIG_DURATION,
  StringList = YTPIPE_CONFIG_STRING_LIST,
};

// One config key a plugin declares; the host validates the manifest against these.
struct ConfigKey {
  const char* name = "";
  ConfigType type = ConfigType::String;
  bool required = false;
  const char* default_value = nullptr;  // as written in a manifest, e.g. "60s"
  const char* doc = "";
  bool secret = false;  // never printed by the host
};

struct PluginInfo {
  const char* name = "";
  const char* version = "";
  const char* description = "";
  std::span<const ConfigKey> config = {};
  // Non-null: undeclared keys are accepted and handed over as text (see Config::extras()).
  const char* extra_keys_doc = nullptr;
};

// Blames one config key; the host reports it at the key's place in the manifest.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}

  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// Trouble that retrying cannot fix: the host stops the pipeline with this message.
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The instance's validated config: declared keys with their value or default, then extras.
class Config {
 public:
  explicit Config(std::span<const ytpipe_config_entry> entries) : entries_(entries) {}

  bool has(std::string_view key) const { return find(key) != nullptr; }

  std::string string(std::string_view key) const { return require(key).text; }

  std::string string_or(std::string_view key, std::string fallback) const {
    const ytpipe_config_entry* entry = find(key);
    return entry ? std::string(entry->text) : std::move(fallback);
  }

  std::int64_t integer(std::string_view key) const { return require(key).integer; }

  bool boolean(std::string_view key) const { return require(key).integer != 0; }

  std::chrono::milliseconds duration(std::string_view key) const {
    return std::chrono::milliseconds(require(key).integer);
  }

  // The items of a list; empty when the key has no value.
  std::vector<std::string> strings(std::string_view key) const {
    const ytpipe_config_entry* entry = find(key);
    if (entry == nullptr) {
      return {};
    }
    return {entry->items, entry->items + entry->item_count};
  }

  // Undeclared keys, in manifest order, for plugins whose PluginInfo::extra_keys_doc is set.
  std::vector<std::pair<std::string, std::string>> extras() const {
    std::vector<std::pair<std::string, std::string>> found;
    for (const ytpipe_config_entry& entry : entries_) {
      if (entry.extra != 0) {
        found.emplace_back(entry.key, entry.text);
      }
    }
    return found;
  }

 private:
  const ytpipe_config_entry* find(std::string_view key) const {
    for (const ytpipe_config_entry& entry : entries_) {
      if (key == entry.key) {
        return &entry;
      }
    }
    return nullptr;
  }

  const ytpipe_config_entry& require(std::string_view key) const {
    const ytpipe_config_entry* entry = find(key);
    if (entry == nullptr) {
      throw ConfigError(std::string(key), "required key \"" + std::string(key) + "\" is missing");
    }
    return *entry;
  }

  std::span<const ytpipe_config_entry> entries_;
};

// Writes one line per call through the host's logger, which adds time, level and instance.
// Arguments are streamed, so `log.info("read ", n, " videos in ", ms, " ms")` works.
class Logger {
 public:
  explicit Logger(const ytpipe_context* raw) : raw_(raw) {}

  bool enabled(ytpipe_log_level level) const { return raw_->log_enabled(raw_->host, level) != 0; }

  template <typename... Parts>
  void error(const Parts&... parts) const {
    write(YTPIPE_LOG_ERROR, parts...);
  }

  template <typename... Parts>
  void warn(const Parts&... parts) const {
    write(YTPIPE_LOG_WARN, parts...);
  }

  template <typename... Parts>
  void info(const Parts&... parts) const {
    write(YTPIPE_LOG_INFO, parts...);
  }

  template <typename... Parts>
  void debug(const Parts&... parts) const {
    write(YTPIPE_LOG_DEBUG, parts...);
  }

 private:
  template <typename... Parts>
  void write(ytpipe_log_level level, const Parts&... parts) const {
    if (!enabled(level)) {
      return;
    }
    std::ostringstream line;
    (line << ... << parts);
    raw_->log(raw_->host, level, line.str().c_str());
  }

  const ytpipe_context* raw_;
};

// What the host gives an instance; outlives the instance.
class Context {
 public:
  explicit Context(const ytpipe_context* raw)
      : raw_(raw), config_({raw->config, raw->config_count}), log_(raw) {}

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  std::string_view name() const { return raw_->instance_name; }
  const Config& config() const { return config_; }
  const Logger& log() const { return log_; }
  std::string data_dir() const { return raw_->data_dir; }
  bool once() const { return raw_->once != 0; }
  bool stop_requested() const { return raw_->stop_requested(raw_->host) != 0; }

  // Sleeps for `delay`; returns false early when the host asks the pipeline to stop.
  bool wait(std::chrono::milliseconds delay) const {
    return raw_->wait(raw_->host, delay.count()) == 0;
  }

  void set_metric(const std::string& name, std::int64_t value) const {
    raw_->set_metric(raw_->host, name.c_str(), value);
  }

  // Sinks: every accepted record's outcome, exactly once, by the id it came with.
  void delivered(std::span<const std::uint64_t> ids) const {
    raw_->report(raw_->host, ids.data(), ids.size(), YTPIPE_DELIVERED, nullptr);
  }

  void delivered(std::uint64_t id) const { delivered(std::span(&id, 1)); }

  void failed(std::uint64_t id, const std::string& reason) const {
    raw_->report(raw_->host, &id, 1, YTPIPE_FAILED, reason.c_str());
  }

  const ytpipe_context& raw() const { return *raw_; }

 private:
  const ytpipe_context* raw_;
  Config config_;
  Logger log_;
};

struct Header {
  std::string_view key = {};
  std::string_view value = {};
};

// A record a source emits; the host copies it, so the views need only outlive emit().
struct Record {
  std::string_view key = {};
  std::string_view value = {};
  std::int64_t timestamp_ms = 0;
  std::span<const Header> headers = {};
};

// A record a sink receives. The view is valid only during write(); the bytes of its key, value
// and headers until the record's outcome is reported or the instance is destroyed.
class RecordView {
 public:
  explicit RecordView(const ytpipe_record& raw) : raw_(&raw) {}

  std::uint64_t id() const { return raw_->id; }
  std::string_view key() const { return {raw_->key, raw_->key_size}; }
  std::string_view value() const { return {raw_->value, raw_->value_size}; }
  std::int64_t timestamp_ms() const { return raw_->timestamp_ms; }
  std::size_t header_count() const { return raw_->header_count; }

  Header header(std::size_t index) const {
    const ytpipe_header& header = raw_->headers[index];
    return {{header.key, header.key_size}, {header.value, header.value_size}};
  }

  const ytpipe_record& raw() const { return *raw_; }

 private:
  const ytpipe_record* raw_;
};

// The records of one write() call.
class RecordBatch {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RecordView;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = RecordView;

    explicit Iterator(const ytpipe_record* at) : at_(at) {}
    RecordView operator*() const { return RecordView(*at_); }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const Iterator&) const = default;

   private:
    const ytpipe_record* at_;
  };

  explicit RecordBatch(std::span<const ytpipe_record> records) : records_(records) {}

  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  RecordView operator[](std::size_t index) const { return RecordView(records_[index]); }
  Iterator begin() const { return Iterator(records_.data()); }
  Iterator end() const { return Iterator(records_.data() + records_.size()); }
  std::span<const ytpipe_record> raw() const { return records_; }

 private:
  std::span<const ytpipe_record> records_;
};

// What a source asks the host for after a cycle.
class NextCycle {
 public:
  static NextCycle after(std::chrono::milliseconds delay) { return NextCycle(delay.count()); }
  static NextCycle never() { return NextCycle(-1); }

  bool finished() const { return delay_ms_ < 0; }
  std::int64_t delay_ms() const { return delay_ms_; }

 private:
  explicit NextCycle(std::int64_t delay_ms) : delay_ms_(delay_ms) {}

  std::int64_t delay_ms_;
};

// Hands a source's records to the host.
class Emitter {
 public:
  explicit Emitter(const ytpipe_context* raw) : raw_(raw) {}

  // Blocks while the host's buffer is full. Returns false when the host is stopping: the records
  // were not taken and run_cycle() should return.
  bool emit(std::span<const Record> records) {
    converted_.clear();
    headers_.clear();
    for (const Record& record : records) {
      for (const Header& header : record.headers) {
        headers_.push_back(
            {header.key.data(), header.key.size(), header.value.data(), header.value.size()});
      }
    }
    std::size_t next_header = 0;
    for (const Record& record : records) {
      converted_.push_back({record.key.data(), record.key.size(), record.value.data(),
                            record.value.size(), record.timestamp_ms, headers_.data() + next_header,
                            record.headers.size(), 0});
      next_header += record.headers.size();
    }
    return raw_->emit(raw_->host, converted_.data(), converted_.size()) == YTPIPE_OK;
  }

  bool emit(const Record& record) { return emit(std::span(&record, 1)); }

 private:
  const ytpipe_context* raw_;
  std::vector<ytpipe_record> converted_;
  std::vector<ytpipe_header> headers_;
};

class Source {
 public:
  virtual ~Source() = default;

  // One cycle (for the YouTube source, one refresh). Returns when the next one is due.
  virtual NextCycle run_cycle(Emitter& out) = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;

  // Takes records for delivery and returns how many of the first ones it accepted; the host
  // offers the rest again after poll(). Each accepted record's outcome is reported exactly once
  // through Context::delivered() or Context::failed().
  virtual std::size_t write(const RecordBatch& records) = 0;

  // Serves pending work such as delivery reports.
  virtual void poll() {}

  // Waits up to `timeout` until every accepted record has been reported.
  virtual void flush(std::chrono::milliseconds timeout) { (void)timeout; }
};

// A sink whose write_durably() has made the records durable when it returns: the SDK then
// reports all of them delivered. If it throws, none is reported and the host offers them again.
class BlockingSink : public Sink {
 public:
  explicit BlockingSink(const Context& context) : context_(context) {}

 protected:
  virtual void write_durably(const RecordBatch& records) = 0;

 public:
  // Public because the export layer calls it on the derived plugin class.
  std::size_t write(const RecordBatch& records) final {
    write_durably(records);
    ids_.clear();
    for (const ytpipe_record& record : records.raw()) {
      ids_.push_back(record.id);
    }
    context_.delivered(ids_);
    return records.size();
  }

 private:
  const Context& context_;
  std::vector<std::uint64_t> ids_;
};

namespace detail {

inline void fill_error(ytpipe_error* error, const char* message, const std::string& key = {}) {
  std::snprintf(error->message, sizeof error->message, "%s", message);
  std::snprintf(error->config_key, sizeof error->config_key, "%s", key.c_str());
}

// Runs plugin code and turns whatever it throws into a status and a message.
template <typename Body>
ytpipe_status guarded(ytpipe_error* error, Body&& body) noexcept {
  try {
    return body();
  } catch (const ConfigError& e) {
    fill_error(error, e.what(), e.key());
    return YTPIPE_FATAL;
  } catch (const FatalError& e) {
    fill_error(error, e.what());
    return YTPIPE_FATAL;
  } catch (const std::exception& e) {
    fill_error(error, e.what());
    return YTPIPE_ERROR;
  } catch (...) {
    fill_error(error, "the plugin threw something that is not a std::exception");
    return YTPIPE_ERROR;
  }
}

// The context is declared first so that it outlives the plugin object that refers to it.
template <typename Plugin>
struct Instance {
  explicit Instance(const ytpipe_context* raw) : context(raw), emitter(raw), plugin(context) {}

  Context context;
  Emitter emitter;
  Plugin plugin;
};

template <typename Plugin>
ytpipe_status validate(const ytpipe_context* raw, ytpipe_error* error) {
  return guarded(error, [&] {
    if constexpr (requires(const Context& context) { Plugin::validate(context); }) {
      Context context(raw);
      Plugin::validate(context);
    }
    return YTPIPE_OK;
  });
}

template <typename Plugin>
ytpipe_status create(const ytpipe_context* raw, void** instance, ytpipe_error* error) {
  return guarded(error, [&] {
    *instance = new Instance<Plugin>(raw);
    return YTPIPE_OK;
  });
}

template <typename Plugin>
void destroy(void* instance) {
  try {
    delete static_cast<Instance<Plugin>*>(instance);
  } catch (...) {
    // A destructor that throws has nowhere to report to; the host carries on.
  }
}

template <typename Plugin>
ytpipe_status run_cycle(void* opaque, std::int64_t* next_cycle_ms, ytpipe_error* error) {
  auto* instance = static_cast<Instance<Plugin>*>(opaque);
  return guarded(error, [&] {
    const NextCycle next = instance->plugin.run_cycle(instance->emitter);
    if (instance->context.stop_requested()) {
      return YTPIPE_STOPPED;
    }
    *next_cycle_ms = next.delay_ms();
    return next.finished() ? YTPIPE_END : YTPIPE_OK;
  });
}

template <typename Plugin>
ytpipe_status write(void* opaque, const ytpipe_record* records, std::size_t count,
                    std::size_t* accepted, ytpipe_error* error) {
  auto* instance = static_cast<Instance<Plugin>*>(opaque);
  return guarded(error, [&] {
    *accepted = instance->plugin.write(RecordBatch({records, count}));
    return YTPIPE_OK;
  });
}

template <typename Plugin>
ytpipe_status poll(void* opaque, ytpipe_error* error) {
  auto* instance = static_cast<Instance<Plugin>*>(opaque);
  return guarded(error, [&] {
    instance->plugin.poll();
    return YTPIPE_OK;
  });
}

template <typename Plugin>
ytpipe_status flush(void* opaque, std::int64_t timeout_ms, ytpipe_error* error) {
  auto* instance = static_cast<Instance<Plugin>*>(opaque);
  return guarded(error, [&] {
    instance->plugin.flush(std::chrono::milliseconds(timeout_ms));
    return YTPIPE_OK;
  });
}

// Owns the C descriptor and the storage its pointers refer to, for as long as the library is
// loaded.
template <typename Plugin>
class Descriptor {
 public:
  static_assert(std::is_base_of_v<Source, Plugin> || std::is_base_of_v<Sink, Plugin>,
                "a plugin class derives from ytpipe::Source or ytpipe::Sink");
  static_assert(std::is_constructible_v<Plugin, const Context&>,
                "a plugin class is constructible from const ytpipe::Context&");

  explicit Descriptor(const PluginInfo& info) {
    for (const ConfigKey& key : info.config) {
      keys_.push_back({key.name, static_cast<ytpipe_config_type>(key.type), key.required ? 1 : 0,
                       key.default_value, key.doc, key.secret ? 1 : 0});
    }
    raw_.abi_version = YTPIPE_ABI_VERSION;
    raw_.descriptor_size = sizeof(ytpipe_plugin_descriptor);
    raw_.name = info.name;
    raw_.version = info.version;
    raw_.description = info.description;
    raw_.config_keys = keys_.data();
    raw_.config_key_count = keys_.size();
    raw_.extra_keys_doc = info.extra_keys_doc;
    raw_.validate = &detail::validate<Plugin>;
    raw_.create = &detail::create<Plugin>;
    raw_.destroy = &detail::destroy<Plugin>;
    if constexpr (std::is_base_of_v<Source, Plugin>) {
      raw_.kind = YTPIPE_KIND_SOURCE;
      raw_.run_cycle = &detail::run_cycle<Plugin>;
    } else {
      raw_.kind = YTPIPE_KIND_SINK;
      raw_.write = &detail::write<Plugin>;
      raw_.poll = &detail::poll<Plugin>;
      raw_.flush = &detail::flush<Plugin>;
    }
  }

  const ytpipe_plugin_descriptor* raw() const { return &raw_; }

 private:
  std::vector<ytpipe_config_key> keys_;
  ytpipe_plugin_descriptor raw_{};
};

template <typename Plugin>
const ytpipe_plugin_descriptor* describe(const PluginInfo& info) {
  static const Descriptor<Plugin> descriptor(info);
  return descriptor.raw();
}

}  // namespace detail
}  // namespace ytpipe

// Exports `PluginClass`, described by the ytpipe::PluginInfo `info`, as this library's plugin.
// Use it once per shared library, at namespace scope, outside any namespace.
#define YTPIPE_PLUGIN(PluginClass, info)                  \
  namespace ytpipe_plugin_export {                        \
  const ytpipe_plugin_descriptor* entry_point() {         \
    return ::ytpipe::detail::describe<PluginClass>(info); \
  }                                                       \
  }                                                       \
  BOOST_DLL_ALIAS(ytpipe_plugin_export::entry_point, ytpipe_plugin)
