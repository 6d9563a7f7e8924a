// A program the tests run (a Kafka broker, the mock cluster, ytpipe itself), killed and reaped
// when the owner goes away so that a failing test leaves nothing running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ytpipe::kafka::testing {

struct ChildOptions {
  std::vector<std::string> argv;
  std::vector<std::string> environment;  // "NAME=value" entries added to the test's own
  std::filesystem::path output;          // stdout (unless piped) and stderr are appended here
  bool pipe_stdin = false;
  bool pipe_stdout = false;
};

class ChildProcess {
 public:
  explicit ChildProcess(ChildOptions options);
  ~ChildProcess();

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int number);

  // The exit code (128 + signal number when killed by a signal), or nothing after `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

  // The largest resident set the process had, in KiB; known once it has exited.
  long peak_rss_kib() const { return peak_rss_kib_; }

  // SIGKILL and reap; does nothing once the process has exited.
  void kill();

  void write_line(const std::string& line);
  // One line from the piped stdout, without its newline; throws after `timeout`.
  std::string read_line(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  long peak_rss_kib_ = 0;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
};

// Everything `path` holds, for assertions and for showing a failing child's output.
std::string read_text(const std::filesystem::path& path);

}  // namespace ytpipe::kafka::testing
