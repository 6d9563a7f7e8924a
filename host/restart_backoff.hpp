// How long to wait before recreating a failed instance: exponential, with jitter so instances
// that failed together do not retry in lockstep.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace ytpipe::host {

class RestartBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{100};
  static constexpr std::chrono::milliseconds kLongest{30'000};

  // The next delay: kFirst, then doubling up to kLongest, each between 75% and 100% of that.
  std::chrono::milliseconds next() {
    const std::chrono::milliseconds ceiling = current_;
    current_ = std::min(current_ * 2, kLongest);
    std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(ceiling.count() * 3 / 4,
                                                                       ceiling.count());
    return std::chrono::milliseconds(pick(random_));
  }

  // After the instance made progress: the next failure starts the sequence again.
  void reset() { current_ = kFirst; }

 private:
  std::chrono::milliseconds current_ = kFirst;
  std::minstd_rand random_{std::random_device{}()};
};

}  // namespace ytpipe::host
