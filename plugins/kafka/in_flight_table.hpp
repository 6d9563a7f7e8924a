// What the sink knows about each message librdkafka holds, found again from the message's opaque
// in its delivery report. The host's record ids use all 64 bits, so the opaque is a slot number
// here rather than the id itself: a slot also says whether the message came from the spool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ytpipe::kafka {

struct InFlight {
  std::uint64_t record_id = 0;  // the host's id; meaningless for spooled messages
  bool from_spool = false;
};

// Not thread-safe: the sink uses it from the thread that produces and serves delivery reports.
class InFlightTable {
 public:
  // Returns the slot to pass as the message opaque.
  std::size_t add(InFlight entry);

  // Forgets a slot and returns what it held.
  InFlight take(std::size_t slot);

  std::size_t size() const { return slots_.size() - free_.size(); }

 private:
  std::vector<InFlight> slots_;
  std::vector<std::size_t> free_;
};

}  // namespace ytpipe::kafka
