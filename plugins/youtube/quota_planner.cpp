#include "quota_planner.hpp"

#include <algorithm>
#include <boost/date_time/local_time/local_time.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <cmath>

namespace ytpipe::youtube {
namespace {

namespace pt = boost::posix_time;
namespace lt = boost::local_time;

// US Pacific rules since 2007: PDT from the second Sunday of March, PST from the first Sunday of
// November, both at 02:00 local.
const lt::time_zone_ptr& pacific_zone() {
  static const lt::time_zone_ptr zone(
      new lt::posix_time_zone("PST-08PDT+01,M3.2.0/02:00,M11.1.0/02:00"));
  return zone;
}

const pt::ptime kEpoch(boost::gregorian::date(1970, 1, 1));

pt::ptime to_ptime(TimePoint at) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  return kEpoch + pt::milliseconds(ms.count());
}

TimePoint from_ptime(const pt::ptime& at) {
  return TimePoint(std::chrono::milliseconds((at - kEpoch).total_milliseconds()));
}

lt::local_date_time to_pacific(TimePoint at) {
  return {to_ptime(at), pacific_zone()};
}

std::int64_t ceil_div(std::int64_t value, std::int64_t by) {
  return (value + by - 1) / by;
}

}  // namespace

Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

TimePoint next_pacific_midnight(TimePoint now) {
  const boost::gregorian::date tomorrow =
      to_pacific(now).local_time().date() + boost::gregorian::days(1);

  // Midnight is never inside a US daylight-saving gap or overlap (those happen at 02:00).
  const lt::local_date_time midnight(tomorrow, pt::time_duration(0, 0, 0), pacific_zone(),
                                     lt::local_date_time::EXCEPTION_ON_ERROR);
  return from_ptime(midnight.utc_time());
}

std::int64_t pacific_day(TimePoint now) {
  const boost::gregorian::date day = to_pacific(now).local_time().date();
  return (day - kEpoch.date()).days();
}

std::string describe_reset(TimePoint reset) {
  const lt::local_date_time local = to_pacific(reset);
  return pt::to_simple_string(to_ptime(reset)) + " UTC (" +
         pt::to_simple_string(local.local_time()) + " " + local.zone_abbrev() + ")";
}

RefreshCost estimate_cost(std::int64_t distinct_videos, std::int64_t playlists,
                          std::int64_t walk_pages, std::chrono::milliseconds interval,
                          std::chrono::milliseconds membership_interval) {
  RefreshCost cost;
  cost.videos_calls = ceil_div(distinct_videos, 50);
  cost.playlists_calls = ceil_div(playlists, 50);
  const double share = membership_interval.count() <= 0
                           ? 1.0
                           : std::min(1.0, static_cast<double>(interval.count()) /
                                               static_cast<double>(membership_interval.count()));
  cost.rewalk_calls = static_cast<double>(walk_pages) * share;
  return cost;
}

std::chrono::milliseconds budget_interval(double units_per_refresh, std::int64_t daily_quota,
                                          std::chrono::milliseconds requested) {
  constexpr double kDayMs = 24.0 * 60 * 60 * 1000;
  if (daily_quota <= 0 || units_per_refresh <= 0) {
    return requested;
  }
  const double refreshes_allowed = static_cast<double>(daily_quota) / units_per_refresh;
  const auto needed =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(kDayMs / refreshes_allowed)));
  return std::max(requested, needed);
}

QuotaTracker::QuotaTracker(std::int64_t daily_quota, Clock clock)
    : daily_quota_(daily_quota), clock_(std::move(clock)), day_(pacific_day(clock_())) {}

void QuotaTracker::roll_over_locked(TimePoint now) const {
  const std::int64_t today = pacific_day(now);
  if (today != day_) {
    day_ = today;
    spent_today_ = 0;
  }
}

void QuotaTracker::spend(std::int64_t units) {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  roll_over_locked(now);
  spent_today_ += units;
  spent_total_ += units;
}

std::int64_t QuotaTracker::spent_today() const {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  roll_over_locked(now);
  return spent_today_;
}

std::int64_t QuotaTracker::left_today() const {
  return std::max<std::int64_t>(0, daily_quota_ - spent_today());
}

std::int64_t QuotaTracker::spent_total() const {
  std::lock_guard lock(mutex_);
  return spent_total_;
}

std::pair<TimePoint, bool> QuotaTracker::block_until_reset() {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  if (blocked_until_ && now < *blocked_until_) {
    return {*blocked_until_, false};
  }
  blocked_until_ = next_pacific_midnight(now);
  return {*blocked_until_, true};
}

std::optional<TimePoint> QuotaTracker::blocked_until() const {
  const TimePoint now = clock_();
  std::lock_guard lock(mutex_);
  if (blocked_until_ && now < *blocked_until_) {
    return blocked_until_;
  }
  return std::nullopt;
}

}  // namespace ytpipe::youtube
