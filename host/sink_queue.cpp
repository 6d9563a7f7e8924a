#include "sink_queue.hpp"

#include <algorithm>

namespace ytpipe::host {

void SinkQueue::push(std::shared_ptr<const Batch> batch) {
  {
    std::lock_guard lock(mutex_);
    const std::size_t count = batch->size();
    Entry& entry = entries_.emplace_back();
    entry.first_id = batch->first_id();
    entry.count = count;
    entry.outstanding = count;
    entry.reported.assign(count, false);
    entry.batch = std::move(batch);
    counts_.in += count;
    ++changes_;
  }
  changed_.notify_all();
}

bool SinkQueue::next_offer(SinkOffer& offer, std::size_t max) {
  std::lock_guard lock(mutex_);
  for (std::size_t at = find_locked(next_offer_id_); at < entries_.size(); ++at) {
    const Entry& entry = entries_[at];
    const std::uint64_t from = std::max(next_offer_id_, entry.first_id);
    if (!entry.batch) {
      next_offer_id_ = entry.end_id();
      continue;
    }
    const std::size_t first = static_cast<std::size_t>(from - entry.first_id);
    offer.batch = entry.batch;
    offer.gathered.clear();
    if (from >= recheck_below_id_) {
      offer.count = std::min(max, entry.count - first);
      offer.records = entry.batch->records() + first;
      offer.end_id = from + offer.count;
      return true;
    }
    std::size_t index = first;
    for (; index < entry.count && offer.gathered.size() < max; ++index) {
      if (!entry.reported[index]) {
        offer.gathered.push_back(entry.batch->records()[index]);
      }
    }
    offer.end_id = entry.first_id + index;
    if (offer.gathered.empty()) {
      next_offer_id_ = offer.end_id;
      continue;
    }
    offer.records = offer.gathered.data();
    offer.count = offer.gathered.size();
    return true;
  }
  return false;
}

void SinkQueue::accepted(const SinkOffer& offer, std::size_t accepted) {
  std::lock_guard lock(mutex_);
  next_offer_id_ = accepted >= offer.count ? offer.end_id : offer.records[accepted].id;
}

std::size_t SinkQueue::report(const std::uint64_t* ids, std::size_t count, ytpipe_outcome outcome) {
  std::size_t ignored = 0;
  {
    std::lock_guard lock(mutex_);
    std::size_t hint = 0;
    for (std::size_t index = 0; index < count; ++index) {
      if (!report_one_locked(ids[index], hint)) {
        ++ignored;
      }
    }
    const std::uint64_t counted = count - ignored;
    (outcome == YTPIPE_DELIVERED ? counts_.delivered : counts_.failed) += counted;
    drop_settled_front_locked();
    ++changes_;
  }
  changed_.notify_all();
  return ignored;
}

void SinkQueue::offer_again() {
  std::lock_guard lock(mutex_);
  recheck_below_id_ = std::max(recheck_below_id_, next_offer_id_);
  next_offer_id_ = entries_.empty() ? next_offer_id_ : entries_.front().first_id;
}

bool SinkQueue::settled() const {
  std::lock_guard lock(mutex_);
  return counts_.pending() == 0;
}

SinkCounts SinkQueue::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::uint64_t SinkQueue::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

void SinkQueue::wait_for_change(std::uint64_t seen, std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, delay, [&] { return changes_ != seen; });
}

std::size_t SinkQueue::find_locked(std::uint64_t id) const {
  const auto after = std::upper_bound(
      entries_.begin(), entries_.end(), id,
      [](std::uint64_t wanted, const Entry& entry) { return wanted < entry.first_id; });
  if (after != entries_.begin() && std::prev(after)->end_id() > id) {
    return static_cast<std::size_t>(std::prev(after) - entries_.begin());
  }
  return static_cast<std::size_t>(after - entries_.begin());
}

// Reports usually come in runs of neighbouring ids, so the entry of the previous id is tried
// before searching.
bool SinkQueue::report_one_locked(std::uint64_t id, std::size_t& hint) {
  if (hint >= entries_.size() || id < entries_[hint].first_id || id >= entries_[hint].end_id()) {
    hint = find_locked(id);
    if (hint >= entries_.size() || id < entries_[hint].first_id) {
      return false;
    }
  }
  Entry& entry = entries_[hint];
  const std::size_t index = static_cast<std::size_t>(id - entry.first_id);
  if (!entry.batch || entry.reported[index]) {
    return false;
  }
  entry.reported[index] = true;
  if (--entry.outstanding == 0) {
    entry.batch.reset();
  }
  return true;
}

void SinkQueue::drop_settled_front_locked() {
  while (!entries_.empty() && !entries_.front().batch) {
    entries_.pop_front();
  }
}

}  // namespace ytpipe::host
