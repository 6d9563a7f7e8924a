#include "pipeline_run.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace ytpipe::faults {
namespace {

using namespace std::chrono_literals;

// The source's log line after each refresh it completed.
constexpr const char* kRefreshDone = "source watched: refresh: ";

std::uint64_t number_after(const std::string& line, const std::string& label) {
  const std::regex pattern(label + "=([0-9]+)");
  std::smatch match;
  return std::regex_search(line, match, pattern) ? std::stoull(match[1]) : 0;
}

std::uint64_t delivered_of(const std::string& line, const std::string& sink) {
  const std::regex pattern("sink " + sink + ": delivered=([0-9]+)");
  std::smatch match;
  return std::regex_search(line, match, pattern) ? std::stoull(match[1]) : 0;
}

// VmHWM of a running process in KiB; 0 once it has exited.
long high_water_mark_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

}  // namespace

std::filesystem::path write_manifest(const ManifestSetup& setup) {
  const std::filesystem::path path = setup.folder / "manifest.toml";
  // Debug level: the source reports each retried call (status, reset, timeout, malformed body)
  // only at debug; the rows look for those lines.
  std::ofstream(path) << "[host]\n"
                      << "log_level = \"debug\"\n"
                      << "shutdown_timeout = \"" << setup.shutdown_timeout << "\"\n"
                      << "summary_interval = \"1s\"\n"
                      << (setup.max_buffer_bytes > 0
                              ? "max_buffer_bytes = " + std::to_string(setup.max_buffer_bytes) +
                                    "\n"
                              : "")
                      << "data_dir = \"" << (setup.folder / "data").string() << "\"\n"
                      << "\n[[source]]\nname = \"watched\"\nplugin = \"youtube\"\n"
                      << "[source.config]\n"
                      << "api_key = \"sim-key\"\n"
                      << "api_base = \"" << setup.api_base << "\"\n"
                      << "playlists = [\"" << setup.playlist << "\"]\n"
                      << "interval = \"" << setup.interval << "\"\n"
                      << "daily_quota = 100000000\n"
                      << "request_timeout = \"1s\"\n"
                      << "max_retries = 4\n"
                      << "concurrency = 4\n"
                      << "\n[[sink]]\nname = \"stream\"\nplugin = \"kafka\"\n"
                      << "[sink.config]\n"
                      << "topic = \"" << setup.topic << "\"\n"
                      << "\"bootstrap.servers\" = \"" << setup.bootstrap << "\"\n"
                      << "\"statistics.interval.ms\" = \"1000\"\n"
                      << setup.kafka_extra << "\n[[sink]]\nname = \"archive\"\nplugin = \"file\"\n"
                      << "[sink.config]\n"
                      << "path = \"" << setup.file_path.string() << "\"\n";
  return path;
}

PipelineRun::PipelineRun(const std::filesystem::path& manifest, const std::filesystem::path& log,
                         bool once, const std::vector<std::string>& wrapper)
    : log_(log), started_(std::chrono::steady_clock::now()) {
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {YTPIPE_EXECUTABLE, "run", manifest.string()});
  if (once) {
    argv.emplace_back("--once");
  }
  std::filesystem::remove(log_);
  process_ = std::make_unique<kafka::testing::ChildProcess>(
      kafka::testing::ChildOptions{.argv = argv, .environment = {}, .output = log_});
  sampler_ = std::thread([this] { sample_memory(); });
}

PipelineRun::~PipelineRun() {
  sampling_ = false;
  if (sampler_.joinable()) {
    sampler_.join();
  }
}

void PipelineRun::sample_memory() {
  const pid_t pid = process_->pid();
  while (sampling_) {
    const long now = high_water_mark_kib(pid);
    if (now > peak_hwm_kib_) {
      peak_hwm_kib_ = now;
    }
    std::this_thread::sleep_for(10ms);
  }
}

std::string PipelineRun::log() const {
  return kafka::testing::read_text(log_);
}

std::size_t PipelineRun::refreshes() const {
  return count_of(log(), kRefreshDone);
}

PeriodicCounts PipelineRun::latest_counts() const {
  std::istringstream lines(log());
  std::string newest;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("pipeline: records in=") != std::string::npos) {
      newest = line;
    }
  }
  PeriodicCounts counts;
  counts.records_in = number_after(newest, "records in");
  counts.buffered_bytes = number_after(newest, "buffered_bytes");
  counts.stream_delivered = delivered_of(newest, "stream");
  counts.archive_delivered = delivered_of(newest, "archive");
  return counts;
}

bool PipelineRun::wait_until(const std::function<bool()>& ready,
                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && process_->running()) {
    if (ready()) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return ready();
}

bool PipelineRun::wait_for_text(const std::string& text, std::chrono::milliseconds timeout) {
  return wait_until([&] { return log().find(text) != std::string::npos; }, timeout);
}

bool PipelineRun::wait_for_refreshes(std::size_t count, std::chrono::milliseconds timeout) {
  return wait_until([&] { return refreshes() >= count; }, timeout);
}

void PipelineRun::signal(int number) {
  process_->signal(number);
}

RunEnd PipelineRun::finish(std::chrono::milliseconds timeout) {
  RunEnd end;
  // Reaping here would race the sampler, so wait for the exit through /proc first.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && high_water_mark_kib(process_->pid()) > 0) {
    std::this_thread::sleep_for(10ms);
  }
  sampling_ = false;
  sampler_.join();
  const std::optional<int> code =
      process_->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
  if (!code) {
    process_->kill();
  }
  end.exit_code = code.value_or(-1);
  end.peak_rss_kib = peak_hwm_kib_;
  end.log = log();
  end.summary = test::parse_final_summary(end.log);
  end.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  return end;
}

std::size_t count_of(const std::string& log, const std::string& text) {
  std::size_t count = 0;
  for (std::size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace ytpipe::faults
