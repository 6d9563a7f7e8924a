#include "instance_context.hpp"

#include <algorithm>

#include "log.hpp"

namespace ytpipe::host {

InstanceContext::InstanceContext(const InstanceSpec& spec, ytpipe_plugin_kind kind,
                                 const PipelineSpec& pipeline, bool once, PipelineControl& control,
                                 RecordPort& port)
    : kind_(kind),
      component_((kind == YTPIPE_KIND_SOURCE ? "source " : "sink ") + spec.name),
      data_dir_(pipeline.host.data_dir.string()),
      control_(control),
      port_(port) {
  raw_.context_size = sizeof(ytpipe_context);
  raw_.host = this;
  raw_.instance_name = spec.name.c_str();
  raw_.config = spec.config.entries().data();
  raw_.config_count = spec.config.entries().size();
  raw_.data_dir = data_dir_.c_str();
  raw_.once = once ? 1 : 0;
  raw_.log_enabled = &InstanceContext::log_enabled;
  raw_.log = &InstanceContext::log;
  raw_.set_metric = &InstanceContext::set_metric;
  raw_.stop_requested = &InstanceContext::stop_requested;
  raw_.wait = &InstanceContext::wait;
  raw_.emit = kind == YTPIPE_KIND_SOURCE ? &InstanceContext::emit : nullptr;
  raw_.report = kind == YTPIPE_KIND_SINK ? &InstanceContext::report : nullptr;
}

std::string InstanceContext::gauges() const {
  std::lock_guard lock(gauges_mutex_);
  std::string text;
  for (const auto& [name, value] : gauges_) {
    text += ' ' + name + '=' + std::to_string(value);
  }
  return text;
}

int InstanceContext::log_enabled(void*, ytpipe_log_level level) {
  return Log::enabled(static_cast<LogLevel>(level)) ? 1 : 0;
}

void InstanceContext::log(void* host, ytpipe_log_level level, const char* message) {
  const int clamped = std::clamp(static_cast<int>(level), 0, 3);
  Log::write(static_cast<LogLevel>(clamped), self(host).component_, message ? message : "");
}

void InstanceContext::set_metric(void* host, const char* name, std::int64_t value) {
  InstanceContext& context = self(host);
  std::lock_guard lock(context.gauges_mutex_);
  context.gauges_[name] = value;
}

// Sinks keep working while the pipeline drains, so for them "stop" means the drain was cut.
int InstanceContext::stop_requested(void* host) {
  const InstanceContext& context = self(host);
  const bool stop = context.kind_ == YTPIPE_KIND_SOURCE ? context.control_.stopping()
                                                        : context.control_.drain_cut();
  return stop ? 1 : 0;
}

int InstanceContext::wait(void* host, std::int64_t milliseconds) {
  InstanceContext& context = self(host);
  const std::chrono::milliseconds delay(std::max<std::int64_t>(0, milliseconds));
  const bool woke = context.kind_ == YTPIPE_KIND_SOURCE
                        ? context.control_.wait_for_stop(delay)
                        : context.control_.wait_for_drain_cut(delay);
  return woke ? 1 : 0;
}

ytpipe_status InstanceContext::emit(void* host, const ytpipe_record* records, std::size_t count) {
  return self(host).port_.emit(records, count);
}

void InstanceContext::report(void* host, const std::uint64_t* ids, std::size_t count,
                             ytpipe_outcome outcome, const char* reason) {
  self(host).port_.report(ids, count, outcome, reason);
}

}  // namespace ytpipe::host
