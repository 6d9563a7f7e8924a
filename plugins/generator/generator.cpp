// The `generator` source: numbered records, so a reader can check order and completeness.
// Record N has key "<key_prefix>N" and value {"seq":N,"payload":"xxx..."}.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>
#include <ytpipe/sdk.hpp>

namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "count",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1000",
     .doc = "records in the one cycle it runs; 0 runs until the pipeline stops"},
    {.name = "rate",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "records per second; 0 emits as fast as the pipeline takes them"},
    {.name = "payload_bytes",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "16",
     .doc = "length of the payload string in each record's value"},
    {.name = "key_prefix",
     .type = ytpipe::ConfigType::String,
     .default_value = "",
     .doc = "text put before the sequence number in each key"},
    {.name = "batch",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1024",
     .doc = "records handed to the host per emit"},
    {.name = "fail_after",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "fail (recoverably) after emitting this many records in one instance; the "
            "recreated instance resumes numbering after the last record emitted; 0 never fails"},
    {.name = "failures",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "1",
     .doc = "how many instances fail on cue (fail_after) before the generator runs clean"},
    {.name = "fatal_after",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "0",
     .doc = "fail fatally (the pipeline stops) after emitting this many records; 0 never"},
    {.name = "fail_on_create",
     .type = ytpipe::ConfigType::Boolean,
     .default_value = "false",
     .doc = "refuse to start, to see how a pipeline reports a source that cannot start"},
};

const ytpipe::PluginInfo kInfo{.name = "generator",
                               .version = "1.0.0",
                               .description = "numbered JSON records at a chosen rate and size",
                               .config = kKeys};

// What outlives one instance: the host recreates a failed instance in the same process, and the
// successor carries on where its predecessor stopped. Kept per instance name.
struct Progress {
  std::int64_t next_seq = 0;
  std::int64_t failures_left = -1;  // -1: not yet read from the config
};

