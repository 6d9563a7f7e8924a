// SIGINT and SIGTERM, taken by one dedicated thread (sigtimedwait) instead of a handler, so the
// reaction may lock and log. Construct it before any other thread starts (plugins start threads
// in create()): threads inherit the blocked mask, so only the watcher ever receives them.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace ytpipe::host {

class ShutdownSignals {
 public:
  // `on_signal(name, count)`: count is 1 for the first signal, 2 for the second, ...
  using Handler = std::function<void(const char* name, int count)>;

  explicit ShutdownSignals(Handler on_signal);
  ~ShutdownSignals();

  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

 private:
  void watch();

  Handler on_signal_;
  sigset_t signals_{};
  sigset_t previous_mask_{};
  std::atomic<bool> closing_{false};
  std::thread watcher_;
};

}  // namespace ytpipe::host
