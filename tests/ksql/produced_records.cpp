#include "produced_records.hpp"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <thread>

namespace ytpipe::ksql {
namespace {

constexpr std::chrono::seconds kStepTimeout{60};
constexpr const char* kPlaylistId = "PLksqlSchemaCheck";

// A child process that is stopped (SIGINT, then SIGKILL) if still running when this goes away.
class Child {
 public:
  explicit Child(Poco::ProcessHandle handle) : handle_(std::move(handle)) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  ~Child() { stop(); }

  // The exit code, or nullopt if the process did not end within `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const int code = handle_.tryWait();
      if (code != -1) {
        ended_ = true;
        return code;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  void stop() {
    if (ended_) {
      return;
    }
    Poco::Process::requestTermination(handle_.id());
    if (!wait_for(std::chrono::seconds(5))) {
      Poco::Process::kill(handle_);
      handle_.wait();
      ended_ = true;
    }
  }

 private:
  Poco::ProcessHandle handle_;
  bool ended_ = false;
};

// Reads a pipe to its end on a thread of its own, so the writer never blocks on a full pipe.
class PipeDrain {
 public:
  explicit PipeDrain(Poco::Pipe pipe)
      : thread_([this, pipe]() mutable {
          Poco::PipeInputStream in(pipe);
          text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }) {}

  ~PipeDrain() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  std::string text() {
    if (thread_.joinable()) {
      thread_.join();
    }
    return text_;
  }

 private:
  std::string text_;
  std::thread thread_;
};

std::string simulator_base_url(Poco::Pipe& out) {
  Poco::PipeInputStream in(out);
  std::string line;
  std::getline(in, line);
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    throw std::runtime_error(
        "youtube-simulator: expected \"listening on http://127.0.0.1:PORT\" "
        "on its first line, found \"" +
        line + "\"");
  }
  return line.substr(prefix.size());
}

std::filesystem::path write_manifest(const std::filesystem::path& work_dir,
                                     const PipelineParts& parts, const std::string& api_base) {
  const std::filesystem::path manifest = work_dir / "ksql-schema-check.toml";
  std::ofstream out(manifest);
  out << "[host]\n"
      << "plugin_dirs = [\"" << parts.plugin_dir.string() << "\"]\n"
      << "log_level = \"info\"\n\n"
      << "[[source]]\nname = \"watched\"\nplugin = \"youtube\"\n"
      << "[source.config]\n"
      << "api_key = \"sim-key\"\n"
      << "api_base = \"" << api_base << "/youtube/v3\"\n"
      << "playlists = [\"" << kPlaylistId << "\"]\n\n"
      << "[[sink]]\nname = \"archive\"\nplugin = \"file\"\n"
      << "[sink.config]\n"
      << "path = \"" << (work_dir / "videos.jsonl").string() << "\"\n";
  if (!out) {
    throw std::runtime_error(manifest.string() + ": cannot be written");
  }
  return manifest;
}

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error(path.string() + ": the file sink wrote no file");
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace

std::vector<std::string> produce_video_records(const PipelineParts& parts,
                                               const std::filesystem::path& work_dir,
                                               int playlist_size) {
  Poco::Pipe simulator_out;
  const std::string playlist = std::string(kPlaylistId) + "=" + std::to_string(playlist_size);
  Child simulator(Poco::Process::launch(parts.simulator.string(),
                                        {"--port", "0", "--playlist", playlist}, nullptr,
                                        &simulator_out, nullptr));
  const std::string api_base = simulator_base_url(simulator_out);

  const std::filesystem::path manifest = write_manifest(work_dir, parts, api_base);
  Poco::Pipe host_log;
  Child host(Poco::Process::launch(parts.host.string(), {"run", manifest.string(), "--once"},
                                   nullptr, &host_log, &host_log));
  PipeDrain log(host_log);
  const std::optional<int> code = host.wait_for(kStepTimeout);
  host.stop();
  if (!code || *code != 0) {
    const std::string outcome = code ? "exited with " + std::to_string(*code) : "did not finish";
    throw std::runtime_error("ytpipe run " + manifest.string() + " --once " + outcome +
                             "; its log:\n" + log.text());
  }
  return read_lines(work_dir / "videos.jsonl");
}

}  // namespace ytpipe::ksql
