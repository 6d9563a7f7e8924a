#include "instance_validation.hpp"

#include <chrono>
#include <thread>

#include "log.hpp"

namespace ytpipe::host {
namespace {

struct ValidationHost {
  std::string component;
};

LogLevel to_log_level(ytpipe_log_level level) {
  switch (level) {
    case YTPIPE_LOG_ERROR:
      return LogLevel::Error;
    case YTPIPE_LOG_WARN:
      return LogLevel::Warn;
    case YTPIPE_LOG_INFO:
      return LogLevel::Info;
    case YTPIPE_LOG_DEBUG:
      return LogLevel::Debug;
  }
  return LogLevel::Info;
}

int log_enabled(void*, ytpipe_log_level level) {
  return Log::enabled(to_log_level(level)) ? 1 : 0;
}

void log(void* host, ytpipe_log_level level, const char* message) {
  Log::write(to_log_level(level), static_cast<ValidationHost*>(host)->component,
             message != nullptr ? message : "");
}

void set_metric(void*, const char*, int64_t) {}

int stop_requested(void*) {
  return 0;
}

int wait(void*, int64_t milliseconds) {
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  return 0;
}

// Masks the instance's secret values in a plugin's message, whether or not Log knows them.
std::string mask_secrets(std::string message, const InstanceConfig& config) {
  for (const InstanceConfig::Value& value : config.values()) {
    if (!value.secret || value.text.empty()) {
      continue;
    }
    for (std::size_t at = message.find(value.text); at != std::string::npos;
         at = message.find(value.text, at + 3)) {
      message.replace(at, value.text.size(), "***");
    }
  }
  return message;
}

}  // namespace

std::optional<ValidationFailure> validate_instance(const InstanceSpec& instance,
                                                   const std::string& component,
                                                   const std::filesystem::path& data_dir) {
  const ytpipe_plugin_descriptor& descriptor = instance.plugin->descriptor();
  if (descriptor.validate == nullptr) {
    return std::nullopt;
  }

  ValidationHost host{component};
  const std::string data_dir_text = data_dir.string();
  ytpipe_context context{};
  context.context_size = sizeof(ytpipe_context);
  context.host = &host;
  context.instance_name = instance.name.c_str();
  context.config = instance.config.entries().data();
  context.config_count = instance.config.entries().size();
  context.data_dir = data_dir_text.c_str();
  context.log_enabled = &log_enabled;
  context.log = &log;
  context.set_metric = &set_metric;
  context.stop_requested = &stop_requested;
  context.wait = &wait;

  ytpipe_error error{};
  if (descriptor.validate(&context, &error) == YTPIPE_OK) {
    return std::nullopt;
  }
  error.message[sizeof error.message - 1] = '\0';
  error.config_key[sizeof error.config_key - 1] = '\0';
  return ValidationFailure{mask_secrets(error.message, instance.config),
                           instance.config.location_of(error.config_key, instance.location)};
}

}  // namespace ytpipe::host
