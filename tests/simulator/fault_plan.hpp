// Faults queued through POST /_sim/fault: the next N matching API requests get them. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "usage_meter.hpp"

namespace ytsim {

enum class FaultKind { kStatus, kReset, kMalformed, kLatency, kQuota };

std::optional<FaultKind> fault_kind_from_name(const std::string& name);

struct Fault {
  FaultKind kind = FaultKind::kStatus;
  int http_status = 503;  // for kStatus: 500, 503 or 429
  int delay_ms = 0;       // for kLatency
};

class FaultPlan {
 public:
  // `endpoint` nullopt matches every API endpoint.
  void add(std::optional<Endpoint> endpoint, Fault fault, int count);

  // The fault for this request, if any is pending for its endpoint (oldest first).
  std::optional<Fault> take(Endpoint endpoint);

  void clear();

 private:
  struct Pending {
    std::optional<Endpoint> endpoint;
    Fault fault;
    int remaining = 0;
  };

  std::mutex mutex_;
  std::deque<Pending> pending_;
};

}  // namespace ytsim
