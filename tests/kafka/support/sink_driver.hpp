// Loads the real Kafka sink library through Boost.DLL and drives it across the C ABI the way the
// host's sink runner does, keeping what it reports, logs and measures.
#pragma once

#include <ytpipe/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ytpipe::kafka::testing {

struct DriverRecord {
  std::string key;
  std::string value;
  std::int64_t timestamp_ms = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct CallResult {
  ytpipe_status status = YTPIPE_OK;
  std::string message;
  std::string config_key;
};

class SinkDriver {
 public:
  // `config`: key/value pairs as a manifest's [sink.config] would give them (topic, spool_path,
  // librdkafka properties); the driver marks undeclared ones as extras, as the host does.
  SinkDriver(std::vector<std::pair<std::string, std::string>> config,
             std::filesystem::path data_dir);
  ~SinkDriver();

  SinkDriver(const SinkDriver&) = delete;
  SinkDriver& operator=(const SinkDriver&) = delete;

  CallResult validate();
  CallResult create();
  void destroy();

  // Offers every record, polling whenever the sink takes fewer (as the host does), until all are
  // accepted or `timeout` passes. Ids are 1000 + index within this driver's lifetime.
  CallResult write_all(const std::vector<DriverRecord>& records,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  CallResult poll();
  CallResult flush(std::chrono::milliseconds timeout);

  std::size_t delivered_count();
  std::map<std::uint64_t, std::string> failed();
  bool logged(const std::string& part);
  std::string log_text();
  std::int64_t metric(const std::string& name);

 private:
  static int log_enabled(void* host, ytpipe_log_level level);
  static void log(void* host, ytpipe_log_level level, const char* message);
  static void set_metric(void* host, const char* name, std::int64_t value);
  static int stop_requested(void* host);
  static int wait(void* host, std::int64_t milliseconds);
  static void report(void* host, const std::uint64_t* ids, std::size_t count,
                     ytpipe_outcome outcome, const char* reason);

  boost::dll::shared_library library_;
  const ytpipe_plugin_descriptor* descriptor_ = nullptr;
  std::vector<std::pair<std::string, std::string>> config_;
  std::string data_dir_;
  std::vector<ytpipe_config_entry> entries_;
  ytpipe_context context_{};
  void* instance_ = nullptr;
  std::uint64_t next_id_ = 1000;
  std::deque<DriverRecord> kept_records_;  // every record written; a deque never moves them

  std::mutex mutex_;  // guards what follows: reports and logs may come from librdkafka threads
  std::size_t delivered_ = 0;
  std::map<std::uint64_t, std::string> failed_;
  std::vector<std::string> logs_;
  std::map<std::string, std::int64_t> metrics_;
};

}  // namespace ytpipe::kafka::testing
