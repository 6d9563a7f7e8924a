// One `ytpipe run` of the matrix's manifest (the YouTube source on the simulator feeding the
// Kafka sink and the file sink), as a child process whose log the rows watch.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "run_summary.hpp"

namespace ytpipe::faults {

struct ManifestSetup {
  std::filesystem::path folder;  // data_dir and the manifest live here
  std::filesystem::path file_path;
  std::string api_base;
  std::string playlist;
  std::string bootstrap;
  std::string topic;
  std::string interval = "1s";
  std::string shutdown_timeout = "20s";
  std::string kafka_extra;             // more lines for the Kafka sink's config
  std::uint64_t max_buffer_bytes = 0;  // [host] max_buffer_bytes; 0 keeps the host's default
};

// Writes `folder/manifest.toml` and returns its path.
std::filesystem::path write_manifest(const ManifestSetup& setup);

struct RunEnd {
  int exit_code = -1;  // 128 + signal when killed
  // The largest VmHWM seen while it ran, sampled every 10 ms. wait4's ru_maxrss would include
  // the RSS of this program at fork time: Linux carries the forked copy's high-water mark over
  // execve into the child's rusage.
  long peak_rss_kib = 0;
  std::string log;
  std::optional<test::RunSummary> summary;
  std::chrono::milliseconds elapsed{0};
};

// The sink counts of the newest periodic summary line (not the final one); zero before any.
struct PeriodicCounts {
  std::uint64_t records_in = 0;
  std::uint64_t buffered_bytes = 0;
  std::uint64_t stream_delivered = 0;
  std::uint64_t archive_delivered = 0;
};

class PipelineRun {
 public:
  // `wrapper` goes before the executable: a program that execs the rest (prlimit).
  PipelineRun(const std::filesystem::path& manifest, const std::filesystem::path& log, bool once,
              const std::vector<std::string>& wrapper = {});
  ~PipelineRun();

  PipelineRun(const PipelineRun&) = delete;
  PipelineRun& operator=(const PipelineRun&) = delete;

  std::string log() const;

  // Completed refreshes so far: the source logs one "refresh: N videos, ..." line for each.
  std::size_t refreshes() const;

  PeriodicCounts latest_counts() const;

  // Polls `ready` every 20 ms; false when `timeout` passes first or the process exits.
  bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds timeout);
  bool wait_for_text(const std::string& text, std::chrono::milliseconds timeout);
  bool wait_for_refreshes(std::size_t count, std::chrono::milliseconds timeout);

  void signal(int number);
  int pid() const { return process_->pid(); }

  // Waits for the exit (SIGKILL after `timeout`) and collects what the rows check.
  RunEnd finish(std::chrono::milliseconds timeout);

 private:
  void sample_memory();

  std::filesystem::path log_;
  std::unique_ptr<kafka::testing::ChildProcess> process_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<long> peak_hwm_kib_{0};
  std::atomic<bool> sampling_{true};
  std::thread sampler_;
};

// Occurrences of `text` in `log`.
std::size_t count_of(const std::string& log, const std::string& text);

}  // namespace ytpipe::faults
