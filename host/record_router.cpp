#include "record_router.hpp"

namespace ytpipe::host {

RecordRouter::RecordRouter(std::uint64_t max_buffer_bytes, std::size_t source_count,
                           const std::atomic<bool>& stopping)
    : buffer_(max_buffer_bytes), stopping_(stopping), targets_(source_count) {}

void RecordRouter::connect(std::size_t source, SinkQueue& queue) {
  targets_.at(source).push_back(&queue);
}

ytpipe_status RecordRouter::publish(std::size_t source, const ytpipe_record* records,
                                    std::size_t count,
                                    std::chrono::steady_clock::duration& waited) {
  waited = std::chrono::steady_clock::duration::zero();
  if (stopping_.load()) {
    return YTPIPE_STOPPED;
  }
  if (count == 0) {
    return YTPIPE_OK;
  }
  const std::vector<SinkQueue*>& targets = targets_[source];
  if (targets.empty()) {
    records_in_ += count;
    return YTPIPE_OK;
  }

  const std::uint64_t bytes = Batch::footprint(records, count);
  const auto reserved = buffer_.reserve(bytes, stopping_);
  if (!reserved) {
    return YTPIPE_STOPPED;
  }
  waited = *reserved;
  auto batch = std::make_shared<Batch>(records, count, bytes, buffer_);

  std::lock_guard lock(publish_mutex_);
  batch->assign_ids(next_id_);
  next_id_ += count;
  // Counted before any sink can see them, so a summary never shows more delivered than in.
  records_in_ += count;
  for (SinkQueue* queue : targets) {
    queue->push(batch);
  }
  return YTPIPE_OK;
}

}  // namespace ytpipe::host
