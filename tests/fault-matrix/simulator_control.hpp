// The YouTube API simulator as a child process, and its /_sim control endpoints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "child_process.hpp"

namespace ytpipe::faults {

struct SimulatorRequests {
  std::uint64_t videos = 0;
  std::uint64_t playlist_items = 0;
  std::uint64_t playlists = 0;

  std::uint64_t total() const { return videos + playlist_items + playlists; }
};

class Simulator {
 public:
  // Serves `playlist` with `entries` entries and a quota large enough for the whole matrix.
  Simulator(const std::string& playlist, int entries, const std::filesystem::path& log);

  // The api_base a manifest points the YouTube source at.
  std::string api_base() const;

  // POST /_sim/<what>; throws unless the simulator answers 200.
  void post(const std::string& what) const;

  // Zeroes the counters, drops pending faults and restores the quota: a fresh start for a row.
  void reset() const;

  SimulatorRequests requests() const;

 private:
  kafka::testing::ChildProcess process_;
  std::uint16_t port_ = 0;
};

}  // namespace ytpipe::faults
