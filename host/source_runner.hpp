// Runs one source instance on its own thread: cycle after cycle, honouring the delay it asks
// for, recreating it after a backoff when it fails, until it ends or the pipeline stops.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "instance_context.hpp"
#include "pipeline_control.hpp"
#include "plugin_instance.hpp"
#include "record_router.hpp"
#include "restart_backoff.hpp"

namespace ytpipe::host {

class SourceRunner : private RecordPort {
 public:
  SourceRunner(const InstanceSpec& spec, std::size_t index, const PipelineSpec& pipeline, bool once,
               PipelineControl& control, RecordRouter& router);
  ~SourceRunner() override;

  // Creates the instance for the first time; the error message when it cannot start.
  std::optional<std::string> start_first();

  void start_thread();
  void join();

  bool finished() const { return finished_.load(); }
  std::uint64_t emitted() const { return emitted_.load(std::memory_order_relaxed); }
  const std::string& component() const { return context_.component(); }
  std::string gauges() const { return context_.gauges(); }

 private:
  ytpipe_status emit(const ytpipe_record* records, std::size_t count) override;
  void report(const std::uint64_t*, std::size_t, ytpipe_outcome, const char*) override {}

  void run();
  // One cycle; false when this source is done.
  bool run_cycle();
  void recreate();
  void schedule_restart(const std::string& what, const ytpipe_error& error);
  // Adds to the time this source waited for room in the record buffer; warns when it adds up.
  void note_held_back(std::chrono::steady_clock::duration waited);

  const std::size_t index_;
  const bool once_;
  PipelineControl& control_;
  RecordRouter& router_;
  InstanceContext context_;
  PluginInstance instance_;
  RestartBackoff backoff_;
  std::chrono::milliseconds restart_delay_{0};
  bool progressed_ = false;  // emitted since the instance was created
  int failed_attempts_ = 0;  // of the one cycle a --once run asks for
  std::atomic<std::uint64_t> emitted_{0};
  std::atomic<bool> finished_{false};
  std::mutex held_back_mutex_;  // emit() may be called from any of the plugin's threads
  std::chrono::steady_clock::duration held_back_{0};           // guarded; since the last notice
  std::chrono::steady_clock::time_point held_back_logged_at_;  // guarded; epoch: never
  std::thread thread_;
};

}  // namespace ytpipe::host
