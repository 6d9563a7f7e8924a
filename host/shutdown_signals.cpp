#include "shutdown_signals.hpp"

#include <pthread.h>

#include <ctime>

namespace ytpipe::host {

ShutdownSignals::ShutdownSignals(Handler on_signal) : on_signal_(std::move(on_signal)) {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
  watcher_ = std::thread([this] { watch(); });
}

ShutdownSignals::~ShutdownSignals() {
  // A SIGTERM sent to the watcher alone wakes it at once; with closing_ set it is not taken for
  // an operator's request.
  closing_.store(true);
  pthread_kill(watcher_.native_handle(), SIGTERM);
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
  while (true) {
    const int number = sigwaitinfo(&signals_, nullptr);
    if (closing_.load()) {
      return;
    }
    if (number > 0) {
      on_signal_(number == SIGINT ? "SIGINT" : "SIGTERM", ++count);
    }
  }
}

}  // namespace ytpipe::host