std::mutex g_progress_mutex;
std::map<std::string, Progress, std::less<>> g_progress;  // guarded by g_progress_mutex

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Generator : public ytpipe::Source {
 public:
  explicit Generator(const ytpipe::Context& context)
      : context_(context),
        count_(context.config().integer("count")),
        rate_(context.config().integer("rate")),
        payload_(static_cast<std::size_t>(
                     std::max<std::int64_t>(0, context.config().integer("payload_bytes"))),
                 'x'),
        key_prefix_(context.config().string("key_prefix")),
        batch_(std::max<std::int64_t>(1, context.config().integer("batch"))),
        fail_after_(context.config().integer("fail_after")),
        fatal_after_(context.config().integer("fatal_after")) {
    if (context.config().boolean("fail_on_create")) {
      throw std::runtime_error("refusing to start, as configured (fail_on_create)");
    }
    std::lock_guard lock(g_progress_mutex);
    Progress& progress = g_progress[std::string(context.name())];
    if (progress.failures_left < 0) {
      progress.failures_left = context.config().integer("failures");
    }
    next_seq_ = progress.next_seq;
    fail_armed_ = fail_after_ > 0 && progress.failures_left > 0;
    if (next_seq_ > 0) {
      context.log().info("resuming at record ", next_seq_);
    }
  }

  static void validate(const ytpipe::Context& context) {
    for (const char* key :
         {"count", "rate", "payload_bytes", "fail_after", "fatal_after", "failures"}) {
      require_at_least(context, key, 0);
    }
    require_at_least(context, "batch", 1);
  }

  ytpipe::NextCycle run_cycle(ytpipe::Emitter& out) override {
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t first = next_seq_;
    while (count_ == 0 || next_seq_ < count_) {
      const std::int64_t size = next_batch_size();
      if (!pace(started, next_seq_ - first) || !out.emit(fill(size))) {
        break;
      }
      advance(size);
    }
    return ytpipe::NextCycle::never();
  }

 private:
  static void require_at_least(const ytpipe::Context& context, const char* key,
                               std::int64_t minimum) {
    const std::int64_t value = context.config().integer(key);
    if (value < minimum) {
      throw ytpipe::ConfigError(key, "expected an integer of at least " + std::to_string(minimum) +
                                         ", found " + std::to_string(value));
    }
  }

  std::int64_t next_batch_size() const {
    std::int64_t size = batch_;
    if (rate_ > 0) {
      size = std::clamp<std::int64_t>(rate_ / 100, 1, size);
    }
    if (count_ > 0) {
      size = std::min(size, count_ - next_seq_);
    }
    if (fail_armed_) {
      size = std::min(size, fail_after_ - emitted_);
    }
    if (fatal_after_ > 0) {
      size = std::min(size, fatal_after_ - next_seq_);
    }
    check_cues(size);
    return size;
  }

  // Throws when a cue is due; called before emitting, so the records before it are all out.
  void check_cues(std::int64_t size) const {
    if (fatal_after_ > 0 && size <= 0) {
      throw ytpipe::FatalError("stopping fatally after " + std::to_string(fatal_after_) +
                               " records, as configured (fatal_after)");
    }
    if (fail_armed_ && size <= 0) {
      {
        std::lock_guard lock(g_progress_mutex);
        --g_progress[std::string(context_.name())].failures_left;
      }
      throw std::runtime_error("failing after " + std::to_string(emitted_) +
                               " records, as configured (fail_after)");
    }
  }

  // Waits until the records emitted so far are due at the configured rate.
  bool pace(std::chrono::steady_clock::time_point started, std::int64_t emitted) const {
    if (rate_ <= 0) {
      return !context_.stop_requested();
    }
    const auto due = started + std::chrono::microseconds(emitted * 1'000'000 / rate_);
    const auto ahead = std::chrono::duration_cast<std::chrono::milliseconds>(
        due - std::chrono::steady_clock::now());
    return ahead.count() <= 0 ? !context_.stop_requested() : context_.wait(ahead);
  }

  // The text of all records of a batch lives in one string reserved up front, so the views
  // into it stay valid while the batch is built.
  std::span<const ytpipe::Record> fill(std::int64_t size) {
    const std::int64_t timestamp = now_ms();
    const std::size_t per_record = key_prefix_.size() + payload_.size() + 96;
    text_.clear();
    text_.reserve(per_record * static_cast<std::size_t>(size));
    records_.clear();
    for (std::int64_t seq = next_seq_; seq < next_seq_ + size; ++seq) {
      const std::size_t key_at = text_.size();
      text_ += key_prefix_;
      append_number(seq);
      const std::size_t value_at = text_.size();
      text_ += "{\"seq\":";
      append_number(seq);
      text_ += ",\"payload\":\"";
      text_ += payload_;
      text_ += "\"}";
      const std::string_view all(text_);
      records_.push_back({.key = all.substr(key_at, value_at - key_at),
                          .value = all.substr(value_at),
                          .timestamp_ms = timestamp});
    }
    return records_;
  }

  void append_number(std::int64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    text_.append(digits, end);
  }

  void advance(std::int64_t size) {
    next_seq_ += size;
    emitted_ += size;
    std::lock_guard lock(g_progress_mutex);
    g_progress[std::string(context_.name())].next_seq = next_seq_;
  }

  const ytpipe::Context& context_;
  const std::int64_t count_;
  const std::int64_t rate_;
  const std::string payload_;
  const std::string key_prefix_;
  const std::int64_t batch_;
  const std::int64_t fail_after_;
  const std::int64_t fatal_after_;
  std::int64_t next_seq_ = 0;
  std::int64_t emitted_ = 0;  // by this instance
  bool fail_armed_ = false;
  std::string text_;
  std::vector<ytpipe::Record> records_;
};

}  // namespace

YTPIPE_PLUGIN(Generator, kInfo)
