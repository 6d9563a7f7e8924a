// Runs the real pieces for end-to-end tests: the API simulator and the ytpipe host, as child
// processes, in a temporary folder that is removed afterwards.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>
#include <Poco/Process.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ytpipe::youtube::testing {

// A youtube-simulator child process on a free port. Given --tls-cert and --tls-key it serves
// HTTPS, and the control calls below then trust the test CA (tests/youtube/data/test-ca.pem).
class Simulator {
 public:
  explicit Simulator(const std::vector<std::string>& args);
  ~Simulator();

  // "http://127.0.0.1:PORT/youtube/v3", or https:// and another host name (it must resolve to
  // 127.0.0.1) for TLS tests.
  std::string api_base(const std::string& host = "127.0.0.1") const;
  Poco::JSON::Object::Ptr get(const std::string& path_and_query) const;
  void post(const std::string& path_and_query) const;

  Poco::JSON::Object::Ptr stats() const { return get("/_sim/stats"); }
  std::int64_t requests(const std::string& call) const;
  std::int64_t units_total() const;

 private:
  std::unique_ptr<Poco::ProcessHandle> process_;
  std::string scheme_;
  std::uint16_t port_ = 0;
  Poco::Net::Context::Ptr tls_;
};

struct RunResult {
  int exit_code = -1;
  std::string log;     // the host's stderr
  std::string output;  // its stdout (only from run_command)
  std::vector<Poco::JSON::Object::Ptr> records;
  std::vector<std::string> raw_lines;
};

// A temporary folder with a manifest, the host run against it, and the file sink's output.
class Workspace {
 public:
  Workspace();
  ~Workspace();

  // Writes a manifest: the youtube source with `source_config` (TOML lines under
  // [source.config]) and a file sink into this folder.
  void write_manifest(const std::string& source_config, const std::string& log_level = "info");

  // `ytpipe run manifest --once`, bounded by `limit`.
  RunResult run_once(std::chrono::seconds limit = std::chrono::seconds(60));

  // `ytpipe ARGS...` with `env` added to its environment; stdout and stderr captured apart,
  // records read from the file sink's output (if any).
  RunResult run_command(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {},
                        std::chrono::seconds limit = std::chrono::seconds(60));

  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path manifest() const { return dir_ / "manifest.toml"; }

  // Starts `ytpipe run manifest` (no --once); stop() ends it with SIGTERM.
  void start();
  // Waits until the log holds `count` lines containing `text`; false on timeout.
  bool wait_for_log(const std::string& text, std::size_t count, std::chrono::seconds limit);
  RunResult stop();

  std::string log() const;
  std::size_t count_in_log(const std::string& text) const;

 private:
  RunResult collect(int exit_code) const;
  void remove_outputs() const;

  std::filesystem::path dir_;
  std::unique_ptr<Poco::ProcessHandle> host_;
};

// Reads a file's whole content; empty when it does not exist.
std::string read_file(const std::filesystem::path& path);

}  // namespace ytpipe::youtube::testing
