// The ytpipe_context one instance gets: its name, config, data folder, logger, gauges and the
// stop signals, plus emit (sources) or report (sinks) routed to its runner. It keeps one
// address for the whole run, so recreated instances get the same context.
#pragma once

#include <ytpipe/plugin.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "pipeline_control.hpp"
#include "pipeline_spec.hpp"

namespace ytpipe::host {

// What a runner does with the calls of its instance that carry records.
class RecordPort {
 public:
  virtual ~RecordPort() = default;
  virtual ytpipe_status emit(const ytpipe_record* records, std::size_t count) = 0;
  virtual void report(const std::uint64_t* ids, std::size_t count, ytpipe_outcome outcome,
                      const char* reason) = 0;
};

class InstanceContext {
 public:
  InstanceContext(const InstanceSpec& spec, ytpipe_plugin_kind kind, const PipelineSpec& pipeline,
                  bool once, PipelineControl& control, RecordPort& port);

  InstanceContext(const InstanceContext&) = delete;
  InstanceContext& operator=(const InstanceContext&) = delete;

  const ytpipe_context* raw() const { return &raw_; }

  // "source NAME" or "sink NAME": the log component of everything about this instance.
  const std::string& component() const { return component_; }

  // The plugin's gauges as " name=value" pairs, in name order; empty when it set none.
  std::string gauges() const;

 private:
  static InstanceContext& self(void* host) { return *static_cast<InstanceContext*>(host); }
  static int log_enabled(void* host, ytpipe_log_level level);
  static void log(void* host, ytpipe_log_level level, const char* message);
  static void set_metric(void* host, const char* name, std::int64_t value);
  static int stop_requested(void* host);
  static int wait(void* host, std::int64_t milliseconds);
  static ytpipe_status emit(void* host, const ytpipe_record* records, std::size_t count);
  static void report(void* host, const std::uint64_t* ids, std::size_t count,
                     ytpipe_outcome outcome, const char* reason);

  const ytpipe_plugin_kind kind_;
  const std::string component_;
  const std::string data_dir_;
  PipelineControl& control_;
  RecordPort& port_;
  ytpipe_context raw_{};
  mutable std::mutex gauges_mutex_;
  std::map<std::string, std::int64_t> gauges_;  // guarded by gauges_mutex_
};

}  // namespace ytpipe::host
