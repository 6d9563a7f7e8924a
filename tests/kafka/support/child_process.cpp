#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ytpipe::kafka::testing {
namespace {

std::vector<char*> pointers_to(std::vector<std::string>& texts) {
  std::vector<char*> pointers;
  for (std::string& text : texts) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> all;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    all.emplace_back(*entry);
  }
  all.insert(all.end(), extra.begin(), extra.end());
  return all;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ChildProcess::ChildProcess(ChildOptions options) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int stdin_pipe[2] = {-1, -1};
  int stdout_pipe[2] = {-1, -1};
  if (options.pipe_stdin && ::pipe2(stdin_pipe, O_CLOEXEC) == 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_pipe[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 2, options.output.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (options.pipe_stdout && ::pipe2(stdout_pipe, O_CLOEXEC) == 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_pipe[1], 1);
  } else {
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
  }

  std::vector<std::string> environment = environment_with(options.environment);
  std::vector<char*> argv = pointers_to(options.argv);
  std::vector<char*> envp = pointers_to(environment);
  const int error = ::posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (stdin_pipe[0] >= 0) {
    ::close(stdin_pipe[0]);
    stdin_fd_ = stdin_pipe[1];
  }
  if (stdout_pipe[1] >= 0) {
    ::close(stdout_pipe[1]);
    stdout_fd_ = stdout_pipe[0];
  }
  if (error != 0) {
    throw std::runtime_error("cannot start " + options.argv[0] + ": " + std::strerror(error));
  }
}

ChildProcess::~ChildProcess() {
  kill();
  if (stdin_fd_ >= 0) {
    ::close(stdin_fd_);
  }
  if (stdout_fd_ >= 0) {
    ::close(stdout_fd_);
  }
}

bool ChildProcess::running() {
  return !wait_for(std::chrono::milliseconds(0)).has_value();
}

void ChildProcess::signal(int number) {
  if (!exit_code_) {
    ::kill(pid_, number);
  }
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    rusage usage{};
    const pid_t reaped = ::wait4(pid_, &status, WNOHANG, &usage);
    if (reaped == pid_) {
      exit_code_ = exit_code_of(status);
      peak_rss_kib_ = usage.ru_maxrss;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

void ChildProcess::kill() {
  if (exit_code_ || pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  ::kill(pid_, SIGCONT);
  int status = 0;
  if (::waitpid(pid_, &status, 0) == pid_) {
    exit_code_ = exit_code_of(status);
  }
}

void ChildProcess::write_line(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(stdin_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("cannot write to the child's stdin: " +
                             std::string(std::strerror(errno)));
  }
}

std::string ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending_.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd ready{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) {
      throw std::runtime_error("no line from the child within " + std::to_string(timeout.count()) +
                               " ms");
    }
    char buffer[4096];
    const ssize_t size = ::read(stdout_fd_, buffer, sizeof buffer);
    if (size <= 0) {
      throw std::runtime_error("the child closed its stdout");
    }
    pending_.append(buffer, static_cast<std::size_t>(size));
  }
  const std::size_t end = pending_.find('\n');
  std::string line = pending_.substr(0, end);
  pending_.erase(0, end + 1);
  return line;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace ytpipe::kafka::testing
