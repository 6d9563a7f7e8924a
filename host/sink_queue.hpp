// One sink's share of the records: the batches of the sources feeding it, which records were
// offered to it, and which it reported. A batch stays referenced until every one of its records
// has an outcome for this sink. Thread-safe: the sink's thread takes offers, while reports may
// come from any thread the plugin uses.
#pragma once

#include <ytpipe/plugin.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "record_buffer.hpp"

namespace ytpipe::host {

struct SinkCounts {
  std::uint64_t in = 0;         // records queued for the sink
  std::uint64_t delivered = 0;  // reported durable
  std::uint64_t failed = 0;     // reported permanently refused

  // Held for the sink without an outcome yet: in flight while running, undelivered at exit.
  std::uint64_t pending() const { return in - delivered - failed; }
};

// Records to hand to write(): a view into a shared batch, or copies of the records that still
// need an outcome when some in the range already have one.
struct SinkOffer {
  std::shared_ptr<const Batch> batch;
  std::vector<ytpipe_record> gathered;
  const ytpipe_record* records = nullptr;
  std::size_t count = 0;
  std::uint64_t end_id = 0;  // the id after the last record this offer covers
};

class SinkQueue {
 public:
  void push(std::shared_ptr<const Batch> batch);

  // The next records not yet offered, at most `max`; false when there are none.
  bool next_offer(SinkOffer& offer, std::size_t max);

  // The first `accepted` records of `offer` were taken: the next offer starts after them.
  void accepted(const SinkOffer& offer, std::size_t accepted);

  // Outcomes by id. Ids unknown or already reported are ignored and counted (returned).
  std::size_t report(const std::uint64_t* ids, std::size_t count, ytpipe_outcome outcome);

  // After the sink was recreated: every record without an outcome is offered again.
  void offer_again();

  // True when every queued record has an outcome.
  bool settled() const;

  SinkCounts counts() const;

  // Counts pushes and reports; pass it to wait_for_change() to miss none in between.
  std::uint64_t changes() const;

  // Sleeps until something was pushed or reported since changes() returned `seen`, at most
  // `delay`.
  void wait_for_change(std::uint64_t seen, std::chrono::milliseconds delay);

 private:
  struct Entry {
    std::shared_ptr<const Batch> batch;  // reset once every record has an outcome
    std::uint64_t first_id = 0;
    std::size_t count = 0;
    std::size_t outstanding = 0;
    std::vector<bool> reported;

    std::uint64_t end_id() const { return first_id + count; }
  };

  // The entry holding `id`, or the first one after it; entries_.size() when none.
  std::size_t find_locked(std::uint64_t id) const;
  void drop_settled_front_locked();
  bool report_one_locked(std::uint64_t id, std::size_t& hint);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Entry> entries_;  // ordered by first_id
  std::uint64_t next_offer_id_ = 0;
  // Offers below this id may meet records that already have an outcome (after offer_again()).
  std::uint64_t recheck_below_id_ = 0;
  std::uint64_t changes_ = 0;
  SinkCounts counts_;
};

}  // namespace ytpipe::host
