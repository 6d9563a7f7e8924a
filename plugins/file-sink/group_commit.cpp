#include "group_commit.hpp"

#include <exception>
#include <utility>

namespace ytpipe::file_sink {

GroupCommit::GroupCommit(Sync sync, Acknowledge acknowledge, std::uint64_t durable_size)
    : sync_(std::move(sync)),
      acknowledge_(std::move(acknowledge)),
      written_size_(durable_size),
      durable_size_(durable_size),
      thread_([this] { run(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void GroupCommit::add(std::span<const std::uint64_t> ids, std::uint64_t file_size) {
  {
    std::lock_guard lock(mutex_);
    waiting_.insert(waiting_.end(), ids.begin(), ids.end());
    written_size_ = file_size;
  }
  work_.notify_one();
}

bool GroupCommit::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, timeout,
                        [this] { return failure_ || (waiting_.empty() && !syncing_); });
}

void GroupCommit::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return failure_ || (waiting_.empty() && !syncing_); });
}

void GroupCommit::restart_at(std::uint64_t size) {
  std::lock_guard lock(mutex_);
  written_size_ = size;
  durable_size_ = size;
}

std::optional<std::string> GroupCommit::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

std::uint64_t GroupCommit::durable_size() const {
  std::lock_guard lock(mutex_);
  return durable_size_;
}

void GroupCommit::run() {
  std::vector<std::uint64_t> batch;
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty() || failure_) {
      return;
    }

    batch.clear();
    batch.swap(waiting_);
    const std::uint64_t covered = written_size_;
    syncing_ = true;
    lock.unlock();

    std::optional<std::string> failure;
    try {
      sync_();
      acknowledge_(batch);
    } catch (const std::exception& e) {
      failure = e.what();
    }

    lock.lock();
    syncing_ = false;
    if (failure) {
      failure_ = std::move(failure);
    } else {
      durable_size_ = covered;
    }
    idle_.notify_all();
  }
}

}  // namespace ytpipe::file_sink
