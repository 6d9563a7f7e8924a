// The `fuzzschema` source, built only for the manifest fuzzer: it declares a key of every config
// type, a required key, a secret key and accepts extra keys, so fuzzed manifests reach every
// branch of the host's config checks. Its validate() blames a key in a message that quotes the
// secret, so the host's masking runs too. It never emits anything.
#include <string>
#include <ytpipe/sdk.hpp>

namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "label", .type = ytpipe::ConfigType::String, .required = true, .doc = "any text"},
    {.name = "token",
     .type = ytpipe::ConfigType::String,
     .default_value = "",
     .doc = "a credential",
     .secret = true},
    {.name = "count",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1",
     .doc = "at least 0"},
    {.name = "enabled",
     .type = ytpipe::ConfigType::Boolean,
     .default_value = "true",
     .doc = "a flag"},
    {.name = "interval",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "60s",
     .doc = "a period"},
    {.name = "ids", .type = ytpipe::ConfigType::StringList, .default_value = "a,b", .doc = "names"},
};

const ytpipe::PluginInfo kInfo{.name = "fuzzschema",
                               .version = "1.0.0",
                               .description = "declares one config key of every type",
                               .config = kKeys,
                               .extra_keys_doc = "passed through as text"};

class FuzzSchema : public ytpipe::Source {
 public:
  explicit FuzzSchema(const ytpipe::Context&) {}

  static void validate(const ytpipe::Context& context) {
    const ytpipe::Config& config = context.config();
    if (config.integer("count") < 0) {
      throw ytpipe::ConfigError("token",
                                "count is negative and the token is " + config.string("token"));
    }
    if (config.strings("ids").empty()) {
      throw ytpipe::ConfigError("ids", "expected at least one id");
    }
  }

  ytpipe::NextCycle run_cycle(ytpipe::Emitter&) override { return ytpipe::NextCycle::never(); }
};

}  // namespace

YTPIPE_PLUGIN(FuzzSchema, kInfo)
