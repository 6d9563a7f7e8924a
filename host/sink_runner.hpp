// Runs one sink instance on its own thread: offers it the records of its queue in batches,
// polls it when idle, recreates it after a backoff when it fails (offering again everything it
// left without an outcome), and at the end drains, flushes and destroys it.
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
#include "restart_backoff.hpp"
#include "sink_queue.hpp"

namespace ytpipe::host {

class SinkRunner : private RecordPort {
 public:
  SinkRunner(const InstanceSpec& spec, const PipelineSpec& pipeline, bool once,
             PipelineControl& control);
  ~SinkRunner() override;

  std::optional<std::string> start_first();

  void start_thread();
  void join();

  // Every source feeding the pipeline has finished: once the queue is settled, the sink ends.
  void inputs_finished() { inputs_finished_.store(true); }

  bool finished() const { return finished_.load(); }
  SinkQueue& queue() { return queue_; }
  const SinkQueue& queue() const { return queue_; }
  const std::string& name() const { return name_; }
  const std::string& component() const { return context_.component(); }
  std::string gauges() const { return context_.gauges(); }

 private:
  ytpipe_status emit(const ytpipe_record*, std::size_t) override { return YTPIPE_FATAL; }
  void report(const std::uint64_t* ids, std::size_t count, ytpipe_outcome outcome,
              const char* reason) override;

  void run();
  bool done() const;
  // Offers the next records; false when there were none to offer.
  bool offer_next();
  void idle();
  bool poll();
  void recreate();
  void fail(const std::string& what, ytpipe_status status, const ytpipe_error& error);
  void finish();
  void log_failed_outcomes(std::size_t count, const char* reason);

  const std::string name_;
  const std::chrono::milliseconds shutdown_timeout_;
  PipelineControl& control_;
  SinkQueue queue_;
  InstanceContext context_;
  PluginInstance instance_;
  RestartBackoff backoff_;
  std::chrono::milliseconds restart_delay_{0};
  SinkOffer offer_;
  bool dead_ = false;  // failed fatally: never recreated
  std::atomic<bool> inputs_finished_{false};
  std::atomic<bool> finished_{false};
  std::mutex failed_log_mutex_;
  std::chrono::steady_clock::time_point failed_logged_at_{};  // guarded by failed_log_mutex_
  std::uint64_t failed_unlogged_ = 0;                         // guarded by failed_log_mutex_
  std::thread thread_;
};

}  // namespace ytpipe::host
