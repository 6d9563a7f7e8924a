#include "quota_planner.hpp"

#include <gtest/gtest.h>

#include <boost/date_time/posix_time/posix_time.hpp>

namespace ytpipe::youtube {
namespace {

TimePoint utc(const std::string& text) {
  const boost::posix_time::ptime at = boost::posix_time::time_from_string(text);
  const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
  return TimePoint(std::chrono::milliseconds((at - epoch).total_milliseconds()));
}

TEST(PacificReset, WinterMidnightIsEightUtc) {
  EXPECT_EQ(next_pacific_midnight(utc("2026-01-15 12:00:00")), utc("2026-01-16 08:00:00"));
}

TEST(PacificReset, SummerMidnightIsSevenUtc) {
  EXPECT_EQ(next_pacific_midnight(utc("2026-07-04 06:59:59")), utc("2026-07-04 07:00:00"));
  EXPECT_EQ(next_pacific_midnight(utc("2026-07-04 07:00:00")), utc("2026-07-05 07:00:00"));
}

TEST(PacificReset, AcrossTheSpringChange) {
  // 2026-03-08: clocks go from 02:00 PST to 03:00 PDT. The day before still ends at 08:00 UTC,
  // the short day itself ends at 07:00 UTC.
  EXPECT_EQ(next_pacific_midnight(utc("2026-03-08 07:30:00")), utc("2026-03-08 08:00:00"));
  EXPECT_EQ(next_pacific_midnight(utc("2026-03-08 12:00:00")), utc("2026-03-09 07:00:00"));
}

TEST(PacificReset, AcrossTheAutumnChange) {
  // 2026-11-01: 02:00 PDT falls back to 01:00 PST; that day is 25 hours long.
  EXPECT_EQ(next_pacific_midnight(utc("2026-11-01 12:00:00")), utc("2026-11-02 08:00:00"));
  EXPECT_EQ(next_pacific_midnight(utc("2026-10-31 12:00:00")), utc("2026-11-01 07:00:00"));
}

TEST(PacificReset, DescriptionNamesUtcAndPacificTime) {
  const std::string text = describe_reset(utc("2026-03-09 07:00:00"));
  EXPECT_NE(text.find("2026-Mar-09 07:00:00 UTC"), std::string::npos) << text;
  EXPECT_NE(text.find("2026-Mar-09 00:00:00 PDT"), std::string::npos) << text;
}

TEST(QuotaTracker, SpendingRollsOverAtPacificMidnight) {
  TimePoint now = utc("2026-03-08 07:50:00");
  QuotaTracker quota(10'000, [&] { return now; });
  quota.spend(120);
  EXPECT_EQ(quota.spent_today(), 120);
  EXPECT_EQ(quota.left_today(), 9'880);

  now = utc("2026-03-08 08:00:01");  // 00:00:01 PST on the day of the spring change
  EXPECT_EQ(quota.spent_today(), 0);
  quota.spend(3);
  EXPECT_EQ(quota.spent_today(), 3);
  EXPECT_EQ(quota.spent_total(), 123);
}

TEST(QuotaTracker, BlockLastsUntilTheResetAndIsReportedOnce) {
  TimePoint now = utc("2026-11-01 20:00:00");
  QuotaTracker quota(10'000, [&] { return now; });
  EXPECT_FALSE(quota.blocked_until().has_value());

  const auto [reset, started] = quota.block_until_reset();
  EXPECT_TRUE(started);
  EXPECT_EQ(reset, utc("2026-11-02 08:00:00"));
  EXPECT_FALSE(quota.block_until_reset().second);

  now = utc("2026-11-02 07:59:59");
  EXPECT_EQ(quota.blocked_until(), reset);
  now = utc("2026-11-02 08:00:00");
  EXPECT_FALSE(quota.blocked_until().has_value());
}

TEST(RefreshPlan, SteadyCostIsVideosPlusPlaylistsCalls) {
  using std::chrono::hours;
  using std::chrono::seconds;
  const RefreshCost cost = estimate_cost(5'000, 1, 100, seconds(60), hours(1));
  EXPECT_EQ(cost.videos_calls, 100);
  EXPECT_EQ(cost.playlists_calls, 1);
  EXPECT_DOUBLE_EQ(cost.rewalk_calls, 100.0 / 60);
}

TEST(RefreshPlan, IntervalStretchesToTheDailyBudget) {
  using std::chrono::milliseconds;
  // 101 units every minute would be 145,440 a day; 10,000 allow one refresh per 872.64 s.
  EXPECT_EQ(budget_interval(101, 10'000, milliseconds(60'000)), milliseconds(872'640));
  // Cheap refreshes keep the requested interval.
  EXPECT_EQ(budget_interval(2, 10'000, milliseconds(60'000)), milliseconds(60'000));
}

}  // namespace
}  // namespace ytpipe::youtube
