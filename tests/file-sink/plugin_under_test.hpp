// Loads the real `file` sink library through Boost.DLL and drives it across the C ABI the way
// the host does, recording what it reports and logs.
#pragma once

#include <ytpipe/plugin.h>

#include <boost/dll/shared_library.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ytpipe::file_sink::testing {

// Config values as the host hands them over after filling defaults.
struct SinkSettings {
  std::filesystem::path path;
  std::string fsync = "batch";
  std::int64_t max_bytes = 0;
  std::int64_t max_files = 5;
};

struct Outcome {
  ytpipe_status status = YTPIPE_OK;
  std::string message;
  std::string config_key;
};

class PluginUnderTest {
 public:
  explicit PluginUnderTest(const std::filesystem::path& library);
  ~PluginUnderTest();

  PluginUnderTest(const PluginUnderTest&) = delete;
  PluginUnderTest& operator=(const PluginUnderTest&) = delete;

  const ytpipe_plugin_descriptor& descriptor() const { return *descriptor_; }

  Outcome validate(const SinkSettings& settings);
  Outcome create(const SinkSettings& settings);
  void destroy();

  // Offers `values` as records with ids first_id, first_id + 1, ...; returns the status and how
  // many the sink accepted.
  std::pair<Outcome, std::size_t> write(const std::vector<std::string>& values,
                                        std::uint64_t first_id = 1);

  // Waits until the sink has reported every record it accepted, as the host does at drain.
  Outcome flush(std::int64_t timeout_ms = 10'000);

  // Snapshots: reports and logs may arrive from the plugin's own threads.
  std::vector<std::uint64_t> delivered() const;
  std::map<std::uint64_t, std::string> failed() const;
  bool logged(ytpipe_log_level level, const std::string& part) const;

 private:
  void build_context(const SinkSettings& settings);

  static int log_enabled(void* host, ytpipe_log_level level);
  static void log(void* host, ytpipe_log_level level, const char* message);
  static void set_metric(void* host, const char* name, std::int64_t value);
  static int stop_requested(void* host);
  static int wait(void* host, std::int64_t milliseconds);
  static void report(void* host, const std::uint64_t* ids, std::size_t count,
                     ytpipe_outcome outcome, const char* reason);

  boost::dll::shared_library library_;
  const ytpipe_plugin_descriptor* descriptor_ = nullptr;
  std::vector<std::string> texts_;
  std::vector<ytpipe_config_entry> entries_;
  ytpipe_context context_{};
  void* instance_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> delivered_;
  std::map<std::uint64_t, std::string> failed_;
  std::vector<std::pair<ytpipe_log_level, std::string>> logs_;
};

}  // namespace ytpipe::file_sink::testing
