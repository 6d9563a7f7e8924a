// The state every thread of a running pipeline shares: whether it is stopping, whether the drain
// was cut short, and the first fatal error. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace ytpipe::host {

class PipelineControl {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PipelineControl(std::chrono::milliseconds shutdown_timeout);

  // Sources stop; sinks drain what is queued until the shutdown timeout runs out. `why` is
  // logged once, by the first caller.
  void request_stop(const std::string& why);

  // A plugin's fatal error: stops the pipeline like request_stop, and the run fails with
  // `message` (the first one wins).
  void fail(const std::string& message);

  // The sources finished on their own (or did their one cycle under --once): the sinks get the
  // shutdown timeout to deliver what is queued, as after a stop request. Without this bound a
  // sink whose destination is down would keep a `--once` run alive forever.
  void start_drain_clock();

  // Ends the drain now (a second signal, or the shutdown timeout ran out).
  void cut_drain(const std::string& why);

  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  bool drain_cut() const { return drain_cut_.load(std::memory_order_relaxed); }
  const std::atomic<bool>& stopping_flag() const { return stopping_; }
  std::optional<std::string> fatal_message() const;

  // When the drain must end; nullopt while the sources run and no stop was requested.
  std::optional<Clock::time_point> drain_deadline() const;

  // Sleeps up to `delay`; returns true when it woke early because the pipeline is stopping
  // (sources) or the drain was cut (sinks, which keep working while the pipeline drains).
  bool wait_for_stop(std::chrono::milliseconds delay);
  bool wait_for_drain_cut(std::chrono::milliseconds delay);

  // Wakes every waiter, e.g. after some runner finished.
  void notify();

  // Sleeps until notify() or a state change, at most `delay`.
  void wait_for_news(std::chrono::milliseconds delay);

 private:
  bool wait_for_flag(const std::atomic<bool>& flag, std::chrono::milliseconds delay);

  const std::chrono::milliseconds shutdown_timeout_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> drain_cut_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::string> fatal_message_;         // guarded by mutex_
  std::optional<Clock::time_point> drain_deadline_;  // guarded by mutex_
  std::uint64_t news_ = 0;                           // guarded by mutex_
};

}  // namespace ytpipe::host
