#include "pipeline.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exit_codes.hpp"
#include "log.hpp"

namespace ytpipe::host {
namespace {

// A first, direct wiring: every emit hands its records straight to the sinks that take them,
// on the emitting thread. Bounded buffering, restarts and signal handling build on this.
struct Instance {
  const InstanceSpec* spec = nullptr;
  ytpipe_context context{};
  void* handle = nullptr;
  std::string component;
  std::string data_dir;
  std::vector<struct Instance*> outputs;
  std::mutex mutex;
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  std::uint64_t offered = 0;
  std::atomic<bool>* stop = nullptr;
};

int log_enabled(void*, ytpipe_log_level level) {
  return Log::enabled(static_cast<LogLevel>(level)) ? 1 : 0;
}

void log_line(void* host, ytpipe_log_level level, const char* message) {
  Log::write(static_cast<LogLevel>(level), static_cast<Instance*>(host)->component, message);
}

void set_metric(void*, const char*, std::int64_t) {}

int stop_requested(void* host) {
  return static_cast<Instance*>(host)->stop->load() ? 1 : 0;
}

int wait_for(void* host, std::int64_t milliseconds) {
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  return stop_requested(host);
}

ytpipe_status emit(void* host, const ytpipe_record* records, std::size_t count) {
  auto* source = static_cast<Instance*>(host);
  for (Instance* sink : source->outputs) {
    std::lock_guard lock(sink->mutex);
    std::vector<ytpipe_record> copies(records, records + count);
    for (ytpipe_record& record : copies) {
      record.id = sink->offered++;
    }
    const ytpipe_plugin_descriptor& plugin = sink->spec->plugin->descriptor();
    std::size_t done = 0;
    while (done < count) {
      std::size_t accepted = 0;
      ytpipe_error error{};
      if (plugin.write(sink->handle, copies.data() + done, count - done, &accepted, &error) !=
          YTPIPE_OK) {
        Log::error(sink->component, "write failed: ", error.message);
        return YTPIPE_STOPPED;
      }
      done += accepted;
      if (done < count) {
        plugin.poll(sink->handle, &error);
      }
    }
  }
  return YTPIPE_OK;
}

void report(void* host, const std::uint64_t*, std::size_t count, ytpipe_outcome outcome,
            const char*) {
  auto* sink = static_cast<Instance*>(host);
  (outcome == YTPIPE_DELIVERED ? sink->delivered : sink->failed) += count;
}

bool takes(const InstanceSpec& sink, const std::string& source) {
  if (sink.inputs.empty()) {
    return true;
  }
  for (const std::string& input : sink.inputs) {
    if (input == source) {
      return true;
    }
  }
  return false;
}

void prepare(Instance& instance, const InstanceSpec& spec, const PipelineSpec& pipeline, bool once,
             bool is_source, std::atomic<bool>& stop) {
  instance.spec = &spec;
  instance.stop = &stop;
  instance.component = (is_source ? "source " : "sink ") + spec.name;
  instance.data_dir = pipeline.host.data_dir.string();
  ytpipe_context& context = instance.context;
  context.context_size = sizeof(ytpipe_context);
  context.host = &instance;
  context.instance_name = spec.name.c_str();
  context.config = spec.config.entries().data();
  context.config_count = spec.config.entries().size();
  context.data_dir = instance.data_dir.c_str();
  context.once = once ? 1 : 0;
  context.log_enabled = &log_enabled;
  context.log = &log_line;
  context.set_metric = &set_metric;
  context.stop_requested = &stop_requested;
  context.wait = &wait_for;
  context.emit = is_source ? &emit : nullptr;
  context.report = is_source ? nullptr : &report;
}

bool create(Instance& instance) {
  ytpipe_error error{};
  const ytpipe_plugin_descriptor& plugin = instance.spec->plugin->descriptor();
  if (plugin.create(&instance.context, &instance.handle, &error) != YTPIPE_OK) {
    Log::error(instance.component, "cannot start (", instance.spec->plugin->path().string(),
               "): ", error.message);
    return false;
  }
  return true;
}

}  // namespace

int run_pipeline(const PipelineSpec& spec, bool once) {
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Instance>> sources;
  std::vector<std::unique_ptr<Instance>> sinks;
  for (const InstanceSpec& sink_spec : spec.sinks) {
    sinks.push_back(std::make_unique<Instance>());
    prepare(*sinks.back(), sink_spec, spec, once, false, stop);
  }
  for (const InstanceSpec& source_spec : spec.sources) {
    sources.push_back(std::make_unique<Instance>());
    prepare(*sources.back(), source_spec, spec, once, true, stop);
    for (auto& sink : sinks) {
      if (takes(*sink->spec, source_spec.name)) {
        sources.back()->outputs.push_back(sink.get());
      }
    }
  }

  bool started = true;
  for (auto& sink : sinks) {
    started = started && create(*sink);
  }
  for (auto& source : sources) {
    started = started && create(*source);
  }

  if (started) {
    std::vector<std::thread> threads;
    for (auto& source : sources) {
      threads.emplace_back([&source, once] {
        const ytpipe_plugin_descriptor& plugin = source->spec->plugin->descriptor();
        while (!source->stop->load()) {
          std::int64_t next = 0;
          ytpipe_error error{};
          if (plugin.run_cycle(source->handle, &next, &error) != YTPIPE_OK || once) {
            break;
          }
          wait_for(source.get(), next);
        }
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }

  std::uint64_t undelivered = 0;
  for (auto& sink : sinks) {
    if (sink->handle != nullptr) {
      ytpipe_error error{};
      sink->spec->plugin->descriptor().flush(sink->handle, spec.host.shutdown_timeout.count(),
                                             &error);
    }
    undelivered += sink->offered - sink->delivered - sink->failed;
  }
  for (auto* group : {&sources, &sinks}) {
    for (auto& instance : *group) {
      if (instance->handle != nullptr) {
        instance->spec->plugin->descriptor().destroy(instance->handle);
      }
    }
  }
  if (!started) {
    return kExitConfiguration;
  }
  return undelivered == 0 ? kExitSuccess : kExitUndelivered;
}

}  // namespace ytpipe::host
