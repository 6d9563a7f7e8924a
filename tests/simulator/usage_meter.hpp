// Request and quota accounting, as /_sim/stats reports it. Thread-safe.
#pragma once

#include <Poco/JSON/Object.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace ytsim {

enum class Endpoint { kVideos, kPlaylistItems, kPlaylists, kChannels };
constexpr std::size_t kEndpointCount = 4;

const char* endpoint_name(Endpoint endpoint);
std::optional<Endpoint> endpoint_from_name(const std::string& name);

class UsageMeter {
 public:
  explicit UsageMeter(std::uint64_t daily_quota);

  void count_request(Endpoint endpoint);
  void count_injected_error();

  // Spends one unit of today's quota (days end at midnight Pacific time); false when none is left.
  bool try_spend_unit(Endpoint endpoint);

  void set_units_left(std::uint64_t units);
  void reset();

  Poco::JSON::Object::Ptr snapshot() const;

 private:
  void roll_over_day();

  mutable std::mutex mutex_;
  const std::uint64_t daily_quota_;
  std::uint64_t units_left_;
  std::string quota_day_;
  std::array<std::uint64_t, kEndpointCount> requests_{};
  std::array<std::uint64_t, kEndpointCount> units_{};
  std::uint64_t errors_injected_ = 0;
};

// Today's date in America/Los_Angeles (with daylight saving), as YYYY-MM-DD.
std::string pacific_date_today();

}  // namespace ytsim
