#include "fault_plan.hpp"

#include <algorithm>

namespace ytsim {

std::optional<FaultKind> fault_kind_from_name(const std::string& name) {
  if (name == "status") {
    return FaultKind::kStatus;
  }
  if (name == "reset") {
    return FaultKind::kReset;
  }
  if (name == "malformed") {
    return FaultKind::kMalformed;
  }
  if (name == "latency") {
    return FaultKind::kLatency;
  }
  if (name == "quota") {
    return FaultKind::kQuota;
  }
  return std::nullopt;
}

void FaultPlan::add(std::optional<Endpoint> endpoint, Fault fault, int count) {
  const std::lock_guard lock(mutex_);
  pending_.push_back({endpoint, fault, count});
}

std::optional<Fault> FaultPlan::take(Endpoint endpoint) {
  const std::lock_guard lock(mutex_);
  const auto matching = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& entry) {
    return !entry.endpoint || *entry.endpoint == endpoint;
  });
  if (matching == pending_.end()) {
    return std::nullopt;
  }

  const Fault fault = matching->fault;
  if (--matching->remaining <= 0) {
    pending_.erase(matching);
  }
  return fault;
}

void FaultPlan::clear() {
  const std::lock_guard lock(mutex_);
  pending_.clear();
}

}  // namespace ytsim
