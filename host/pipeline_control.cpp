#include "pipeline_control.hpp"

#include "log.hpp"

namespace ytpipe::host {

PipelineControl::PipelineControl(std::chrono::milliseconds shutdown_timeout)
    : shutdown_timeout_(shutdown_timeout) {}

void PipelineControl::request_stop(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_.exchange(true)) {
      return;
    }
    drain_deadline_ = Clock::now() + shutdown_timeout_;
    ++news_;
  }
  Log::info("pipeline", "stopping (", why, "): sources stop, sinks drain for up to ",
            shutdown_timeout_.count(), " ms");
  changed_.notify_all();
}

void PipelineControl::fail(const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    if (!fatal_message_) {
      fatal_message_ = message;
    }
  }
  request_stop("fatal error");
}

void PipelineControl::start_drain_clock() {
  {
    std::lock_guard lock(mutex_);
    if (drain_deadline_) {
      return;
    }
    drain_deadline_ = Clock::now() + shutdown_timeout_;
    ++news_;
  }
  changed_.notify_all();
}

void PipelineControl::cut_drain(const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
    if (drain_cut_.exchange(true)) {
      return;
    }
    ++news_;
  }
  Log::warn("pipeline", "drain cut short (", why, ")");
  changed_.notify_all();
}

std::optional<std::string> PipelineControl::fatal_message() const {
  std::lock_guard lock(mutex_);
  return fatal_message_;
}

std::optional<PipelineControl::Clock::time_point> PipelineControl::drain_deadline() const {
  std::lock_guard lock(mutex_);
  return drain_deadline_;
}

bool PipelineControl::wait_for_stop(std::chrono::milliseconds delay) {
  return wait_for_flag(stopping_, delay);
}

bool PipelineControl::wait_for_drain_cut(std::chrono::milliseconds delay) {
  return wait_for_flag(drain_cut_, delay);
}

void PipelineControl::notify() {
  {
    std::lock_guard lock(mutex_);
    ++news_;
  }
  changed_.notify_all();
}

void PipelineControl::wait_for_news(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  const std::uint64_t seen = news_;
  changed_.wait_for(lock, delay, [&] { return news_ != seen; });
}

bool PipelineControl::wait_for_flag(const std::atomic<bool>& flag,
                                    std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, delay, [&] { return flag.load(); });
}

}  // namespace ytpipe::host
