#include "source_runner.hpp"

#include <algorithm>

#include "log.hpp"

namespace ytpipe::host {
namespace {

// Attempts at the one cycle of a --once run before the run fails.
constexpr int kOnceAttempts = 5;

// Backpressure is reported once a source has waited this long in all for room in the record
// buffer, then at most once per interval: a source held back by a slow sink is otherwise silent.
constexpr std::chrono::seconds kHeldBackNotice{1};
constexpr std::chrono::seconds kHeldBackLogInterval{30};

}  // namespace

SourceRunner::SourceRunner(const InstanceSpec& spec, std::size_t index,
                           const PipelineSpec& pipeline, bool once, PipelineControl& control,
                           RecordRouter& router)
    : index_(index),
      once_(once),
      control_(control),
      router_(router),
      context_(spec, YTPIPE_KIND_SOURCE, pipeline, once, control, *this),
      instance_(spec, context_) {}

SourceRunner::~SourceRunner() {
  join();
  instance_.destroy();
}

std::optional<std::string> SourceRunner::start_first() {
  ytpipe_error error{};
  if (instance_.create(error) != YTPIPE_OK) {
    return instance_.start_failure(error);
  }
  Log::info(component(), "created");
  return std::nullopt;
}

void SourceRunner::start_thread() {
  thread_ = std::thread([this] { run(); });
}

void SourceRunner::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

ytpipe_status SourceRunner::emit(const ytpipe_record* records, std::size_t count) {
  std::chrono::steady_clock::duration waited{0};
  const ytpipe_status status = router_.publish(index_, records, count, waited);
  if (waited > std::chrono::steady_clock::duration::zero()) {
    note_held_back(waited);
  }
  if (status == YTPIPE_OK) {
    emitted_.fetch_add(count, std::memory_order_relaxed);
    progressed_ = true;
  }
  return status;
}

void SourceRunner::note_held_back(std::chrono::steady_clock::duration waited) {
  std::lock_guard lock(held_back_mutex_);
  held_back_ += waited;
  const auto now = std::chrono::steady_clock::now();
  const bool first = held_back_logged_at_ == std::chrono::steady_clock::time_point{};
  if (held_back_ < kHeldBackNotice ||
      (!first && now - held_back_logged_at_ < kHeldBackLogInterval)) {
    return;
  }

  const RecordBuffer& buffer = router_.buffer();
  const auto held_ms = std::chrono::duration_cast<std::chrono::milliseconds>(held_back_).count();
  Log::warn(component(), "held back ", held_ms, " ms", first ? "" : " since the last notice",
            ": the record buffer is full (", buffer.used_bytes(), " of ", buffer.max_bytes(),
            " bytes); a sink takes records more slowly than the sources make them");
  held_back_ = std::chrono::steady_clock::duration::zero();
  held_back_logged_at_ = now;
}

void SourceRunner::run() {
  while (!control_.stopping()) {
    if (!instance_.alive()) {
      recreate();
      continue;
    }
    if (!run_cycle()) {
      break;
    }
  }
  instance_.destroy();
  Log::info(component(), "finished after emitting ", emitted(), " records");
  finished_.store(true);
  control_.notify();
}

bool SourceRunner::run_cycle() {
  std::int64_t next_cycle_ms = 0;
  ytpipe_error error{};
  const ytpipe_status status =
      instance_.plugin().run_cycle(instance_.handle(), &next_cycle_ms, &error);
  switch (status) {
    case YTPIPE_OK:
      backoff_.reset();
      if (once_) {
        return false;
      }
      control_.wait_for_stop(std::chrono::milliseconds(std::max<std::int64_t>(0, next_cycle_ms)));
      return true;
    case YTPIPE_END:
    case YTPIPE_STOPPED:
      return false;
    case YTPIPE_FATAL:
      Log::error(component(), "fatal error: ", error_text(error));
      control_.fail(component() + ": " + error_text(error));
      return false;
    default:
      schedule_restart("cycle failed", error);
      return true;
  }
}

// Under --once a failed cycle is run again by the recreated instance, so a passing fault does
// not fail the run; a cycle that keeps failing ends it, since nobody waits on a one-shot run to
// recover by itself.
void SourceRunner::schedule_restart(const std::string& what, const ytpipe_error& error) {
  instance_.destroy();
  if (once_ && ++failed_attempts_ >= kOnceAttempts) {
    Log::error(component(), what, ": ", error_text(error), "; giving up after ", failed_attempts_,
               " attempts at the --once cycle");
    control_.fail(component() + ": " + error_text(error));
    return;
  }
  if (progressed_) {
    backoff_.reset();
  }
  restart_delay_ = backoff_.next();
  Log::warn(component(), what, ": ", error_text(error), "; restarting in ", restart_delay_.count(),
            " ms");
}

void SourceRunner::recreate() {
  if (control_.wait_for_stop(restart_delay_)) {
    return;
  }
  ytpipe_error error{};
  const ytpipe_status status = instance_.create(error);
  progressed_ = false;
  if (status == YTPIPE_OK) {
    Log::info(component(), "restarted");
  } else if (status == YTPIPE_FATAL) {
    Log::error(component(), "cannot restart, fatal: ", error_text(error));
    control_.fail(component() + ": " + error_text(error));
  } else {
    schedule_restart("cannot restart", error);
  }
}

}  // namespace ytpipe::host
