// A source whose constructor always throws: the runtime must report the message and stop.
#include <ytpipe/sdk.hpp>

namespace {

class ThrowsOnCreate : public ytpipe::Source {
 public:
  explicit ThrowsOnCreate(const ytpipe::Context&) {
    throw std::runtime_error("cannot start: the test plugin always refuses");
  }

  ytpipe::NextCycle run_cycle(ytpipe::Emitter&) override { return ytpipe::NextCycle::never(); }
};

const ytpipe::PluginInfo kInfo{.name = "throws-on-create",
                               .version = "1.0.0",
                               .description = "a source whose constructor throws"};

}  // namespace

YTPIPE_PLUGIN(ThrowsOnCreate, kInfo)
