// Group commit: records are acknowledged after an fsync that started after they were written.
// While one fsync runs, later batches keep being written; the next fsync covers all of them, so
// the number of fsyncs follows the disk's pace rather than the number of batches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace ytpipe::file_sink {

class GroupCommit {
 public:
  // Makes everything written so far durable; throws std::exception on failure.
  using Sync = std::function<void()>;
  // Reports records durable; called from the commit thread.
  using Acknowledge = std::function<void(std::span<const std::uint64_t>)>;

  // `durable_size`: the size of the file as it is already durable.
  GroupCommit(Sync sync, Acknowledge acknowledge, std::uint64_t durable_size);

  // Syncs and acknowledges whatever is still waiting, then stops the commit thread.
  ~GroupCommit();

  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Records whose bytes were written, the file ending at `file_size` after them.
  void add(std::span<const std::uint64_t> ids, std::uint64_t file_size);

  // Waits until every added record is acknowledged or a sync failed; false on timeout.
  bool wait_idle(std::chrono::milliseconds timeout);
  void wait_idle();

  // After wait_idle(): the file was replaced by one of `size` bytes, all durable.
  void restart_at(std::uint64_t size);

  // Why the last sync failed, if it did; no record is acknowledged after a failure.
  std::optional<std::string> failure() const;

  // The file size every acknowledged record lies within.
  std::uint64_t durable_size() const;

 private:
  void run();

  Sync sync_;
  Acknowledge acknowledge_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable idle_;
  std::vector<std::uint64_t> waiting_;
  std::uint64_t written_size_ = 0;
  std::uint64_t durable_size_ = 0;
  bool syncing_ = false;
  bool stopping_ = false;
  std::optional<std::string> failure_;
  std::thread thread_;
};

}  // namespace ytpipe::file_sink
