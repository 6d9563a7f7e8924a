// A source holding a secret `token` that does its best to leak it: it logs it at debug level,
// puts it in its validate() error when told to, and emits one record per cycle (whose value is
// data, not output). The host must mask it everywhere it prints.
#include <ytpipe/sdk.hpp>

namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "token",
     .type = ytpipe::ConfigType::String,
     .required = true,
     .doc = "credential that must never be printed",
     .secret = true},
    {.name = "backup_token",
     .type = ytpipe::ConfigType::String,
     .default_value = "backup-secret-0000",
     .doc = "used when the token is refused",
     .secret = true},
    {.name = "reject",
     .type = ytpipe::ConfigType::Boolean,
     .default_value = "false",
     .doc = "fail validation, quoting the token"},
    {.name = "count",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1",
     .doc = "records per cycle"},
    {.name = "interval",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "1s",
     .doc = "time between cycles"},
    {.name = "tags", .type = ytpipe::ConfigType::StringList, .doc = "labels"},
};

class SecretEcho : public ytpipe::Source {
 public:
  explicit SecretEcho(const ytpipe::Context& context) : context_(context) {
    context.log().debug("starting with token ", context.config().string("token"));
  }

  static void validate(const ytpipe::Context& context) {
    const std::string token = context.config().string("token");
    context.log().debug("validating token ", token);
    if (context.config().boolean("reject")) {
      throw ytpipe::ConfigError("token", "token " + token + " was rejected by the service");
    }
  }

  ytpipe::NextCycle run_cycle(ytpipe::Emitter& out) override {
    const std::int64_t count = context_.config().integer("count");
    for (std::int64_t i = 0; i < count; ++i) {
      const std::string key = "record-" + std::to_string(i);
      if (!out.emit(ytpipe::Record{.key = key, .value = "{}"})) {
        break;
      }
    }
    return ytpipe::NextCycle::after(context_.config().duration("interval"));
  }

 private:
  const ytpipe::Context& context_;
};

const ytpipe::PluginInfo kInfo{.name = "secret-echo",
                               .version = "2.1.0",
                               .description = "a source that tries to leak its secret token",
                               .config = kKeys};

}  // namespace

YTPIPE_PLUGIN(SecretEcho, kInfo)
