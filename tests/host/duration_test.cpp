#include "duration.hpp"

#include <gtest/gtest.h>

namespace ytpipe::host {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, ReadsEveryUnit) {
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("60s"), milliseconds(60'000));
  EXPECT_EQ(parse_duration("15m"), milliseconds(900'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("0s"), milliseconds(0));
}

TEST(DurationTest, RejectsWhatIsNotAWholeNumberAndOneUnit) {
  for (const char* text : {"", "60", "s", "-5s", "1.5s", " 5s", "5 s", "5sec", "1h30m", "5d", "+5s",
                           "0x10s", "99999999999999999999ms"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(DurationTest, RejectsHoursThatOverflowMilliseconds) {
  EXPECT_EQ(parse_duration("9223372036854775h"), std::nullopt);
}

TEST(DurationTest, FormatsWithTheLargestExactUnit) {
  EXPECT_EQ(format_duration(milliseconds(3'600'000)), "1h");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(1'500)), "1500ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0ms");
}

}  // namespace
}  // namespace ytpipe::host
