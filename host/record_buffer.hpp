// The records held between sources and sinks. A source's batch is copied into one allocation
// (a Batch) that every sink taking it shares; the RecordBuffer bounds the bytes of all batches
// alive, so a source waits (backpressure) instead of memory growing.
#pragma once

#include <ytpipe/plugin.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace ytpipe::host {

class RecordBuffer {
 public:
  explicit RecordBuffer(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // Blocks until `bytes` fit the budget. A request larger than the whole budget is admitted
  // when the buffer is empty, so one huge batch cannot deadlock. Returns how long it waited for
  // room (zero when there was room at once), or nothing, reserving nothing, when `stopping`
  // turns true while waiting (call wake_all() after setting it).
  std::optional<std::chrono::steady_clock::duration> reserve(std::uint64_t bytes,
                                                             const std::atomic<bool>& stopping);

  void release(std::uint64_t bytes);

  void wake_all();

  std::uint64_t used_bytes() const;
  std::uint64_t peak_bytes() const;
  std::uint64_t max_bytes() const { return max_bytes_; }

 private:
  const std::uint64_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable room_;
  std::uint64_t used_ = 0;  // guarded by mutex_
  std::uint64_t peak_ = 0;  // guarded by mutex_
};

// A source's emitted records, copied: record structs, headers and all bytes in one allocation.
// Immutable once published; its bytes go back to the buffer when the last holder lets go.
class Batch {
 public:
  // What copying these records holds: their bytes plus the structs that describe them.
  static std::uint64_t footprint(const ytpipe_record* records, std::size_t count);

  // Copies `records`; `bytes` must be footprint(records, count), already reserved in `buffer`.
  Batch(const ytpipe_record* records, std::size_t count, std::uint64_t bytes, RecordBuffer& buffer);
  ~Batch();

  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Numbers the records first_id, first_id + 1, ...; done once, before the batch is shared.
  void assign_ids(std::uint64_t first_id);

  std::uint64_t first_id() const { return first_id_; }
  std::size_t size() const { return count_; }
  const ytpipe_record* records() const { return records_; }

 private:
  RecordBuffer& buffer_;
  const std::uint64_t bytes_;
  std::unique_ptr<std::byte[]> storage_;
  ytpipe_record* records_ = nullptr;
  std::size_t count_ = 0;
  std::uint64_t first_id_ = 0;
};

}  // namespace ytpipe::host
