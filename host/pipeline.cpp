#include "pipeline.hpp"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "exit_codes.hpp"
#include "log.hpp"
#include "pipeline_control.hpp"
#include "record_router.hpp"
#include "shutdown_signals.hpp"
#include "sink_runner.hpp"
#include "source_runner.hpp"

namespace ytpipe::host {
namespace {

// How often the supervising thread looks at the runners and the drain deadline.
constexpr std::chrono::milliseconds kSupervisePeriod{100};

// How long instances get to return from their plugin calls once the drain has ended.
constexpr std::chrono::seconds kStuckGrace{5};

// glibc's largest mmap threshold: larger blocks are always mapped on their own.
constexpr int kLargestMmapThreshold = 32 << 20;

// Sink threads free batches as fast as sources allocate them. With glibc's defaults a batch of a
// few hundred KiB is mapped and unmapped, or trimmed off its arena, and faulted in afresh each
// time: on a fast run that was a third of the process's CPU time, in the kernel. Memory the
// record buffer may hold anyway is kept mapped for reuse instead.
void keep_buffer_memory_mapped(std::uint64_t max_buffer_bytes) {
  const auto trim_threshold =
      static_cast<int>(std::min<std::uint64_t>(max_buffer_bytes, std::numeric_limits<int>::max()));
  mallopt(M_MMAP_THRESHOLD, kLargestMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

bool takes(const InstanceSpec& sink, const std::string& source) {
  return sink.inputs.empty() ||
         std::find(sink.inputs.begin(), sink.inputs.end(), source) != sink.inputs.end();
}

class Pipeline {
 public:
  Pipeline(const PipelineSpec& spec, bool once)
      : spec_(spec),
        control_(spec.host.shutdown_timeout),
        router_(spec.host.max_buffer_bytes, spec.sources.size(), control_.stopping_flag()) {
    for (const InstanceSpec& sink : spec.sinks) {
      sinks_.push_back(std::make_unique<SinkRunner>(sink, spec, once, control_));
    }
    for (std::size_t index = 0; index < spec.sources.size(); ++index) {
      const InstanceSpec& source = spec.sources[index];
      sources_.push_back(
          std::make_unique<SourceRunner>(source, index, spec, once, control_, router_));
      for (std::size_t sink = 0; sink < spec.sinks.size(); ++sink) {
        if (takes(spec.sinks[sink], source.name)) {
          router_.connect(index, sinks_[sink]->queue());
        }
      }
    }
  }

  // Runners destroy their instances when destroyed, sources first: a sink outlives the sources
  // that could still hand it records.
  ~Pipeline() { sources_.clear(); }

  int run() {
    ShutdownSignals signals([this](const char* name, int count) { on_signal(name, count); });

    if (!prepare_data_dir() || !start_instances()) {
      return kExitConfiguration;
    }
    Log::info("pipeline", "running: sources=", sources_.size(), " sinks=", sinks_.size(),
              " max_buffer_bytes=", spec_.host.max_buffer_bytes);
    for (auto& sink : sinks_) {
      sink->start_thread();
    }
    for (auto& source : sources_) {
      source->start_thread();
    }

    supervise();

    for (auto& source : sources_) {
      source->join();
    }
    for (auto& sink : sinks_) {
      sink->join();
    }
    return conclude();
  }

 private:
  void on_signal(const char* name, int count) {
    if (count == 1) {
      control_.request_stop(std::string(name) + " received");
    } else {
      control_.cut_drain(std::string(name) + " received again");
    }
  }

  // Instances keep their state (spools, cursors) in the data folder; it must exist before they
  // start.
  bool prepare_data_dir() const {
    std::error_code error;
    std::filesystem::create_directories(spec_.host.data_dir, error);
    if (error) {
      Log::error("pipeline", spec_.manifest.string(), ": [host] data_dir \"",
                 spec_.host.data_dir.string(), "\" cannot be created: ", error.message());
      return false;
    }
    return true;
  }

  // Every instance must start before anything runs: a pipeline with a part missing would take
  // records it cannot deliver.
  bool start_instances() {
    for (auto& sink : sinks_) {
      if (auto failure = sink->start_first()) {
        Log::error("pipeline", *failure);
        return false;
      }
    }
    for (auto& source : sources_) {
      if (auto failure = source->start_first()) {
        Log::error("pipeline", *failure);
        return false;
      }
    }
    return true;
  }

  void supervise() {
    bool sources_done = false;
    auto next_summary = PipelineControl::Clock::now() + spec_.host.summary_interval;
    std::optional<PipelineControl::Clock::time_point> cut_at;
    while (!all_sources_finished() || !all_sinks_finished()) {
      control_.wait_for_news(kSupervisePeriod);
      const auto now = PipelineControl::Clock::now();

      if (control_.stopping()) {
        router_.wake_all();
      }
      if (!sources_done && all_sources_finished()) {
        sources_done = true;
        Log::info("pipeline", "all sources finished; draining ", records_pending(),
                  " records into the sinks for up to ", spec_.host.shutdown_timeout.count(), " ms");
        control_.start_drain_clock();
        for (auto& sink : sinks_) {
          sink->inputs_finished();
        }
      }
      const auto deadline = control_.drain_deadline();
      if (deadline && now >= *deadline && !control_.drain_cut()) {
        control_.cut_drain("shutdown timeout of " +
                           std::to_string(spec_.host.shutdown_timeout.count()) + " ms ran out");
      }
      if (control_.drain_cut() && !cut_at) {
        cut_at = now;
      }
      if (cut_at && now - *cut_at > kStuckGrace) {
        abandon_stuck_instances();
      }
      if (now >= next_summary) {
        Log::info("pipeline", summary(false));
        next_summary = now + spec_.host.summary_interval;
      }
    }
  }

  // A plugin call that does not return after the drain ended would keep the process alive
  // forever; its thread cannot be stopped, so the process ends without it.
  [[noreturn]] void abandon_stuck_instances() const {
    for (const auto& source : sources_) {
      if (!source->finished()) {
        Log::error("pipeline", source->component(),
                   " is stuck in a plugin call; exiting without it");
      }
    }
    for (const auto& sink : sinks_) {
      if (!sink->finished()) {
        Log::error("pipeline", sink->component(), " is stuck in a plugin call; exiting without it");
      }
    }
    const int code = conclude();
    std::_Exit(code == kExitSuccess ? kExitRuntimeFailure : code);
  }

  bool all_sources_finished() const {
    return std::all_of(sources_.begin(), sources_.end(),
                       [](const auto& source) { return source->finished(); });
  }

  bool all_sinks_finished() const {
    return std::all_of(sinks_.begin(), sinks_.end(),
                       [](const auto& sink) { return sink->finished(); });
  }

  std::uint64_t records_pending() const {
    std::uint64_t pending = 0;
    for (const auto& sink : sinks_) {
      pending += sink->queue().counts().pending();
    }
    return pending;
  }

  // "records in=N buffered_bytes=B; sink a: delivered=.. in_flight=.. failed=.. gauges; ..."
  // At the end, in_flight becomes undelivered and each sink's in is shown, so the counts can
  // be checked: in == delivered + failed + undelivered.
  std::string summary(bool final) const {
    std::ostringstream sinks;
    for (const auto& sink : sinks_) {
      const SinkCounts counts = sink->queue().counts();
      sinks << "; " << sink->component() << ":";
      if (final) {
        sinks << " in=" << counts.in;
      }
      sinks << " delivered=" << counts.delivered << (final ? " undelivered=" : " in_flight=")
            << counts.pending() << " failed=" << counts.failed << sink->gauges();
    }
    for (const auto& source : sources_) {
      const std::string gauges = source->gauges();
      if (!gauges.empty()) {
        sinks << "; " << source->component() << ":" << gauges;
      }
    }

    // Read after the sinks' counts: records are counted in before any sink sees them.
    std::ostringstream text;
    text << (final ? "final: " : "") << "records in=" << router_.records_in();
    if (final) {
      text << " peak_buffered_bytes=" << router_.buffer().peak_bytes();
    } else {
      text << " buffered_bytes=" << router_.buffer().used_bytes();
    }
    return text.str() + sinks.str();
  }

  int conclude() const {
    Log::info("pipeline", summary(true));
    std::uint64_t undelivered = 0;
    std::string per_sink;
    for (const auto& sink : sinks_) {
      const std::uint64_t pending = sink->queue().counts().pending();
      if (pending > 0) {
        undelivered += pending;
        per_sink += ", sink " + sink->name() + ": " + std::to_string(pending);
      }
    }
    if (undelivered > 0) {
      Log::error("pipeline", undelivered, " records undelivered: ", per_sink.substr(2));
    }
    if (const auto fatal = control_.fatal_message()) {
      Log::error("pipeline", "failed: ", *fatal);
      return kExitRuntimeFailure;
    }
    if (undelivered > 0) {
      return kExitUndelivered;
    }
    Log::info("pipeline", "finished: every record has an outcome");
    return kExitSuccess;
  }

  const PipelineSpec& spec_;
  PipelineControl control_;
  RecordRouter router_;
  std::vector<std::unique_ptr<SinkRunner>> sinks_;
  std::vector<std::unique_ptr<SourceRunner>> sources_;
};

}  // namespace

int run_pipeline(const PipelineSpec& spec, bool once) {
  keep_buffer_memory_mapped(spec.host.max_buffer_bytes);
  Pipeline pipeline(spec, once);
  return pipeline.run();
}

}  // namespace ytpipe::host
