// `hello`: a source that emits `count` greeting records in one cycle, then finishes.
//
// A complete plugin: the config keys it declares (the host checks types, fills defaults and
// prints the docs in `ytpipe plugins`), a check of its own that blames one key, logging through
// the host, and records handed over with an Emitter.
#include <cstdint>
#include <string>
#include <vector>
#include <ytpipe/sdk.hpp>

namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "name", .type = ytpipe::ConfigType::String, .required = true, .doc = "who to greet"},
    {.name = "greeting",
     .type = ytpipe::ConfigType::String,
     .default_value = "hello",
     .doc = "the word each greeting starts with"},
    {.name = "count",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "3",
     .doc = "greetings to emit, 1 to 1000"},
};

const ytpipe::PluginInfo kInfo{
    .name = "hello",
    .version = "1.0.0",
    .description = "emits a few greeting records, then finishes",
    .config = kKeys,
};

// The value is built as JSON by hand, so text that would need escaping is refused up front.
std::string plain_text(const ytpipe::Config& config, const char* key) {
  std::string text = config.string(key);
  for (const char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      throw ytpipe::ConfigError(key,
                                "expected plain text without quotes, backslashes or "
                                "control characters, found \"" +
                                    text + "\"");
    }
  }
  return text;
}

std::int64_t count_of(const ytpipe::Config& config) {
  const std::int64_t count = config.integer("count");
  if (count < 1 || count > 1000) {
    throw ytpipe::ConfigError("count", "expected 1 to 1000, found " + std::to_string(count));
  }
  return count;
}

class HelloSource : public ytpipe::Source {
 public:
  // Optional. `ytpipe check` calls it, and `ytpipe run` before creating the instance: check the
  // config here without side effects (no connections, no files).
  static void validate(const ytpipe::Context& context) {
    plain_text(context.config(), "name");
    plain_text(context.config(), "greeting");
    count_of(context.config());
  }

  // The context outlives the instance, so keeping a reference is safe.
  explicit HelloSource(const ytpipe::Context& context)
      : context_(context),
        name_(plain_text(context.config(), "name")),
        greeting_(plain_text(context.config(), "greeting")),
        count_(count_of(context.config())) {}

  ytpipe::NextCycle run_cycle(ytpipe::Emitter& out) override {
    std::vector<std::string> keys;
    std::vector<std::string> values;
    for (std::int64_t n = 1; n <= count_; ++n) {
      keys.push_back(std::to_string(n));
      values.push_back("{\"n\":" + keys.back() + ",\"text\":\"" + greeting_ + ", " + name_ + "\"}");
    }

    // Records only view their bytes; the host copies them before emit() returns.
    std::vector<ytpipe::Record> records;
    for (std::size_t index = 0; index < values.size(); ++index) {
      records.push_back({.key = keys[index], .value = values[index]});
    }
    if (!out.emit(records)) {
      return ytpipe::NextCycle::never();  // the host is stopping; nothing was taken
    }

    context_.log().info("greeted ", name_, " ", count_, " times");
    return ytpipe::NextCycle::never();  // a single cycle; a poller would return after(interval)
  }

 private:
  const ytpipe::Context& context_;
  std::string name_;
  std::string greeting_;
  std::int64_t count_;
};

}  // namespace

YTPIPE_PLUGIN(HelloSource, kInfo)
