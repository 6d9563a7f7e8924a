#include "field_selection.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <sstream>

namespace ytsim {
namespace {

Poco::Dynamic::Var parse_json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

std::string narrowed(const std::string& fields, const std::string& json) {
  std::string error;
  const auto selection = FieldSelection::parse(fields, error);
  EXPECT_TRUE(selection.has_value()) << error;
  if (!selection) {
    return {};
  }
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(selection->apply(parse_json(json)), out);
  return out.str();
}

const char kVideos[] = R"({"kind":"k","etag":"e","items":[
  {"kind":"v","id":"a",
   "snippet":{"title":"A","channelId":"C","thumbnails":{"default":{"url":"u","width":1}}},
   "statistics":{"viewCount":"5","likeCount":"1"}},
  {"kind":"v","id":"b","snippet":{"title":"B","channelId":"C","thumbnails":{}},
   "statistics":{"viewCount":"6"}}]})";

TEST(FieldSelection, KeepsOnlyTheListedTopLevelKeys) {
  EXPECT_EQ(narrowed("etag,kind", R"({"kind":"k","etag":"e","items":[]})"),
            R"({"etag":"e","kind":"k"})");
}

TEST(FieldSelection, SlashPathsReachIntoArraysOfObjects) {
  EXPECT_EQ(narrowed("items/id", kVideos), R"({"items":[{"id":"a"},{"id":"b"}]})");
}

TEST(FieldSelection, SubSelectionAppliesToEachItem) {
  EXPECT_EQ(narrowed("items(id,snippet/title)", kVideos),
            R"({"items":[{"id":"a","snippet":{"title":"A"}},{"id":"b","snippet":{"title":"B"}}]})");
}

TEST(FieldSelection, ObjectsEmptiedBySelectionAreLeftOut) {
  EXPECT_EQ(
      narrowed("items(id,snippet/thumbnails/default/url)", kVideos),
      R"({"items":[{"id":"a","snippet":{"thumbnails":{"default":{"url":"u"}}}},{"id":"b"}]})");
}

TEST(FieldSelection, LeafSelectionKeepsEverythingBelow) {
  EXPECT_EQ(narrowed("items/statistics", kVideos),
            R"({"items":[{"statistics":{"likeCount":"1","viewCount":"5"}},)"
            R"({"statistics":{"viewCount":"6"}}]})");
}

TEST(FieldSelection, WildcardSelectsEveryKey) {
  EXPECT_EQ(narrowed("items/*/title", kVideos),
            R"({"items":[{"snippet":{"title":"A"}},{"snippet":{"title":"B"}}]})");
}

TEST(FieldSelection, AbsentKeysAreSkipped) {
  EXPECT_EQ(narrowed("nextPageToken,items/id", kVideos), R"({"items":[{"id":"a"},{"id":"b"}]})");
}

TEST(FieldSelection, RejectsMalformedSelections) {
  for (const char* fields : {"items(", "items()", "items(id", "a,,b", "a/", "/a", "(a)", "a)b",
                             "a b", ",a", "a,", "items(id))", "a//b"}) {
    std::string error;
    EXPECT_FALSE(FieldSelection::parse(fields, error).has_value()) << fields;
    EXPECT_NE(error.find("Invalid field selection"), std::string::npos) << fields;
  }
}

}  // namespace
}  // namespace ytsim
