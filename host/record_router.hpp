// Hands each source's records to the queues of the sinks that take them, through the bounded
// buffer. Ids are numbered in publishing order, so every queue sees its batches in id order.
#pragma once

#include <ytpipe/plugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "record_buffer.hpp"
#include "sink_queue.hpp"

namespace ytpipe::host {

class RecordRouter {
 public:
  RecordRouter(std::uint64_t max_buffer_bytes, std::size_t source_count,
               const std::atomic<bool>& stopping);

  // Before the pipeline starts: records of source `source` go to `queue` too.
  void connect(std::size_t source, SinkQueue& queue);

  // Copies the records into the buffer, waiting for room; `waited` says how long. YTPIPE_STOPPED
  // (nothing taken) when the pipeline stops while waiting.
  ytpipe_status publish(std::size_t source, const ytpipe_record* records, std::size_t count,
                        std::chrono::steady_clock::duration& waited);

  // Wakes sources waiting for room, after a stop request.
  void wake_all() { buffer_.wake_all(); }

  std::uint64_t records_in() const { return records_in_.load(std::memory_order_relaxed); }
  const RecordBuffer& buffer() const { return buffer_; }

 private:
  RecordBuffer buffer_;
  const std::atomic<bool>& stopping_;
  std::vector<std::vector<SinkQueue*>> targets_;  // per source; fixed once running
  std::mutex publish_mutex_;
  std::uint64_t next_id_ = 1;  // guarded by publish_mutex_
  std::atomic<std::uint64_t> records_in_{0};
};

}  // namespace ytpipe::host
