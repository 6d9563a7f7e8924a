// A sink that accepts everything and keeps nothing, and passes undeclared keys through: the
// simplest sink a manifest test can wire a source to.
#include <ytpipe/sdk.hpp>

namespace {

class NullSink : public ytpipe::BlockingSink {
 public:
  explicit NullSink(const ytpipe::Context& context) : ytpipe::BlockingSink(context) {}

 protected:
  void write_durably(const ytpipe::RecordBatch&) override {}
};

const ytpipe::ConfigKey kKeys[] = {
    {.name = "label",
     .type = ytpipe::ConfigType::String,
     .default_value = "none",
     .doc = "shown nowhere"},
};

const ytpipe::PluginInfo kInfo{.name = "null-sink",
                               .version = "0.3.0",
                               .description = "accepts every record and keeps none",
                               .config = kKeys,
                               .extra_keys_doc = "any key, passed through as text"};

}  // namespace

YTPIPE_PLUGIN(NullSink, kInfo)
