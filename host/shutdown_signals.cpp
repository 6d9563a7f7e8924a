#include "shutdown_signals.hpp"

#include <pthread.h>

#include <ctime>

namespace ytpipe::host {
namespace {

// How often the watcher checks whether it should end; bounds how long destruction takes.
constexpr long kWatchSliceNs = 50'000'000;

}  // namespace

ShutdownSignals::ShutdownSignals(Handler on_signal) : on_signal_(std::move(on_signal)) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
  watcher_ = std::thread([this] { watch(); });
}

ShutdownSignals::~ShutdownSignals() {
  closing_.store(true);
  watcher_.join();

  // The pipeline has finished: a signal still pending is consumed here instead of killing the
  // process once the previous mask is back.
  const timespec now{0, 0};
  while (sigtimedwait(&signals_, nullptr, &now) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void ShutdownSignals::watch() {
  int count = 0;
  const timespec slice{0, kWatchSliceNs};
  while (!closing_.load()) {
    const int number = sigtimedwait(&signals_, nullptr, &slice);
    if (number > 0) {
      on_signal_(number == SIGINT ? "SIGINT" : "SIGTERM", ++count);
    }
  }
}

}  // namespace ytpipe::host
