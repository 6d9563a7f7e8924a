#include "suggestion.hpp"

#include <gtest/gtest.h>

namespace ytpipe::host {
namespace {

TEST(SuggestionTest, CountsTranspositionsAsOneEdit) {
  EXPECT_EQ(edit_distance("path", "pth"), 1u);
  EXPECT_EQ(edit_distance("inputs", "inpust"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

TEST(SuggestionTest, SuggestsTheClosestPlausibleName) {
  const std::vector<std::string> keys{"path", "fsync", "max_bytes"};
  EXPECT_EQ(did_you_mean("pth", keys), "; did you mean \"path\"?");
  EXPECT_EQ(did_you_mean("max_byte", keys), "; did you mean \"max_bytes\"?");
}

TEST(SuggestionTest, StaysQuietWhenNothingIsClose) {
  EXPECT_EQ(did_you_mean("topic", {"path", "fsync"}), "");
  EXPECT_EQ(closest_match("x", {}), std::nullopt);
}

}  // namespace
}  // namespace ytpipe::host
