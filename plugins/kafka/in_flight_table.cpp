#include "in_flight_table.hpp"

namespace ytpipe::kafka {

std::size_t InFlightTable::add(InFlight entry) {
  if (free_.empty()) {
    slots_.push_back(entry);
    return slots_.size() - 1;
  }
  const std::size_t slot = free_.back();
  free_.pop_back();
  slots_[slot] = entry;
  return slot;
}

InFlight InFlightTable::take(std::size_t slot) {
  const InFlight entry = slots_.at(slot);
  free_.push_back(slot);
  return entry;
}

}  // namespace ytpipe::kafka
