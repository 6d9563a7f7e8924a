// The `discard` sink: acknowledges every record it takes and keeps nothing. Like a real
// asynchronous sink it reports outcomes late: each poll() reports what was taken before the
// previous poll, flush() reports everything. So a failure on cue leaves records taken but not
// reported, which the host offers again to the recreated instance.
#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <ytpipe/sdk.hpp>

namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "delay",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "0ms",
     .doc = "time each write takes, to play a slow destination"},
    {.name = "ignore_stop",
     .type = ytpipe::ConfigType::Boolean,
     .default_value = "false",
     .doc = "sit out the whole delay even when the host stops, to play a destination that hangs"},
    {.name = "accept_max",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "records taken per write at most, to play a destination whose queue fills; 0 all"},
    {.name = "fail_after",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "fail (recoverably) after taking this many records in one instance; 0 never fails"},
    {.name = "failures",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1",
     .doc = "how many instances fail on cue (fail_after) before the sink runs clean"},
    {.name = "fatal_after",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "fail fatally (the pipeline stops) after taking this many records; 0 never"},
    {.name = "reject_every",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "report every Nth record taken as permanently failed; 0 rejects none"},
};

const ytpipe::PluginInfo kInfo{.name = "discard",
                               .version = "1.0.0",
                               .description = "acknowledges and drops every record",
                               .config = kKeys};

// Failures on cue left, per instance name: a recreated instance must not fail forever.
std::mutex g_failures_mutex;
std::map<std::string, std::int64_t, std::less<>> g_failures_left;  // guarded by the mutex

class Discard : public ytpipe::Sink {
 public:
  explicit Discard(const ytpipe::Context& context)
      : context_(context),
        delay_(context.config().duration("delay")),
        ignore_stop_(context.config().boolean("ignore_stop")),
        accept_max_(context.config().integer("accept_max")),
        fail_after_(context.config().integer("fail_after")),
        fatal_after_(context.config().integer("fatal_after")),
        reject_every_(context.config().integer("reject_every")) {
    std::lock_guard lock(g_failures_mutex);
    auto [left, inserted] = g_failures_left.try_emplace(std::string(context.name()),
                                                        context.config().integer("failures"));
    fail_armed_ = fail_after_ > 0 && left->second > 0;
  }

  static void validate(const ytpipe::Context& context) {
    for (const char* key :
         {"accept_max", "fail_after", "failures", "fatal_after", "reject_every"}) {
      const std::int64_t value = context.config().integer(key);
      if (value < 0) {
        throw ytpipe::ConfigError(
            key, "expected an integer of at least 0, found " + std::to_string(value));
      }
    }
  }

  std::size_t write(const ytpipe::RecordBatch& records) override {
    if (ignore_stop_) {
      std::this_thread::sleep_for(delay_);
    } else if (delay_.count() > 0) {
      context_.wait(delay_);
    }
    const std::size_t take = std::min(records.size(), room());
    for (std::size_t index = 0; index < take; ++index) {
      hold(records[index].id());
    }
    taken_ += static_cast<std::int64_t>(take);
    context_.set_metric("taken", taken_);
    return take;
  }

  void poll() override { acknowledge_older(); }

  void flush(std::chrono::milliseconds) override {
    report(older_);
    report(recent_);
  }

 private:
  // How many more records this write may take; throws when a cue is due.
  std::size_t room() {
    std::int64_t room = accept_max_ > 0 ? accept_max_ : INT64_MAX;
    if (fatal_after_ > 0) {
      if (taken_ >= fatal_after_) {
        throw ytpipe::FatalError("stopping fatally after " + std::to_string(taken_) +
                                 " records, as configured (fatal_after)");
      }
      room = std::min(room, fatal_after_ - taken_);
    }
    if (fail_armed_) {
      if (taken_ >= fail_after_) {
        fail_on_cue();
      }
      room = std::min(room, fail_after_ - taken_);
    }
    return static_cast<std::size_t>(room);
  }

  void fail_on_cue() {
    {
      std::lock_guard lock(g_failures_mutex);
      --g_failures_left[std::string(context_.name())];
    }
    throw std::runtime_error(
        "failing after " + std::to_string(taken_) + " records, as configured (fail_after); " +
        std::to_string(older_.size() + recent_.size()) + " records left unacknowledged");
  }

  struct Held {
    std::vector<std::uint64_t> delivered;
    std::vector<std::uint64_t> rejected;

    std::size_t size() const { return delivered.size() + rejected.size(); }
  };

  void hold(std::uint64_t id) {
    ++counter_;
    if (reject_every_ > 0 && counter_ % reject_every_ == 0) {
      recent_.rejected.push_back(id);
    } else {
      recent_.delivered.push_back(id);
    }
  }

  void acknowledge_older() {
    report(older_);
    std::swap(older_, recent_);
  }

  void report(Held& held) {
    if (!held.delivered.empty()) {
      context_.delivered(held.delivered);
    }
    for (std::uint64_t id : held.rejected) {
      context_.failed(id, "rejected on cue (reject_every)");
    }
    held.delivered.clear();
    held.rejected.clear();
  }

  const ytpipe::Context& context_;
  const std::chrono::milliseconds delay_;
  const bool ignore_stop_;
  const std::int64_t accept_max_;
  const std::int64_t fail_after_;
  const std::int64_t fatal_after_;
  const std::int64_t reject_every_;
  bool fail_armed_ = false;
  std::int64_t taken_ = 0;
  std::int64_t counter_ = 0;
  Held older_;   // taken before the previous poll: reported at the next one
  Held recent_;  // taken since the previous poll
};

}  // namespace

YTPIPE_PLUGIN(Discard, kInfo)
