// youtube-simulator's HTTP server: the YouTube Data API v3 list calls under a base path plus the
// /_sim control endpoints, on 127.0.0.1. Usable in-process (tests) or from main.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "dataset.hpp"

namespace ytsim {

struct ServerOptions {
  std::uint16_t port = 0;  // 0: any free port
  std::string base_path = "/youtube/v3";
  std::string api_key = "sim-key";
  std::uint64_t daily_quota = 10000;
  int latency_ms = 0;       // added to every API response
  double time_scale = 1.0;  // statistics grow this many times faster than wall time
  int threads = 16;
  DatasetSpec dataset = demo_dataset_spec(1);
  // Both set: serve HTTPS with this PEM certificate (chain) and private key; both empty: HTTP.
  std::string tls_cert;
  std::string tls_key;
};

class SimulatorServer {
 public:
  // Builds the dataset; throws std::invalid_argument for inconsistent options.
  explicit SimulatorServer(ServerOptions options);
  ~SimulatorServer();

  SimulatorServer(const SimulatorServer&) = delete;
  SimulatorServer& operator=(const SimulatorServer&) = delete;

  // Binds and starts serving; returns the bound port. Throws std::invalid_argument when the TLS
  // certificate or key cannot be loaded.
  std::uint16_t start();

  // "http" or "https".
  std::string scheme() const;

  // Stops accepting and waits for the handlers in flight.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ytsim
