// Runs the real `ytpipe` executable as a child process, its log captured in a file, and reports
// how it ended and how much memory it used at its peak.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ytpipe::test {

struct ProcessResult {
  int exit_code = -1;     // -1 when it was killed by a signal
  long peak_rss_kib = 0;  // ru_maxrss of the child
  std::string log;        // everything it wrote to stderr
  std::chrono::milliseconds elapsed{0};
};

class YtpipeProcess {
 public:
  // Starts `ytpipe <arguments...>` with stderr going to `log_file`.
  YtpipeProcess(const std::vector<std::string>& arguments, std::filesystem::path log_file);
  ~YtpipeProcess();

  YtpipeProcess(const YtpipeProcess&) = delete;
  YtpipeProcess& operator=(const YtpipeProcess&) = delete;

  // Waits until the log contains `text`; false after `timeout`.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;

  void send(int signal_number) const;

  // Waits for the exit; kills the process (and fails the result) after `timeout`.
  ProcessResult wait(std::chrono::milliseconds timeout);

  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_file_;
  std::chrono::steady_clock::time_point started_;
};

// Runs to completion: the common case.
ProcessResult run_ytpipe(const std::vector<std::string>& arguments,
                         const std::filesystem::path& log_file,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace ytpipe::test
