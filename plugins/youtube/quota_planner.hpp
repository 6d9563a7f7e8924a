// Quota accounting for one API key: units spent per Pacific day, the daily reset, the block
// after quotaExceeded, and the refresh interval the daily budget allows.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace ytpipe::youtube {

using TimePoint = std::chrono::system_clock::time_point;

// Injectable so tests can place "now" anywhere, across daylight-saving changes included.
using Clock = std::function<TimePoint()>;

Clock system_clock();

// The next midnight in America/Los_Angeles strictly after `now`: when YouTube resets quota.
TimePoint next_pacific_midnight(TimePoint now);

// The Pacific calendar day `now` falls in, as days since 1970-01-01 (a key, not a date).
std::int64_t pacific_day(TimePoint now);

// "2026-03-09 07:00:00 UTC (2026-03-09 00:00:00 PDT)", for log lines and errors.
std::string describe_reset(TimePoint reset);

// What one steady refresh is expected to cost, in units.
struct RefreshCost {
  std::int64_t videos_calls = 0;     // ceil(distinct videos / 50)
  std::int64_t playlists_calls = 0;  // ceil(tracked playlists / 50)
  double rewalk_calls = 0;           // playlistItems pages per refresh, amortised
  double total() const {
    return static_cast<double>(videos_calls + playlists_calls) + rewalk_calls;
  }
};

// Page counts of each tracked playlist's walk, for the amortised re-walk share.
RefreshCost estimate_cost(std::int64_t distinct_videos, std::int64_t playlists,
                          std::int64_t walk_pages, std::chrono::milliseconds interval,
                          std::chrono::milliseconds membership_interval);

// The interval that keeps refreshes/day x cost within the daily budget (never shorter than
// `requested`).
std::chrono::milliseconds budget_interval(double units_per_refresh, std::int64_t daily_quota,
                                          std::chrono::milliseconds requested);

// Thread-safe: every worker spends through it.
class QuotaTracker {
 public:
  QuotaTracker(std::int64_t daily_quota, Clock clock);

  // Counts one request (each costs a unit, failed ones too), rolling over at Pacific midnight.
  void spend(std::int64_t units = 1);

  std::int64_t spent_today() const;
  std::int64_t left_today() const;
  std::int64_t spent_total() const;

  // After quotaExceeded: no calls until the next reset. Returns the reset, and whether this call
  // started the block (so the caller logs it once).
  std::pair<TimePoint, bool> block_until_reset();

  // The reset the client is waiting for, if calls are blocked now.
  std::optional<TimePoint> blocked_until() const;

  TimePoint now() const { return clock_(); }

 private:
  void roll_over_locked(TimePoint now) const;

  const std::int64_t daily_quota_;
  const Clock clock_;
  mutable std::mutex mutex_;
  mutable std::int64_t day_ = 0;
  mutable std::int64_t spent_today_ = 0;
  std::int64_t spent_total_ = 0;
  std::optional<TimePoint> blocked_until_;
};

}  // namespace ytpipe::youtube
