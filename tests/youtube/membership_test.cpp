#include "membership.hpp"

#include <gtest/gtest.h>

namespace ytpipe::youtube {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(Membership, WalksWhenNeverWalkedCountChangedOrTooOld) {
  const TimePoint now = std::chrono::system_clock::now();
  TrackedPlaylist playlist;
  playlist.id = "PLa";
  EXPECT_TRUE(needs_walk(playlist, 10, now, hours(1)));

  playlist.item_count = 10;
  playlist.walked_at = now - minutes(5);
  EXPECT_FALSE(needs_walk(playlist, 10, now, hours(1)));
  EXPECT_TRUE(needs_walk(playlist, 11, now, hours(1)));
  EXPECT_TRUE(needs_walk(playlist, 10, now + hours(1), hours(1)));
}

TEST(Membership, AppendDistinctKeepsFirstOccurrenceOrder) {
  std::vector<std::string> members;
  std::unordered_set<std::string> seen;
  append_distinct(members, seen, {"a", "b", "a"});
  append_distinct(members, seen, {"c", "b"});
  EXPECT_EQ(members, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(VideoOwners, EarlierSourceWinsEvenWhenFoundLater) {
  VideoOwners owners(3);
  owners.start_walk(0);
  owners.start_walk(1);
  EXPECT_TRUE(owners.add("v", 1));
  EXPECT_FALSE(owners.settled("v"));  // source 0 may still hold it

  EXPECT_FALSE(owners.add("v", 0));
  EXPECT_EQ(owners.owner("v"), 0u);
  EXPECT_TRUE(owners.settled("v"));
  EXPECT_EQ(owners.distinct(), 1u);
}

TEST(VideoOwners, SettledOnceEarlierWalksFinish) {
  VideoOwners owners(3);
  owners.start_walk(0);
  owners.add("direct", 2);
  EXPECT_FALSE(owners.settled("direct"));
  EXPECT_TRUE(owners.any_walking());
  owners.finish_walk(0);
  EXPECT_TRUE(owners.settled("direct"));
  EXPECT_FALSE(owners.any_walking());
}

}  // namespace
}  // namespace ytpipe::youtube
