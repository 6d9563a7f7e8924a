#include "sink_runner.hpp"

#include <algorithm>

#include "log.hpp"

namespace ytpipe::host {
namespace {

// Records per write(): large enough to amortise the call, small enough to keep offers
// responsive when a sink accepts only part of them.
constexpr std::size_t kMaxOffer = 4096;

// How often an idle sink is polled for outcomes.
constexpr std::chrono::milliseconds kIdlePoll{5};

// Identical warnings about failed outcomes are folded into one line per interval.
constexpr std::chrono::seconds kFailedLogInterval{5};

}  // namespace

SinkRunner::SinkRunner(const InstanceSpec& spec, const PipelineSpec& pipeline, bool once,
                       PipelineControl& control)
    : name_(spec.name),
      shutdown_timeout_(pipeline.host.shutdown_timeout),
      control_(control),
      context_(spec, YTPIPE_KIND_SINK, pipeline, once, control, *this),
      instance_(spec, context_) {}

SinkRunner::~SinkRunner() {
  join();
  instance_.destroy();
}

std::optional<std::string> SinkRunner::start_first() {
  ytpipe_error error{};
  if (instance_.create(error) != YTPIPE_OK) {
    return instance_.start_failure(error);
  }
  Log::info(component(), "created");
  return std::nullopt;
}

void SinkRunner::start_thread() {
  thread_ = std::thread([this] { run(); });
}

void SinkRunner::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

void SinkRunner::report(const std::uint64_t* ids, std::size_t count, ytpipe_outcome outcome,
                        const char* reason) {
  const std::size_t ignored = queue_.report(ids, count, outcome);
  if (ignored > 0) {
    Log::debug(component(), "ignored ", ignored, " outcomes for records already reported");
  }
  if (outcome != YTPIPE_DELIVERED) {
    log_failed_outcomes(count - ignored, reason);
  }
}

void SinkRunner::log_failed_outcomes(std::size_t count, const char* reason) {
  std::lock_guard lock(failed_log_mutex_);
  failed_unlogged_ += count;
  const auto now = std::chrono::steady_clock::now();
  if (now - failed_logged_at_ < kFailedLogInterval) {
    return;
  }
  Log::warn(component(), failed_unlogged_,
            " records refused permanently, latest because: ", reason ? reason : "no reason given");
  failed_unlogged_ = 0;
  failed_logged_at_ = now;
}

void SinkRunner::run() {
  while (!done()) {
    if (!instance_.alive()) {
      if (dead_) {
        break;
      }
      recreate();
      continue;
    }
    if (!offer_next()) {
      idle();
    }
  }
  finish();
}

bool SinkRunner::done() const {
  return control_.drain_cut() || (inputs_finished_.load() && queue_.settled());
}

bool SinkRunner::offer_next() {
  if (!queue_.next_offer(offer_, kMaxOffer)) {
    return false;
  }
  std::size_t accepted = 0;
  ytpipe_error error{};
  const ytpipe_status status =
      instance_.plugin().write(instance_.handle(), offer_.records, offer_.count, &accepted, &error);
  if (status != YTPIPE_OK) {
    fail("write failed", status, error);
    return true;
  }
  accepted = std::min(accepted, offer_.count);
  queue_.accepted(offer_, accepted);
  offer_.batch.reset();
  if (accepted > 0) {
    backoff_.reset();
  }

  // A sink that took nothing has a full queue of its own: its poll() may wait for room, and
  // outcomes reported meanwhile mean there is room, so the host waits only when none came.
  const std::uint64_t seen = queue_.changes();
  if (poll() && accepted == 0) {
    queue_.wait_for_change(seen, kIdlePoll);
  }
  return true;
}

void SinkRunner::idle() {
  const std::uint64_t seen = queue_.changes();
  if (poll()) {
    queue_.wait_for_change(seen, kIdlePoll);
  }
}

bool SinkRunner::poll() {
  ytpipe_error error{};
  const ytpipe_status status = instance_.plugin().poll(instance_.handle(), &error);
  if (status != YTPIPE_OK) {
    fail("poll failed", status, error);
    return false;
  }
  return true;
}

void SinkRunner::fail(const std::string& what, ytpipe_status status, const ytpipe_error& error) {
  instance_.destroy();
  if (status == YTPIPE_FATAL) {
    dead_ = true;
    Log::error(component(), what, ", fatal: ", error_text(error));
    control_.fail(component() + ": " + error_text(error));
    return;
  }
  restart_delay_ = backoff_.next();
  Log::warn(component(), what, ": ", error_text(error), "; restarting in ", restart_delay_.count(),
            " ms, ", queue_.counts().pending(), " records without outcome will be offered again");
}

void SinkRunner::recreate() {
  if (control_.wait_for_drain_cut(restart_delay_)) {
    return;
  }
  ytpipe_error error{};
  const ytpipe_status status = instance_.create(error);
  if (status == YTPIPE_OK) {
    queue_.offer_again();
    Log::info(component(), "restarted; records left without an outcome are offered again");
    return;
  }
  fail("cannot restart", status, error);
}

void SinkRunner::finish() {
  if (instance_.alive()) {
    auto timeout = shutdown_timeout_;
    if (const auto deadline = control_.drain_deadline()) {
      timeout = std::max(std::chrono::milliseconds(0),
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                             *deadline - PipelineControl::Clock::now()));
    }
    ytpipe_error error{};
    if (instance_.plugin().flush(instance_.handle(), timeout.count(), &error) != YTPIPE_OK) {
      Log::warn(component(), "flush failed: ", error_text(error));
    }
  }
  instance_.destroy();
  const SinkCounts counts = queue_.counts();
  Log::info(component(), "finished: in=", counts.in, " delivered=", counts.delivered,
            " failed=", counts.failed, " undelivered=", counts.pending());
  finished_.store(true);
  control_.notify();
}

}  // namespace ytpipe::host
