#include "sink_driver.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace ytpipe::kafka::testing {
namespace {

CallResult result_of(ytpipe_status status, const ytpipe_error& error) {
  if (status == YTPIPE_OK) {
    return {};
  }
  return {status, error.message, error.config_key};
}

}  // namespace

SinkDriver::SinkDriver(std::vector<std::pair<std::string, std::string>> config,
                       std::filesystem::path data_dir)
    : library_(std::string(YTPIPE_KAFKA_SINK_LIBRARY)),
      config_(std::move(config)),
      data_dir_(data_dir.string()) {
  descriptor_ = library_.get_alias<ytpipe_entry_point>(YTPIPE_ENTRY_POINT_NAME)();
  if (descriptor_->abi_version != YTPIPE_ABI_VERSION) {
    throw std::runtime_error("the Kafka sink library speaks another ABI");
  }

  // Declared keys first, then extras, as the host orders them.
  std::stable_partition(config_.begin(), config_.end(), [this](const auto& entry) {
    const auto* keys = descriptor_->config_keys;
    return std::any_of(keys, keys + descriptor_->config_key_count,
                       [&](const ytpipe_config_key& key) { return entry.first == key.name; });
  });
  for (const auto& [key, value] : config_) {
    const auto* keys = descriptor_->config_keys;
    const bool declared = std::any_of(
        keys, keys + descriptor_->config_key_count,
        [&](const ytpipe_config_key& declared_key) { return key == declared_key.name; });
    entries_.push_back(
        {key.c_str(), YTPIPE_CONFIG_STRING, value.c_str(), 0, nullptr, 0, declared ? 0 : 1});
  }

  context_.context_size = sizeof(ytpipe_context);
  context_.host = this;
  context_.instance_name = "stream";
  context_.config = entries_.data();
  context_.config_count = entries_.size();
  context_.data_dir = data_dir_.c_str();
  context_.log_enabled = &SinkDriver::log_enabled;
  context_.log = &SinkDriver::log;
  context_.set_metric = &SinkDriver::set_metric;
  context_.stop_requested = &SinkDriver::stop_requested;
  context_.wait = &SinkDriver::wait;
  context_.report = &SinkDriver::report;
}

SinkDriver::~SinkDriver() {
  destroy();
}

CallResult SinkDriver::validate() {
  ytpipe_error error{};
  return result_of(descriptor_->validate(&context_, &error), error);
}

CallResult SinkDriver::create() {
  ytpipe_error error{};
  const ytpipe_status status = descriptor_->create(&context_, &instance_, &error);
  if (status != YTPIPE_OK) {
    instance_ = nullptr;
  }
  return result_of(status, error);
}

void SinkDriver::destroy() {
  if (instance_ != nullptr) {
    descriptor_->destroy(instance_);
    instance_ = nullptr;
  }
}

CallResult SinkDriver::write_all(const std::vector<DriverRecord>& records,
                                 std::chrono::milliseconds timeout) {
  std::vector<std::vector<ytpipe_header>> headers(records.size());
  std::vector<ytpipe_record> raw;
  for (std::size_t i = 0; i < records.size(); ++i) {
    // The host keeps a record's bytes until its outcome is reported; so does the driver, until
    // it is destroyed.
    const DriverRecord& kept = kept_records_.emplace_back(records[i]);
    for (const auto& [key, value] : kept.headers) {
      headers[i].push_back({key.data(), key.size(), value.data(), value.size()});
    }
    raw.push_back({kept.key.data(), kept.key.size(), kept.value.data(), kept.value.size(),
                   kept.timestamp_ms, headers[i].data(), headers[i].size(), next_id_++});
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t offered = 0;
  while (offered < raw.size()) {
    std::size_t accepted = 0;
    ytpipe_error error{};
    const ytpipe_status status = descriptor_->write(instance_, raw.data() + offered,
                                                    raw.size() - offered, &accepted, &error);
    if (status != YTPIPE_OK) {
      return result_of(status, error);
    }
    offered += accepted;
    if (CallResult polled = poll(); polled.status != YTPIPE_OK) {
      return polled;
    }
    if (offered < raw.size() && std::chrono::steady_clock::now() > deadline) {
      return {YTPIPE_ERROR, "the sink took only " + std::to_string(offered) + " records", ""};
    }
  }
  return {};
}

CallResult SinkDriver::poll() {
  ytpipe_error error{};
  return result_of(descriptor_->poll(instance_, &error), error);
}

CallResult SinkDriver::flush(std::chrono::milliseconds timeout) {
  ytpipe_error error{};
  return result_of(descriptor_->flush(instance_, timeout.count(), &error), error);
}

std::size_t SinkDriver::delivered_count() {
  std::lock_guard lock(mutex_);
  return delivered_;
}

std::map<std::uint64_t, std::string> SinkDriver::failed() {
  std::lock_guard lock(mutex_);
  return failed_;
}

bool SinkDriver::logged(const std::string& part) {
  return log_text().find(part) != std::string::npos;
}

std::string SinkDriver::log_text() {
  std::lock_guard lock(mutex_);
  std::string text;
  for (const std::string& line : logs_) {
    text += line + "\n";
  }
  return text;
}

std::int64_t SinkDriver::metric(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto found = metrics_.find(name);
  return found == metrics_.end() ? -1 : found->second;
}

int SinkDriver::log_enabled(void*, ytpipe_log_level level) {
  return level <= YTPIPE_LOG_INFO ? 1 : 0;
}

void SinkDriver::log(void* host, ytpipe_log_level level, const char* message) {
  auto& driver = *static_cast<SinkDriver*>(host);
  static constexpr const char* kLevels[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  std::lock_guard lock(driver.mutex_);
  driver.logs_.push_back(std::string(kLevels[level]) + " " + message);
}

void SinkDriver::set_metric(void* host, const char* name, std::int64_t value) {
  auto& driver = *static_cast<SinkDriver*>(host);
  std::lock_guard lock(driver.mutex_);
  driver.metrics_[name] = value;
}

int SinkDriver::stop_requested(void*) {
  return 0;
}

int SinkDriver::wait(void*, std::int64_t milliseconds) {
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  return 0;
}

void SinkDriver::report(void* host, const std::uint64_t* ids, std::size_t count,
                        ytpipe_outcome outcome, const char* reason) {
  auto& driver = *static_cast<SinkDriver*>(host);
  std::lock_guard lock(driver.mutex_);
  if (outcome == YTPIPE_DELIVERED) {
    driver.delivered_ += count;
    return;
  }
  for (std::size_t i = 0; i < count; ++i) {
    driver.failed_[ids[i]] = reason != nullptr ? reason : "";
  }
}

}  // namespace ytpipe::kafka::testing
