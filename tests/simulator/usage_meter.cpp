#include "usage_meter.hpp"

#include <boost/date_time/local_time/local_time.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

namespace ytsim {
namespace {

constexpr std::array<const char*, kEndpointCount> kEndpointNames = {"videos", "playlistItems",
                                                                    "playlists", "channels"};

std::size_t index_of(Endpoint endpoint) {
  return static_cast<std::size_t>(endpoint);
}

Poco::JSON::Object::Ptr per_endpoint(const std::array<std::uint64_t, kEndpointCount>& counts) {
  Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (std::size_t index = 0; index < kEndpointCount; ++index) {
    object->set(kEndpointNames[index], counts[index]);
  }
  return object;
}

}  // namespace

const char* endpoint_name(Endpoint endpoint) {
  return kEndpointNames[index_of(endpoint)];
}

std::optional<Endpoint> endpoint_from_name(const std::string& name) {
  for (std::size_t index = 0; index < kEndpointCount; ++index) {
    if (name == kEndpointNames[index]) {
      return static_cast<Endpoint>(index);
    }
  }
  return std::nullopt;
}

std::string pacific_date_today() {
  namespace lt = boost::local_time;
  static const lt::time_zone_ptr kPacific(
      new lt::posix_time_zone("PST-08PDT+01,M3.2.0/02:00,M11.1.0/02:00"));
  const lt::local_date_time now(boost::posix_time::second_clock::universal_time(), kPacific);
  return boost::gregorian::to_iso_extended_string(now.local_time().date());
}

UsageMeter::UsageMeter(std::uint64_t daily_quota)
    : daily_quota_(daily_quota), units_left_(daily_quota), quota_day_(pacific_date_today()) {}

void UsageMeter::count_request(Endpoint endpoint) {
  const std::lock_guard lock(mutex_);
  ++requests_[index_of(endpoint)];
}

void UsageMeter::count_injected_error() {
  const std::lock_guard lock(mutex_);
  ++errors_injected_;
}

bool UsageMeter::try_spend_unit(Endpoint endpoint) {
  const std::lock_guard lock(mutex_);
  roll_over_day();
  if (units_left_ == 0) {
    return false;
  }
  --units_left_;
  ++units_[index_of(endpoint)];
  return true;
}

void UsageMeter::set_units_left(std::uint64_t units) {
  const std::lock_guard lock(mutex_);
  units_left_ = units;
}

void UsageMeter::reset() {
  const std::lock_guard lock(mutex_);
  requests_ = {};
  units_ = {};
  errors_injected_ = 0;
  units_left_ = daily_quota_;
}

void UsageMeter::roll_over_day() {
  const std::string today = pacific_date_today();
  if (today != quota_day_) {
    quota_day_ = today;
    units_left_ = daily_quota_;
  }
}

Poco::JSON::Object::Ptr UsageMeter::snapshot() const {
  const std::lock_guard lock(mutex_);
  std::uint64_t units_total = 0;
  for (const std::uint64_t units : units_) {
    units_total += units;
  }

  Poco::JSON::Object::Ptr stats = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  stats->set("requests", per_endpoint(requests_));
  stats->set("units", per_endpoint(units_));
  stats->set("units_total", units_total);
  stats->set("quota_left", units_left_);
  stats->set("errors_injected", errors_injected_);
  stats->set("quota_day", quota_day_);
  return stats;
}

}  // namespace ytsim
