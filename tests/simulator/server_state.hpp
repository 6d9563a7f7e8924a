// What the request handlers share: options, the dataset under its lock, counters and faults.
#pragma once

#include <Poco/Clock.h>

#include <shared_mutex>

#include "dataset.hpp"
#include "fault_plan.hpp"
#include "simulator_server.hpp"
#include "usage_meter.hpp"

namespace ytsim {

struct ServerState {
  explicit ServerState(ServerOptions server_options)
      : options(std::move(server_options)), dataset(options.dataset), meter(options.daily_quota) {}

  // Simulated seconds since start, for the growing statistics.
  double elapsed_seconds() const {
    return static_cast<double>(started.elapsed()) / 1e6 * options.time_scale;
  }

  const ServerOptions options;
  std::shared_mutex dataset_mutex;  // shared for API reads, exclusive for /_sim/playlist
  Dataset dataset;
  UsageMeter meter;
  FaultPlan faults;
  const Poco::Clock started;
};

}  // namespace ytsim
